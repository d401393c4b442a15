//! The preview server, started for real on an ephemeral port over a copy of the demo, spoken to over TCP.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::server::Server;
use crate::support::Project;

/// Requests to the running preview.
trait Get {
    fn get(&self, path: &str) -> Reply;
}

impl Get for Server {
    fn get(&self, path: &str) -> Reply {
        request(&self.address, "GET", path)
    }
}

#[derive(Debug)]
struct Reply {
    status: u16,
    headers: String,
    body: String,
}

impl Reply {
    fn header(&self, name: &str) -> Option<String> {
        self.headers.lines().find_map(|l| {
            let (key, value) = l.split_once(':')?;
            key.eq_ignore_ascii_case(name)
                .then(|| value.trim().to_owned())
        })
    }
}

/// One HTTP/1.1 request with the path sent exactly as given (no client-side normalising).
fn request(address: &str, method: &str, path: &str) -> Reply {
    let mut stream = TcpStream::connect(address).expect("connects");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("reads the reply");
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    Reply {
        status,
        headers: head.to_owned(),
        body: body.to_owned(),
    }
}

/// Subscribes to the event stream; the returned receiver yields `(event, data)` pairs.
fn subscribe(address: &str) -> mpsc::Receiver<(String, String)> {
    let mut stream = TcpStream::connect(address).expect("connects");
    write!(
        stream,
        "GET /__cookie-ledger/events HTTP/1.1\r\nHost: {address}\r\n\r\n"
    )
    .unwrap();
    // The subscription is live once the response's headers have come: read them here.
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    while reader.read_line(&mut line).expect("headers") > 0 && line != "\r\n" {
        line.clear();
    }
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        // An event is its `event:` and `data:` lines, ended by a blank line.
        let (mut event, mut data) = (String::new(), String::new());
        for line in reader.lines().map_while(Result::ok) {
            let line = line.trim_end_matches('\r');
            if let Some(name) = line.strip_prefix("event:") {
                event = name.trim().to_owned();
            } else if let Some(value) = line.strip_prefix("data:") {
                data = value.trim_start().to_owned();
            } else if line.is_empty() && !event.is_empty() {
                let sent = tx.send((std::mem::take(&mut event), std::mem::take(&mut data)));
                if sent.is_err() {
                    return;
                }
            }
        }
    });
    rx
}

fn next_event(events: &mpsc::Receiver<(String, String)>) -> (String, String) {
    events
        .recv_timeout(Duration::from_secs(60))
        .expect("an event within a minute")
}

#[test]
fn pages_are_served_with_their_types_and_the_live_script() {
    let p = Project::portals();
    for file in [
        "logo.svg",
        "photo.png",
        "photo.jpg",
        "font.woff2",
        "font.woff",
        "icon.ico",
        "module.mjs",
    ] {
        p.write(&format!("site/assets/{file}"), [0u8, 1, 2]);
    }
    let server = Server::start(&p);
    let page = server.get("/datastro/cookies.html");
    assert_eq!(page.status, 200);
    assert!(
        page.header("content-type")
            .unwrap()
            .starts_with("text/html")
    );
    assert!(page.body.contains("<code>sessionid</code>"));
    assert!(
        page.body
            .contains("<script src=\"/__cookie-ledger/live.js\" defer></script>")
    );
    for (path, kind) in [
        ("/assets/style.css", "text/css"),
        ("/assets/consent.js", "javascript"),
        ("/__cookie-ledger/live.js", "javascript"),
        ("/__cookie-ledger/findings", "application/json"),
        ("/", "text/html"),
        ("/assets/logo.svg", "image/svg+xml"),
        ("/assets/photo.png", "image/png"),
        ("/assets/photo.jpg", "image/jpeg"),
        ("/assets/font.woff2", "font/woff2"),
        ("/assets/font.woff", "font/woff"),
        ("/assets/module.mjs", "text/javascript"),
        ("/assets/icon.ico", "image/"),
    ] {
        let reply = server.get(path);
        assert_eq!(reply.status, 200, "{path}");
        assert!(
            reply.header("content-type").unwrap().contains(kind),
            "{path}: {:?}",
            reply.header("content-type")
        );
    }
    assert!(
        server
            .get("/")
            .body
            .contains("<a href=\"/odwb/fr/cookies.html\">"),
        "the start page lists the policy pages"
    );
    let missing = server.get("/nowhere.html");
    assert_eq!(missing.status, 404);
    assert!(missing.body.contains("<html") && missing.body.contains("live.js"));
    assert_eq!(
        request(&server.address, "POST", "/datastro/cookies.html").status,
        405
    );
    assert_eq!(request(&server.address, "DELETE", "/").status, 405);
    let head = request(&server.address, "HEAD", "/datastro/cookies.html");
    assert_eq!((head.status, head.body.as_str()), (200, ""));
    assert_eq!(server.stop(), Some(0), "Ctrl-C ends it cleanly");
}

#[test]
fn no_path_leaves_the_preview_folder() {
    let p = Project::portals();
    std::fs::write(p.path("secret.txt"), "[[site]] secret").unwrap();
    let server = Server::start(&p);
    for path in [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/%252e%252e/secret.txt",
        "/..%2fsecret.txt",
        "/..%5csecret.txt",
        "/..\\secret.txt",
        "//etc/passwd",
        "/../../../../../../etc/passwd",
        "/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/datastro/../../secret.txt",
        "/%2Fetc%2Fpasswd",
    ] {
        let reply = server.get(path);
        assert!(
            matches!(reply.status, 400 | 403 | 404),
            "{path}: {}",
            reply.status
        );
        assert!(
            !reply.body.contains("secret") && !reply.body.contains("root:x:0"),
            "{path} leaked"
        );
    }
}

#[test]
fn edits_to_a_page_and_to_the_catalogue_reach_open_pages() {
    let p = Project::portals();
    let server = Server::start(&p);
    let events = subscribe(&server.address);
    p.edit(
        "site/datastro/cookies.html",
        "<h1>Cookie policy</h1>",
        "<h1>Cookie policy, edited</h1>",
    );
    assert_eq!(next_event(&events).0, "reload");
    assert!(
        server
            .get("/datastro/cookies.html")
            .body
            .contains("Cookie policy, edited")
    );

    p.edit(
        "catalogue.toml",
        "purpose.en = \"To remember the user from one page to another\"",
        "purpose.en = \"To remember who you are\"",
    );
    assert_eq!(next_event(&events).0, "reload");
    let page = server.get("/odwb/cookies.html").body;
    assert!(page.contains("<td>To remember who you are</td>"), "{page}");
}

#[test]
fn a_broken_catalogue_keeps_the_last_good_pages_and_says_where() {
    let p = Project::portals();
    let server = Server::start(&p);
    let events = subscribe(&server.address);
    let good = p.read("catalogue.toml");
    p.write("catalogue.toml", format!("{good}\nthis is = = not toml\n"));
    let (event, data) = next_event(&events);
    assert_eq!(event, "findings");
    let findings: serde_json::Value = serde_json::from_str(&data).unwrap();
    let first = &findings[0];
    assert_eq!(
        (first["file"].as_str(), first["rule"].as_str()),
        (Some("catalogue.toml"), Some("catalogue-syntax"))
    );
    assert_eq!(
        first["line"].as_u64(),
        Some(good.lines().count() as u64 + 2)
    );
    assert!(first["column"].as_u64().unwrap() > 1);
    let page = server.get("/datastro/cookies.html");
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("<code>sessionid</code>"),
        "the last good page is still served"
    );
    assert!(
        server
            .get("/__cookie-ledger/findings")
            .body
            .contains("catalogue-syntax")
    );
    assert!(
        server
            .wait_for_line(
                |l| l.contains("catalogue.toml:") && l.contains("error[catalogue-syntax]")
            )
            .is_some(),
        "the terminal says it too"
    );

    p.write("catalogue.toml", good);
    assert_eq!(next_event(&events).0, "reload");
    assert_eq!(server.get("/__cookie-ledger/findings").body, "[]");
}

#[test]
fn drift_is_shown_on_the_page_it_is_on() {
    let p = Project::portals();
    let server = Server::start(&p);
    let events = subscribe(&server.address);
    p.edit(
        "site/odwb/cookies.html",
        "</main>",
        "<script>document.cookie = 'promo=1';</script></main>",
    );
    assert_eq!(
        next_event(&events).0,
        "reload",
        "a drifting page is still shown, with its findings"
    );
    assert!(server.get("/odwb/cookies.html").body.contains("promo=1"));
    let findings = server.get("/__cookie-ledger/findings").body;
    assert!(
        findings.contains("undeclared-cookie") && findings.contains("site/odwb/cookies.html"),
        "{findings}"
    );
}

#[test]
fn the_declaration_at_a_glance_is_served_and_follows_edits() {
    let p = Project::portals();
    let server = Server::start(&p);
    let address = format!("http://{}/__cookie-ledger/", server.address);
    assert!(
        server.said(|l| l.contains("declaration at a glance") && l.contains(&address)),
        "the start message links the dashboard"
    );
    let page = server.get("/__cookie-ledger/");
    assert_eq!(page.status, 200);
    assert_eq!(
        page.header("content-type").as_deref(),
        Some("text/html; charset=utf-8")
    );
    assert!(page.body.contains("id=\"site-odwb-fr\""), "{}", page.body);
    assert!(page.body.contains("live.js"), "it reloads after edits");
    let events = subscribe(&server.address);
    p.edit(
        "catalogue.toml",
        "To remember the user from one page to another",
        "To remember the visitor from one page to the next",
    );
    assert_eq!(next_event(&events).0, "reload");
    let page = server.get("/__cookie-ledger/");
    assert!(
        page.body
            .contains("To remember the visitor from one page to the next"),
        "{}",
        page.body
    );
    // A finding links to the page it is on, as the preview serves it.
    p.edit(
        "site/odwb/cookies.html",
        "</main>",
        "<script>document.cookie = \"tracker=1\";</script></main>",
    );
    assert_eq!(next_event(&events).0, "reload");
    let page = server.get("/__cookie-ledger/").body.replace("&#x2f;", "/");
    assert!(
        page.contains("<a href=\"/odwb/cookies.html\">site/odwb/cookies.html:"),
        "{page}"
    );
}

#[test]
fn two_hundred_concurrent_connections_are_served() {
    let p = Project::portals();
    let server = Server::start(&p);
    let address = server.address.clone();
    let clients: Vec<_> = (0..200)
        .map(|i| {
            let address = address.clone();
            std::thread::spawn(move || {
                let path = if i % 2 == 0 {
                    "/datastro/cookies.html"
                } else {
                    "/assets/style.css"
                };
                request(&address, "GET", path).status
            })
        })
        .collect();
    let ok = clients
        .into_iter()
        .map(|c| c.join().unwrap())
        .filter(|s| *s == 200)
        .count();
    assert_eq!(ok, 200);
}

#[test]
fn a_taken_port_is_a_clear_error() {
    let p = Project::portals();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let output = Command::new(env!("CARGO_BIN_EXE_cookie-ledger"))
        .args(["serve", "--no-audit", "--port", &port, "--out"])
        .arg(p.path("preview"))
        .current_dir(p.path("."))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(&format!("error: cannot listen on 127.0.0.1:{port}"))
            && stderr.contains("choose another with --port"),
        "{stderr}"
    );
}

#[test]
fn build_output_never_carries_the_live_script() {
    let p = Project::portals();
    assert_eq!(p.run(&["build", "--out", "dist"]).code, 0);
    for (path, bytes) in p.tree("dist") {
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains("__cookie-ledger") && !text.contains("EventSource"),
            "{path}"
        );
    }
}

#[test]
fn an_edited_page_is_rebuilt_alone_and_a_broken_one_keeps_its_last_good_version() {
    let p = Project::portals();
    let server = Server::start(&p);
    let events = subscribe(&server.address);
    let other = p.path("preview/odwb/cookies.html");
    let before = std::fs::metadata(&other).unwrap().modified().unwrap();
    p.edit(
        "site/datastro/cookies.html",
        "<h1>Cookie policy</h1>",
        "<h1>Cookie policy, once</h1>",
    );
    assert_eq!(next_event(&events).0, "reload");
    assert!(
        server
            .get("/datastro/cookies.html")
            .body
            .contains("Cookie policy, once")
    );
    assert_eq!(
        std::fs::metadata(&other).unwrap().modified().unwrap(),
        before,
        "other pages are not rewritten"
    );

    p.edit(
        "site/datastro/cookies.html",
        "data-cookie-table=\"necessary\"",
        "data-cookie-table=\"necesary\"",
    );
    let (event, data) = next_event(&events);
    assert_eq!(event, "findings");
    assert!(
        data.contains("\"rule\":\"bad-marker\"") && data.contains("site/datastro/cookies.html"),
        "{data}"
    );
    let page = server.get("/datastro/cookies.html").body;
    assert!(
        page.contains("Cookie policy, once") && page.contains("<code>sessionid</code>"),
        "the last good version stays"
    );

    p.edit(
        "site/datastro/cookies.html",
        "data-cookie-table=\"necesary\"",
        "data-cookie-table=\"necessary\"",
    );
    assert_eq!(next_event(&events).0, "reload");
    // A new page in an existing folder is picked up too.
    p.write(
        "site/datastro/new.html",
        "<html><body><p>new</p></body></html>",
    );
    assert_eq!(next_event(&events).0, "reload");
    assert_eq!(server.get("/datastro/new.html").status, 200);
}

#[cfg(unix)]
#[test]
fn links_that_leave_the_site_are_not_served() {
    let p = Project::portals();
    std::fs::write(p.path("secret.txt"), "secret outside the site").unwrap();
    std::os::unix::fs::symlink(p.path("secret.txt"), p.path("site/assets/leak.txt")).unwrap();
    // A folder link with a subfolder: nothing below it is served either.
    std::fs::create_dir_all(p.path("private/deeper")).unwrap();
    std::fs::write(
        p.path("private/deeper/key.txt"),
        "secret below a linked folder",
    )
    .unwrap();
    std::os::unix::fs::symlink(p.path("private"), p.path("site/assets/linked")).unwrap();
    let server = Server::start(&p);
    for path in ["/assets/leak.txt", "/assets/linked/deeper/key.txt"] {
        let reply = server.get(path);
        assert_eq!(reply.status, 404, "{path}");
        assert!(!reply.body.contains("secret"), "{path}");
    }
    let findings = server.get("/__cookie-ledger/findings").body;
    assert!(findings.contains("outside the site folder"), "{findings}");
    assert!(findings.contains("unsupported-file"), "{findings}");
}

#[test]
fn a_template_edit_rebuilds_and_a_fix_after_bad_input_brings_every_page_up_to_date() {
    let p = Project::portals();
    let server = Server::start(&p);
    let events = subscribe(&server.address);
    p.edit(
        "templates/eulerhermes-table.html",
        "<table class=\"cookie-table",
        "<table data-edited=\"yes\" class=\"cookie-table",
    );
    assert_eq!(next_event(&events).0, "reload");
    assert!(
        server
            .get("/eulerhermes/cookies.html")
            .body
            .contains("data-edited=\"yes\"")
    );

    // A broken page, then a catalogue change, then the page fixed: every page carries the change.
    p.edit(
        "site/datastro/cookies.html",
        "data-cookie-table=\"necessary\"",
        "data-cookie-table=\"necesary\"",
    );
    assert_eq!(next_event(&events).0, "findings");
    p.edit(
        "catalogue.toml",
        "purpose.en = \"To retrieve data via API calls\"",
        "purpose.en = \"To fetch data through the API\"",
    );
    assert_eq!(next_event(&events).0, "findings");
    p.edit(
        "site/datastro/cookies.html",
        "data-cookie-table=\"necesary\"",
        "data-cookie-table=\"necessary\"",
    );
    assert_eq!(next_event(&events).0, "reload");
    for page in [
        "/datastro/cookies.html",
        "/odwb/cookies.html",
        "/smartbump/cookies.html",
    ] {
        assert!(
            server
                .get(page)
                .body
                .contains("To fetch data through the API"),
            "{page}"
        );
    }
}

#[test]
fn a_client_that_never_finishes_its_request_does_not_keep_ctrl_c_waiting() {
    let p = Project::portals();
    let server = Server::start(&p);
    let mut half = TcpStream::connect(&server.address).unwrap();
    write!(half, "GET / HTTP/1.1\r\nHost: x\r\n").unwrap();
    let _events = subscribe(&server.address);
    let started = Instant::now();
    assert_eq!(server.stop(), Some(0));
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "{:?}",
        started.elapsed()
    );
}

/// One request with the `Host` header given.
fn request_as(address: &str, host: &str) -> u16 {
    let mut stream = TcpStream::connect(address).expect("connects");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    write!(
        stream,
        "GET / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("reads the reply");
    String::from_utf8_lossy(&raw)
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

#[test]
fn only_loopback_host_names_are_answered() {
    let p = Project::portals();
    let server = Server::start(&p);
    let port = server.address.rsplit(':').next().unwrap().to_owned();
    for host in [
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        "LOCALHOST".to_owned(),
        format!("preview.localhost:{port}"),
        format!("[::1]:{port}"),
    ] {
        assert_eq!(request_as(&server.address, &host), 200, "{host}");
    }
    // A page elsewhere that rebinds its own name to 127.0.0.1 reads nothing.
    for host in [
        "evil.example",
        "evil.example:4747",
        "127.0.0.1.evil.example",
        "localhost.evil.example",
    ] {
        assert_eq!(request_as(&server.address, host), 421, "{host}");
    }
    assert_eq!(server.get("/__cookie-ledger/findings").status, 200);
}

#[test]
fn clients_that_never_finish_their_headers_are_cut_off() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    let p = Project::portals();
    let stop = Arc::new(AtomicBool::new(false));
    let options = cookie_ledger::serve::ServeOptions {
        catalogue: p.path("catalogue.toml"),
        site: p.path("site"),
        out: Some(p.path("preview")),
        cache: None,
        live_audit: false,
        host: "127.0.0.1".parse().unwrap(),
        port: 0,
        stop: Some(Arc::clone(&stop)),
        header_timeout: Duration::from_millis(300),
    };
    let (log, lines) = mpsc::channel();
    let server = std::thread::spawn(move || cookie_ledger::serve::run(options, log));
    let address = lines
        .iter()
        .find_map(|line| match line {
            cookie_ledger::serve::Log::Out(text) => text.split("http://").nth(1).map(|a| {
                a.trim_end_matches('/')
                    .split('/')
                    .next()
                    .unwrap()
                    .to_owned()
            }),
            cookie_ledger::serve::Log::Err(_) => None,
        })
        .expect("the address");
    let mut half_open: Vec<TcpStream> = (0..200)
        .map(|_| {
            let mut s = TcpStream::connect(&address).unwrap();
            write!(s, "GET / HTTP/1.1\r\nHost: {address}\r\n").unwrap();
            s
        })
        .collect();
    // Each is closed by the server once its deadline passes: reading gives the end of the stream.
    for s in &mut half_open {
        s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        let mut buffer = [0u8; 64];
        let read = s.read(&mut buffer).unwrap_or(0);
        assert!(
            read == 0 || String::from_utf8_lossy(&buffer[..read]).starts_with("HTTP/1.1 408"),
            "the server still holds a half-open connection"
        );
    }
    assert_eq!(
        request(&address, "GET", "/").status,
        200,
        "and serves others meanwhile"
    );
    stop.store(true, Ordering::SeqCst);
    assert_eq!(server.join().unwrap(), 0);
}

#[test]
fn the_default_preview_folder_and_its_lock_go_when_the_preview_stops() {
    let p = Project::portals();
    let scratch = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_cookie-ledger"))
        .args(["serve", "--port", "0", "--no-audit"])
        .current_dir(p.path("."))
        .env("TMPDIR", scratch.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines().map_while(Result::ok);
    assert!(lines.any(|l| l.starts_with("watching for changes")));
    let made: Vec<String> = std::fs::read_dir(scratch.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let preview = made
        .iter()
        .find(|n| n.starts_with("cookie-ledger-preview-"))
        .unwrap_or_else(|| panic!("{made:?}"));
    // A shared temporary folder: only this user may read or replace what the preview holds.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(scratch.path().join(preview))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0, "{mode:o}");
    }
    let _ = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status();
    assert_eq!(child.wait().unwrap().code(), Some(0));
    let left: Vec<_> = std::fs::read_dir(scratch.path()).unwrap().collect();
    assert!(left.is_empty(), "{left:?}");
}

#[cfg(feature = "audit")]
#[test]
fn without_a_browser_the_preview_says_once_that_the_live_audit_is_off_and_serves_as_before() {
    let p = Project::portals();
    let mut child = Command::new(env!("CARGO_BIN_EXE_cookie-ledger"))
        .args(["serve", "--port", "0", "--out", "preview"])
        .current_dir(p.path("."))
        .env("COOKIE_LEDGER_CHROME", p.path("no-such-browser"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, lines) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let mut said = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    while let Some(left) = deadline.checked_duration_since(Instant::now()) {
        match lines.recv_timeout(left) {
            Ok(line) => said.push(line),
            Err(_) => break,
        }
        let off = said
            .iter()
            .filter(|l| l.contains("the live audit is off"))
            .count();
        if off == 1 && said.iter().any(|l| l.starts_with("watching for changes")) {
            break;
        }
    }
    let off: Vec<&String> = said
        .iter()
        .filter(|l| l.contains("the live audit is off"))
        .collect();
    assert_eq!(off.len(), 1, "{said:#?}");
    assert!(off[0].contains("COOKIE_LEDGER_CHROME"), "{said:#?}");
    // The preview serves as before, and an edit still rebuilds with no second word of it.
    let address = said
        .iter()
        .find_map(|l| l.strip_prefix("serving ")?.split("http://").nth(1))
        .map(|a| {
            a.trim_end_matches('/')
                .split('/')
                .next()
                .unwrap()
                .to_owned()
        })
        .expect("the address");
    assert_eq!(request(&address, "GET", "/odwb/cookies.html").status, 200);
    p.edit(
        "site/odwb/cookies.html",
        "<h1>Cookie policy</h1>",
        "<h1>Policy</h1>",
    );
    let rebuilt = (0..100).any(|_| {
        lines
            .recv_timeout(Duration::from_millis(300))
            .is_ok_and(|l| {
                assert!(!l.contains("live audit"), "{l}");
                l.starts_with("rebuilt")
            })
    });
    assert!(rebuilt);
    let _ = child.kill();
    let _ = child.wait();
}
