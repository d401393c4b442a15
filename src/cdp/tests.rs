//! The protocol client against a fake browser over a socket pair.

use std::io::{BufRead, BufReader, Write};
use std::os::unix::net::UnixStream;

use super::*;

/// A connection to a fake browser: the test reads its commands and writes its answers.
fn pair(handler: Handler) -> (Cdp, BufReader<UnixStream>, UnixStream) {
    let (ours, theirs) = UnixStream::pair().unwrap();
    let cdp = Cdp::new(ours.try_clone().unwrap(), ours, handler);
    let writer = theirs.try_clone().unwrap();
    (cdp, BufReader::new(theirs), writer)
}

fn command(reader: &mut BufReader<UnixStream>) -> Value {
    let mut bytes = Vec::new();
    reader.read_until(0, &mut bytes).unwrap();
    assert_eq!(bytes.pop(), Some(0), "every message ends with NUL");
    serde_json::from_slice(&bytes).unwrap()
}

fn say(writer: &mut UnixStream, message: Value) {
    let mut bytes = serde_json::to_vec(&message).unwrap();
    bytes.push(0);
    writer.write_all(&bytes).unwrap();
}

#[test]
fn answers_find_their_callers_and_events_queue_between_them() {
    let (cdp, mut reader, mut writer) = pair(Box::new(|_, _| false));
    let browser = std::thread::spawn(move || {
        let first = command(&mut reader);
        assert_eq!(first["method"], "Target.getTargets");
        assert_eq!(first.get("sessionId"), None);
        // An event, a message that is not JSON, then the answer.
        say(
            &mut writer,
            json!({"method": "Target.targetCreated", "params": {"a": 1}}),
        );
        writer.write_all(b"not json\0").unwrap();
        say(
            &mut writer,
            json!({"id": first["id"], "result": {"targetInfos": []}}),
        );
        let second = command(&mut reader);
        assert_eq!(second["sessionId"], "S1");
        say(
            &mut writer,
            json!({"id": second["id"], "error": {"code": -32000, "message": "No target"}}),
        );
    });
    let result = cdp.call(None, "Target.getTargets", json!({})).unwrap();
    assert_eq!(result, json!({"targetInfos": []}));
    let event = cdp.next_event(Duration::from_secs(5)).unwrap().unwrap();
    assert_eq!(event.method, "Target.targetCreated");
    assert_eq!(event.params, json!({"a": 1}));
    let refused = cdp.call(Some("S1"), "Page.enable", json!({}));
    assert_eq!(refused, Err(CdpError::Protocol("No target".to_owned())));
    browser.join().unwrap();
}

#[test]
fn the_handler_answers_paused_requests_on_the_reading_thread() {
    let (cdp, mut reader, mut writer) = pair(Box::new(|sender, event| {
        if event.method != "Fetch.requestPaused" {
            return false;
        }
        let id = event.params["requestId"].clone();
        sender.send(
            event.session.as_deref(),
            "Fetch.continueRequest",
            json!({ "requestId": id }),
        );
        true
    }));
    say(
        &mut writer,
        json!({"method": "Fetch.requestPaused", "params": {"requestId": "R7"}}),
    );
    let answer = command(&mut reader);
    assert_eq!(answer["method"], "Fetch.continueRequest");
    assert_eq!(answer["params"]["requestId"], "R7");
    // Handled events are not queued.
    assert_eq!(cdp.next_event(Duration::from_millis(50)), Ok(None));
}

#[test]
fn a_closed_browser_fails_waiting_callers_at_once_instead_of_hanging() {
    let (cdp, mut reader, writer) = pair(Box::new(|_, _| false));
    let browser = std::thread::spawn(move || {
        let _ = command(&mut reader);
        drop(writer);
        drop(reader);
    });
    let started = std::time::Instant::now();
    assert_eq!(
        cdp.call(None, "Browser.getVersion", json!({})),
        Err(CdpError::Closed)
    );
    assert!(started.elapsed() < Duration::from_secs(5));
    browser.join().unwrap();
    assert_eq!(
        cdp.next_event(Duration::from_millis(10)),
        Err(CdpError::Closed)
    );
    // And a call made after that fails at once too.
    let started = std::time::Instant::now();
    assert_eq!(
        cdp.call(None, "Browser.getVersion", json!({})),
        Err(CdpError::Closed)
    );
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[test]
fn each_mailbox_reads_its_own_sessions_events_and_learns_when_the_browser_goes() {
    let (cdp, _reader, mut writer) = pair(Box::new(|_, _| false));
    let mut a = cdp.mailbox("A");
    let b = cdp.mailbox("B");
    a.add("A-frame");
    for session in ["B", "A-frame", "A", "C"] {
        say(
            &mut writer,
            json!({"method": "Page.loadEventFired", "sessionId": session, "params": {}}),
        );
    }
    let from = |m: &Mailbox| m.next(Duration::from_secs(5)).unwrap().unwrap().session;
    assert_eq!(from(&a).as_deref(), Some("A-frame"));
    assert_eq!(from(&a).as_deref(), Some("A"));
    assert_eq!(from(&b).as_deref(), Some("B"));
    assert_eq!(a.next(Duration::from_millis(20)), Ok(None));
    // A session no mailbox holds queues for the connection.
    let other = cdp.next_event(Duration::from_secs(5)).unwrap().unwrap();
    assert_eq!(other.session.as_deref(), Some("C"));
    assert_eq!(a.sessions(), ["A", "A-frame"]);
    drop(b);
    say(
        &mut writer,
        json!({"method": "Page.loadEventFired", "sessionId": "B", "params": {}}),
    );
    let late = cdp.next_event(Duration::from_secs(5)).unwrap().unwrap();
    assert_eq!(
        late.session.as_deref(),
        Some("B"),
        "a dropped mailbox holds nothing"
    );
    drop(writer);
    drop(_reader);
    assert_eq!(a.next(Duration::from_secs(5)), Err(CdpError::Closed));
}
