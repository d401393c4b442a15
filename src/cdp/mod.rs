//! A Chrome DevTools Protocol client over `--remote-debugging-pipe`: JSON messages ended by a
//! NUL byte, commands on one pipe, answers and events on the other.
//!
//! Messages stay untyped (`serde_json::Value`): typed protocol crates lag Chromium and drop what
//! they cannot parse, and the audit uses a few dozen fields. No async runtime: one thread reads,
//! callers block on their own answer, and events that must be answered at once (a paused
//! request) go to a handler on the reading thread, so a navigation never waits on its caller.
//! The events of the sessions a [`Mailbox`] holds go to it alone, so visits in several
//! threads each read their own page's events; the rest queue for [`Cdp::next_event`].

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};

/// How long a command may wait for its answer.
pub const ANSWER_TIMEOUT: Duration = Duration::from_secs(30);

/// One event the browser sent.
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    /// Its method, such as `Page.loadEventFired`.
    pub method: String,
    /// Its parameters.
    pub params: Value,
    /// The session (attached target) it comes from; `None` for the browser's own.
    pub session: Option<String>,
}

/// Why a command got no result.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CdpError {
    /// The browser answered with an error.
    Protocol(String),
    /// No answer in time.
    Timeout(String),
    /// The browser is gone: the pipe closed.
    Closed,
}

impl std::fmt::Display for CdpError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CdpError::Protocol(m) => write!(f, "the browser refused: {m}"),
            CdpError::Timeout(m) => write!(f, "the browser did not answer {m} in time"),
            CdpError::Closed => f.write_str("the browser closed its connection"),
        }
    }
}

/// The writing half, shared by callers and the event handler.
#[derive(Clone)]
pub struct Outbox {
    out: Arc<Mutex<Box<dyn Write + Send>>>,
    next: Arc<AtomicU64>,
}

impl Outbox {
    /// Sends a command without waiting for its answer; returns its id.
    pub fn send(&self, session: Option<&str>, method: &str, params: Value) -> u64 {
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        let mut message = json!({ "id": id, "method": method, "params": params });
        if let Some(session) = session {
            message["sessionId"] = session.into();
        }
        let mut bytes = serde_json::to_vec(&message).unwrap_or_default();
        bytes.push(0);
        if let Ok(mut out) = self.out.lock() {
            // A closed pipe shows as `Closed` on the reading side; nothing to add here.
            let _ = out.write_all(&bytes).and_then(|()| out.flush());
        }
        id
    }
}

type Pending = Arc<Mutex<HashMap<u64, Sender<Result<Value, CdpError>>>>>;

/// Where the events of each session held by a mailbox go.
type Routes = Arc<Mutex<HashMap<String, Sender<Event>>>>;

/// The method of the event a mailbox receives when the browser is gone.
const CLOSED: &str = "cookie-ledger.closed";

/// A connection to one browser.
pub struct Cdp {
    sender: Outbox,
    pending: Pending,
    /// Set by the reading thread when the pipe closes, before it fails the waiting callers.
    closed: Arc<AtomicBool>,
    events: Mutex<Receiver<Event>>,
    routes: Routes,
}

/// What the reading thread does with an event before queueing it: `true` when it was handled
/// (answered) and need not be queued.
pub type Handler = Box<dyn Fn(&Outbox, &Event) -> bool + Send>;

impl Cdp {
    /// A connection reading answers and events from `input` and writing commands to `output`;
    /// `handler` sees each event first, on the reading thread.
    pub fn new(
        input: impl Read + Send + 'static,
        output: impl Write + Send + 'static,
        handler: Handler,
    ) -> Cdp {
        let sender = Outbox {
            out: Arc::new(Mutex::new(Box::new(output))),
            next: Arc::new(AtomicU64::new(1)),
        };
        let pending: Pending = Arc::default();
        let (events_in, events) = mpsc::channel();
        let reader_sender = sender.clone();
        let reader_pending = Arc::clone(&pending);
        let closed = Arc::new(AtomicBool::new(false));
        let reader_closed = Arc::clone(&closed);
        let routes: Routes = Arc::default();
        let reader_routes = Arc::clone(&routes);
        std::thread::spawn(move || {
            let queues = Queues {
                events: &events_in,
                routes: &reader_routes,
            };
            read_loop(input, &reader_sender, &reader_pending, &queues, &handler);
            // The browser is gone: every caller still waiting learns it at once.
            reader_closed.store(true, Ordering::SeqCst);
            if let Ok(mut waiting) = reader_pending.lock() {
                for (_, answer) in waiting.drain() {
                    let _ = answer.send(Err(CdpError::Closed));
                }
            }
            if let Ok(routes) = reader_routes.lock() {
                for mailbox in routes.values() {
                    let _ = mailbox.send(Event {
                        method: CLOSED.to_owned(),
                        params: Value::Null,
                        session: None,
                    });
                }
            }
        });
        Cdp {
            sender,
            pending,
            closed,
            events: Mutex::new(events),
            routes,
        }
    }

    /// A mailbox receiving the events of `session` (and of the sessions added to it).
    pub fn mailbox(&self, session: &str) -> Mailbox<'_> {
        let (sender, receiver) = mpsc::channel();
        let mut mailbox = Mailbox {
            cdp: self,
            sender,
            receiver,
            sessions: Vec::new(),
        };
        mailbox.add(session);
        mailbox
    }

    /// The writing half, for sending without waiting.
    pub fn sender(&self) -> &Outbox {
        &self.sender
    }

    /// Sends a command and waits for its result.
    pub fn call(
        &self,
        session: Option<&str>,
        method: &str,
        params: Value,
    ) -> Result<Value, CdpError> {
        let (answer, result) = mpsc::channel();
        // Registered before sending, so a quick answer cannot come first.
        let id = self.sender.next.fetch_add(1, Ordering::Relaxed);
        self.pending
            .lock()
            .map_err(|_| CdpError::Closed)?
            .insert(id, answer);
        // A browser gone before the caller registered would never fail it: check after.
        if self.closed.load(Ordering::SeqCst) {
            self.forget(id);
            return Err(CdpError::Closed);
        }
        let mut message = json!({ "id": id, "method": method, "params": params });
        if let Some(session) = session {
            message["sessionId"] = session.into();
        }
        let mut bytes = serde_json::to_vec(&message).unwrap_or_default();
        bytes.push(0);
        let written = self
            .sender
            .out
            .lock()
            .map_err(|_| CdpError::Closed)
            .and_then(|mut out| {
                out.write_all(&bytes)
                    .and_then(|()| out.flush())
                    .map_err(|_| CdpError::Closed)
            });
        if let Err(e) = written {
            self.forget(id);
            return Err(e);
        }
        match result.recv_timeout(ANSWER_TIMEOUT) {
            Ok(answer) => answer,
            Err(mpsc::RecvTimeoutError::Timeout) => {
                self.forget(id);
                Err(CdpError::Timeout(method.to_owned()))
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => Err(CdpError::Closed),
        }
    }

    fn forget(&self, id: u64) {
        if let Ok(mut pending) = self.pending.lock() {
            pending.remove(&id);
        }
    }

    /// The next queued event, waiting at most `timeout`; `Err(Closed)` once the browser is gone.
    pub fn next_event(&self, timeout: Duration) -> Result<Option<Event>, CdpError> {
        let events = self.events.lock().map_err(|_| CdpError::Closed)?;
        match events.recv_timeout(timeout) {
            Ok(event) => Ok(Some(event)),
            Err(mpsc::RecvTimeoutError::Timeout) => Ok(None),
            Err(mpsc::RecvTimeoutError::Disconnected) => Err(CdpError::Closed),
        }
    }
}

/// The events of sessions a mailbox holds, and the queue of the others.
struct Queues<'a> {
    events: &'a mpsc::Sender<Event>,
    routes: &'a Routes,
}

/// The events of some sessions: a page's and its frames'; sessions leave it when it drops.
pub struct Mailbox<'a> {
    cdp: &'a Cdp,
    sender: Sender<Event>,
    receiver: Receiver<Event>,
    sessions: Vec<String>,
}

impl Mailbox<'_> {
    /// Receives the events of `session` too, from now on.
    pub fn add(&mut self, session: &str) {
        if let Ok(mut routes) = self.cdp.routes.lock() {
            routes.insert(session.to_owned(), self.sender.clone());
        }
        self.sessions.push(session.to_owned());
    }

    /// The sessions it holds, the first one's first.
    pub fn sessions(&self) -> &[String] {
        &self.sessions
    }

    /// The next event of its sessions, waiting at most `timeout`; `Err(Closed)` once the
    /// browser is gone.
    pub fn next(&self, timeout: Duration) -> Result<Option<Event>, CdpError> {
        if self.cdp.closed.load(Ordering::SeqCst) {
            return Err(CdpError::Closed);
        }
        match self.receiver.recv_timeout(timeout) {
            Ok(event) if event.method == CLOSED => Err(CdpError::Closed),
            Ok(event) => Ok(Some(event)),
            Err(mpsc::RecvTimeoutError::Timeout) => Ok(None),
            Err(mpsc::RecvTimeoutError::Disconnected) => Err(CdpError::Closed),
        }
    }
}

impl Drop for Mailbox<'_> {
    fn drop(&mut self) {
        if let Ok(mut routes) = self.cdp.routes.lock() {
            for session in &self.sessions {
                routes.remove(session);
            }
        }
    }
}

fn read_loop(
    input: impl Read,
    sender: &Outbox,
    pending: &Pending,
    queues: &Queues,
    handler: &Handler,
) {
    let mut input = BufReader::new(input);
    let mut message = Vec::new();
    loop {
        message.clear();
        match input.read_until(0, &mut message) {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        if message.last() == Some(&0) {
            message.pop();
        }
        // A message that is not JSON is skipped: one bad message must not end the audit.
        let Ok(mut value) = serde_json::from_slice::<Value>(&message) else {
            continue;
        };
        if let Some(id) = value.get("id").and_then(Value::as_u64) {
            let answer = match value.get_mut("error") {
                Some(error) => Err(CdpError::Protocol(
                    error
                        .get("message")
                        .and_then(Value::as_str)
                        .unwrap_or("unknown error")
                        .to_owned(),
                )),
                None => Ok(value
                    .get_mut("result")
                    .map(Value::take)
                    .unwrap_or(Value::Null)),
            };
            let waiting = pending.lock().ok().and_then(|mut p| p.remove(&id));
            if let Some(waiting) = waiting {
                let _ = waiting.send(answer);
            }
            continue;
        }
        let Some(method) = value.get("method").and_then(Value::as_str) else {
            continue;
        };
        let event = Event {
            method: method.to_owned(),
            session: value
                .get("sessionId")
                .and_then(Value::as_str)
                .map(str::to_owned),
            params: value
                .get_mut("params")
                .map(Value::take)
                .unwrap_or(Value::Null),
        };
        if handler(sender, &event) {
            continue;
        }
        let routed = event
            .session
            .as_deref()
            .and_then(|s| queues.routes.lock().ok()?.get(s).cloned());
        match routed {
            Some(mailbox) => {
                let _ = mailbox.send(event);
            }
            None => {
                let _ = queues.events.send(event);
            }
        }
    }
}

#[cfg(test)]
mod tests;
