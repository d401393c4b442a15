//! A `cookie-ledger serve` started for real on an ephemeral port, for the integration tests
//! and the browser tests of the preview.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::support::Project;

/// A running `cookie-ledger serve`, stopped with SIGINT when dropped.
pub struct Server {
    child: Child,
    /// Where it listens: `127.0.0.1:PORT`.
    pub address: String,
    lines: mpsc::Receiver<String>,
    /// Every line read so far.
    seen: std::sync::Mutex<Vec<String>>,
}

impl Server {
    /// The preview without its live audit, which tests of the preview's other parts do not need.
    pub fn start(project: &Project) -> Server {
        Server::start_with(project, &["--port", "0", "--no-audit"])
    }

    pub fn start_with(project: &Project, args: &[&str]) -> Server {
        let preview = project.path("preview");
        let mut child = Command::new(env!("CARGO_BIN_EXE_cookie-ledger"))
            .arg("serve")
            .args(args)
            .arg("--out")
            .arg(&preview)
            .current_dir(project.path("."))
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the binary starts");
        let (tx, lines) = mpsc::channel();
        let stdout = child.stdout.take().unwrap();
        let stderr = child.stderr.take().unwrap();
        let tx2 = tx.clone();
        std::thread::spawn(move || {
            BufReader::new(stdout)
                .lines()
                .map_while(Result::ok)
                .for_each(|l| drop(tx.send(l)))
        });
        std::thread::spawn(move || {
            BufReader::new(stderr)
                .lines()
                .map_while(Result::ok)
                .for_each(|l| drop(tx2.send(l)))
        });
        let mut server = Server {
            child,
            address: String::new(),
            lines,
            seen: Default::default(),
        };
        let line = server
            .wait_for_line(|l| l.starts_with("serving "))
            .expect("the server says where it serves");
        let start = line
            .find("http://127.0.0.1:")
            .expect("an address on loopback")
            + "http://".len();
        server.address = line[start..].split('/').next().unwrap().to_owned();
        server
            .wait_for_line(|l| l.starts_with("watching for changes"))
            .expect("the server watches");
        server
    }

    /// Waits (up to a generous bound) for an output line that passes `test`.
    pub fn wait_for_line(&self, test: impl Fn(&str) -> bool) -> Option<String> {
        let deadline = Instant::now() + Duration::from_secs(60);
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    self.seen.lock().unwrap().push(line.clone());
                    if test(&line) {
                        return Some(line);
                    }
                }
                Err(_) => return None,
            }
        }
        None
    }

    /// Whether a line read so far passes `test`.
    pub fn said(&self, test: impl Fn(&str) -> bool) -> bool {
        self.seen.lock().unwrap().iter().any(|l| test(l))
    }

    /// Sends SIGINT, as Ctrl-C does, and returns the exit code.
    pub fn stop(mut self) -> Option<i32> {
        let _ = Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status.code();
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
