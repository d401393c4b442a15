//! The audit's loopback proxy and TLS server: every browser context of a run connects
//! through it. A request the audit answers with a file that sets cookies by header (from a
//! `_headers` file) comes here, since a response fulfilled through the DevTools protocol
//! loses `Partitioned` and skips the browser's third-party cookie rules, and one from a real
//! server keeps both: a tunnel to one of the run's own hosts is answered here over TLS. Any
//! other tunnel or request goes out (`--network live`) or is refused (`offline`), the
//! browser's own preconnects included, which the DevTools protocol never sees.

use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream, ToSocketAddrs};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, PoisonError};
use std::time::Duration;

use rustls::{ServerConnection, StreamOwned};

use super::answer::Requests;
use super::auditor::{Current, Slot};
use super::route::{Answer, Network};
use super::tls::Identity;

/// How long a connection may stay silent before it is closed.
const IDLE: Duration = Duration::from_secs(30);

/// The longest request head read; a longer one is refused.
const MAX_HEAD: usize = 16 * 1024;

/// A running proxy on a loopback port; stops when dropped.
pub struct Proxy {
    address: SocketAddr,
    stop: Arc<AtomicBool>,
}

impl Proxy {
    /// Listens on a free loopback port and answers from the run in `current`.
    pub fn start(identity: Arc<Identity>, current: Slot) -> io::Result<Proxy> {
        let listener = TcpListener::bind(("127.0.0.1", 0))?;
        let address = listener.local_addr()?;
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = Arc::clone(&stop);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                if stopped.load(Ordering::Relaxed) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let identity = Arc::clone(&identity);
                let current = Arc::clone(&current);
                std::thread::spawn(move || {
                    // A connection that fails ends; the browser sees it closed.
                    let _ = connection(stream, &identity, &current);
                });
            }
        });
        Ok(Proxy { address, stop })
    }

    /// The value of a browser context's `proxyServer`: every request through here.
    pub fn server(&self) -> String {
        self.address.to_string()
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        // Wakes the listener so it sees the flag.
        let _ = TcpStream::connect_timeout(&self.address, Duration::from_secs(1));
    }
}

/// One connection from the browser: a `CONNECT host:port` and the tunnel's traffic, or one
/// plain `http://` request.
fn connection(mut client: TcpStream, identity: &Identity, current: &Slot) -> io::Result<()> {
    client.set_read_timeout(Some(IDLE))?;
    let Some(head) = read_head(&mut client)? else {
        return Ok(());
    };
    let Some((method, target, _)) = request_line(&head) else {
        return refuse(&mut client, "400 Bad Request");
    };
    let run = current
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .clone();
    let Some(run) = run else {
        return refuse(&mut client, "502 Bad Gateway");
    };
    if method == "CONNECT" {
        return connect(client, target, &run, identity);
    }
    if !target.starts_with("http://") {
        return refuse(&mut client, "400 Bad Request");
    }
    let origin = super::route::origin(target);
    if run.routes.serves(&origin) {
        let path = &target[origin.len()..];
        answer(&mut client, method, path, &origin, &run)?;
        return client.flush();
    }
    if run.routes.network() == Network::Offline {
        return refuse(&mut client, "403 Forbidden");
    }
    let (host, port) = host_port(&origin["http://".len()..], 80);
    let Some(upstream) = dial(host, port) else {
        return refuse(&mut client, "502 Bad Gateway");
    };
    let mut upstream = upstream;
    upstream.write_all(&origin_form(&head, method, &target[origin.len()..]))?;
    tunnel(client, upstream)
}

/// A tunnel to `target` (`host:port`): answered here over TLS for one of the run's own
/// hosts, else opened to the host (live) or refused (offline).
fn connect(
    mut client: TcpStream,
    target: &str,
    run: &Current,
    identity: &Identity,
) -> io::Result<()> {
    let (host, port) = host_port(target, 443);
    let origin = if port == 443 {
        format!("https://{host}")
    } else {
        format!("https://{host}:{port}")
    };
    if run.routes.serves(&origin) {
        let config = identity
            .config_for(host.trim_start_matches('[').trim_end_matches(']'))
            .map_err(io::Error::other)?;
        client.write_all(b"HTTP/1.1 200 Connection Established\r\n\r\n")?;
        let tls = ServerConnection::new(config).map_err(io::Error::other)?;
        let mut tls = StreamOwned::new(tls, client);
        let Some(head) = read_head(&mut tls)? else {
            return Ok(());
        };
        match request_line(&head) {
            Some((method, path, _)) => answer(&mut tls, method, path, &origin, run)?,
            None => refuse(&mut tls, "400 Bad Request")?,
        }
        tls.conn.send_close_notify();
        return tls.flush();
    }
    // A tunnel the browser opens without a request the audit saw (`Fetch` pauses every
    // request first) is a preconnect: the page's `<link rel="preconnect">`, or the browser's
    // own to its search engine. Offline it is refused like a request, and not listed: no
    // request was made.
    if run.routes.network() == Network::Offline {
        return refuse(&mut client, "403 Forbidden");
    }
    let Some(upstream) = dial(host, port) else {
        return refuse(&mut client, "502 Bad Gateway");
    };
    client.write_all(b"HTTP/1.1 200 Connection Established\r\n\r\n")?;
    tunnel(client, upstream)
}

/// Answers one request for `path` on the run's own `origin` from the run's routes, with the
/// `Set-Cookie` headers its `_headers` files give. The connection closes after it.
fn answer(
    stream: &mut impl Write,
    method: &str,
    path: &str,
    origin: &str,
    run: &Current,
) -> io::Result<()> {
    // The request's origin is the tunnel's: never another host's files through this one.
    let url = format!("{origin}{}", if path.starts_with('/') { path } else { "/" });
    let Answer::File(file, kind, cookies) = run.routes.answer(&url) else {
        return respond(stream, "404 Not Found", "text/plain", &[], b"not found");
    };
    let body = std::fs::read(&file)?;
    for cookie in &cookies {
        Requests::served(&run.requests, cookie);
    }
    let set_cookies: Vec<&str> = cookies
        .iter()
        .map(|c| c.value.as_str())
        // A header value is one line.
        .filter(|v| !v.contains(['\r', '\n']))
        .collect();
    let body = if method == "HEAD" { &[][..] } else { &body[..] };
    respond(stream, "200 OK", kind, &set_cookies, body)
}

/// Writes one response, to be followed by the connection's close.
fn respond(
    stream: &mut impl Write,
    status: &str,
    kind: &str,
    set_cookies: &[&str],
    body: &[u8],
) -> io::Result<()> {
    let mut head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n",
        body.len()
    );
    for value in set_cookies {
        head.push_str("Set-Cookie: ");
        head.push_str(value);
        head.push_str("\r\n");
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    stream.write_all(body)
}

/// Refuses a request or tunnel with `status`.
fn refuse(stream: &mut impl Write, status: &str) -> io::Result<()> {
    respond(stream, status, "text/plain", &[], status.as_bytes())
}

/// The host and port of an authority (`host`, `host:port`, `[::1]:port`), with `default`
/// when it names none.
fn host_port(authority: &str, default: u16) -> (&str, u16) {
    match authority.rsplit_once(':') {
        Some((host, port)) if !port.contains(']') => (host, port.parse().unwrap_or(default)),
        _ => (authority, default),
    }
}

/// A connection to `host:port`, or `None` when no address of it answers.
fn dial(host: &str, port: u16) -> Option<TcpStream> {
    (host.trim_start_matches('[').trim_end_matches(']'), port)
        .to_socket_addrs()
        .ok()?
        .find_map(|address| TcpStream::connect_timeout(&address, IDLE).ok())
}

/// A proxy request's head as the host expects it: the path alone on the first line, the
/// proxy's own headers dropped, and the connection closed after the answer, so the tunnel
/// that carries it ends with it.
fn origin_form(head: &[u8], method: &str, path: &str) -> Vec<u8> {
    let path = if path.starts_with('/') { path } else { "/" };
    let mut out = format!("{method} {path} HTTP/1.1\r\n").into_bytes();
    let text = String::from_utf8_lossy(head);
    for line in text.split("\r\n").skip(1).filter(|l| !l.is_empty()) {
        let name = line.split(':').next().unwrap_or_default().trim();
        if ["proxy-connection", "connection", "keep-alive"]
            .iter()
            .any(|n| name.eq_ignore_ascii_case(n))
        {
            continue;
        }
        out.extend_from_slice(line.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"Connection: close\r\n\r\n");
    out
}

/// Copies both ways between the browser and a host until either side closes.
fn tunnel(client: TcpStream, upstream: TcpStream) -> io::Result<()> {
    upstream.set_read_timeout(Some(IDLE))?;
    let (mut client_in, mut upstream_out) = (client.try_clone()?, upstream.try_clone()?);
    let out = std::thread::spawn(move || {
        let _ = io::copy(&mut client_in, &mut upstream_out);
        let _ = upstream_out.shutdown(Shutdown::Write);
    });
    let (mut upstream_in, mut client_out) = (upstream, client);
    let _ = io::copy(&mut upstream_in, &mut client_out);
    let _ = client_out.shutdown(Shutdown::Write);
    let _ = out.join();
    Ok(())
}

/// A request's head, up to and with its blank line; `None` when the peer closed first.
fn read_head(stream: &mut impl Read) -> io::Result<Option<Vec<u8>>> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    // Byte by byte: what follows the head (a TLS handshake, a body) is not this reader's.
    while !head.ends_with(b"\r\n\r\n") {
        if head.len() >= MAX_HEAD {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "request head too long",
            ));
        }
        match stream.read(&mut byte) {
            Ok(0) if head.is_empty() => return Ok(None),
            Ok(0) => return Err(io::ErrorKind::UnexpectedEof.into()),
            Ok(_) => head.push(byte[0]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(Some(head))
}

/// The method, target and version of a request head's first line.
fn request_line(head: &[u8]) -> Option<(&str, &str, &str)> {
    let line = head.split(|&b| b == b'\r').next()?;
    let line = std::str::from_utf8(line).ok()?;
    let mut words = line.split(' ');
    let method = words.next()?;
    let target = words.next()?;
    let version = words.next()?;
    (words.next().is_none() && !method.is_empty() && !target.is_empty())
        .then_some((method, target, version))
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;
    use crate::visit::route::tests::routes;

    /// A proxy answering from a run of [`routes`] in `network`.
    fn proxy(network: Network) -> (tempfile::TempDir, Proxy) {
        let (dir, routes) = routes(network);
        let run = Current {
            routes,
            requests: Mutex::default(),
        };
        let slot: Slot = Arc::new(Mutex::new(Some(Arc::new(run))));
        let identity = Arc::new(Identity::new().unwrap());
        (dir, Proxy::start(identity, slot).unwrap())
    }

    /// Sends `request` through the proxy and reads what comes back until it closes.
    fn ask(proxy: &Proxy, request: &str) -> String {
        let mut stream = TcpStream::connect(proxy.address).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        stream.write_all(request.as_bytes()).unwrap();
        let mut answer = Vec::new();
        let mut buffer = [0u8; 256];
        // The status line is enough: a tunnel stays open.
        while !answer.ends_with(b"\r\n\r\n") {
            match stream.read(&mut buffer) {
                Ok(0) | Err(_) => break,
                Ok(n) => answer.extend_from_slice(&buffer[..n]),
            }
        }
        String::from_utf8_lossy(&answer).into_owned()
    }

    #[test]
    fn offline_no_tunnel_or_request_leaves_for_a_host_the_run_does_not_serve() {
        // A server on loopback stands for the internet.
        let internet = TcpListener::bind("127.0.0.1:0").unwrap();
        internet.set_nonblocking(true).unwrap();
        let address = internet.local_addr().unwrap();
        let (_dir, proxy) = proxy(Network::Offline);
        let tunnel = ask(
            &proxy,
            &format!("CONNECT {address} HTTP/1.1\r\nHost: {address}\r\n\r\n"),
        );
        assert!(tunnel.starts_with("HTTP/1.1 403 "), "{tunnel}");
        let plain = ask(
            &proxy,
            &format!("GET http://{address}/t.js HTTP/1.1\r\nHost: {address}\r\n\r\n"),
        );
        assert!(plain.starts_with("HTTP/1.1 403 "), "{plain}");
        assert!(
            internet.accept().is_err(),
            "a connection left an offline run"
        );
    }

    /// The next connection to `listener`, waited for at most ten seconds.
    fn accept(listener: &TcpListener) -> TcpStream {
        listener.set_nonblocking(true).unwrap();
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        loop {
            match listener.accept() {
                Ok((stream, _)) => {
                    stream.set_nonblocking(false).unwrap();
                    return stream;
                }
                Err(_) if std::time::Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(10));
                }
                Err(e) => panic!("nothing connected: {e}"),
            }
        }
    }

    #[test]
    fn live_a_tunnel_reaches_its_host_and_a_plain_request_goes_in_origin_form() {
        let internet = TcpListener::bind("127.0.0.1:0").unwrap();
        let address = internet.local_addr().unwrap();
        let (_dir, proxy) = proxy(Network::Live);
        let tunnel = ask(
            &proxy,
            &format!("CONNECT {address} HTTP/1.1\r\nHost: {address}\r\n\r\n"),
        );
        assert!(tunnel.starts_with("HTTP/1.1 200 "), "{tunnel}");
        accept(&internet);
        let mut stream = TcpStream::connect(proxy.address).unwrap();
        stream
            .write_all(format!("GET http://{address}/t.js HTTP/1.1\r\nHost: {address}\r\nProxy-Connection: keep-alive\r\n\r\n").as_bytes())
            .unwrap();
        let mut host = accept(&internet);
        host.set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let head = read_head(&mut host).unwrap().unwrap();
        assert_eq!(
            String::from_utf8(head).unwrap(),
            format!("GET /t.js HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n")
        );
    }

    #[test]
    fn the_runs_own_host_is_tunnelled_here_and_its_plain_http_origin_is_not_its_own() {
        let (_dir, proxy) = proxy(Network::Offline);
        let tunnel = ask(
            &proxy,
            "CONNECT a.example:443 HTTP/1.1\r\nHost: a.example:443\r\n\r\n",
        );
        assert!(tunnel.starts_with("HTTP/1.1 200 "), "{tunnel}");
        let mut stream = TcpStream::connect(proxy.address).unwrap();
        stream
            .write_all(b"GET http://a.example/x HTTP/1.1\r\nHost: a.example\r\n\r\n")
            .unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).unwrap();
        // `http://a.example` is not the run's origin (`https://`): refused offline.
        assert!(answer.starts_with("HTTP/1.1 403 "), "{answer}");
        let bad = ask(&proxy, "BREW /pot\r\n\r\n");
        assert!(bad.starts_with("HTTP/1.1 400 "), "{bad}");
    }

    #[test]
    fn an_authority_gives_its_host_and_port() {
        assert_eq!(host_port("a.example", 443), ("a.example", 443));
        assert_eq!(host_port("a.example:8443", 443), ("a.example", 8443));
        assert_eq!(host_port("127.0.0.1:81", 80), ("127.0.0.1", 81));
        assert_eq!(host_port("[::1]:81", 80), ("[::1]", 81));
        assert_eq!(host_port("[::1]", 80), ("[::1]", 80));
    }

    #[test]
    fn a_request_line_has_three_words() {
        assert_eq!(
            request_line(b"CONNECT shop.example:443 HTTP/1.1\r\nHost: x\r\n\r\n"),
            Some(("CONNECT", "shop.example:443", "HTTP/1.1"))
        );
        assert_eq!(request_line(b"GET /\r\n\r\n"), None);
        assert_eq!(request_line(b"GET / HTTP/1.1 extra\r\n\r\n"), None);
        assert_eq!(request_line(b"\xff / HTTP/1.1\r\n\r\n"), None);
    }

    #[test]
    fn a_proxy_request_is_sent_on_in_origin_form_and_closed_after_its_answer() {
        let head = b"GET http://a.example/p?q=1 HTTP/1.1\r\nHost: a.example\r\nProxy-Connection: keep-alive\r\nAccept: */*\r\n\r\n";
        assert_eq!(
            String::from_utf8(origin_form(head, "GET", "/p?q=1")).unwrap(),
            "GET /p?q=1 HTTP/1.1\r\nHost: a.example\r\nAccept: */*\r\nConnection: close\r\n\r\n"
        );
    }

    #[test]
    fn a_head_is_read_to_its_blank_line_and_no_further() {
        let mut input: &[u8] = b"CONNECT a:443 HTTP/1.1\r\n\r\n\x16\x03\x01";
        let head = read_head(&mut input).unwrap().unwrap();
        assert!(head.ends_with(b"\r\n\r\n"));
        assert_eq!(input, b"\x16\x03\x01");
        let mut closed: &[u8] = b"";
        assert!(read_head(&mut closed).unwrap().is_none());
        let mut cut: &[u8] = b"GET / HTTP/1.1\r\n";
        assert!(read_head(&mut cut).is_err());
        let long = vec![b'a'; MAX_HEAD + 10];
        assert!(read_head(&mut &long[..]).is_err());
    }
}
