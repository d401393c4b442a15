//! The browser's side of serving a run: every request the browser pauses is answered here,
//! from the run's routes: a file, a 404, the network, or a refusal that is listed.

use std::collections::HashMap;
use std::sync::Mutex;

pub(super) use base64_lite::encode as base64;
use base64_lite::encode;
use serde_json::json;

use super::route::{Answer, HeaderCookie, Routes};
use crate::cdp::{Event, Outbox};

/// What the requests of a run met beyond the site's files.
#[derive(Default)]
pub(super) struct Requests {
    /// URLs refused offline, each once, in order.
    pub(super) refused: Vec<String>,
    /// `Set-Cookie` headers the output's `_headers` files gave, by cookie name.
    pub(super) served: HashMap<String, HeaderCookie>,
}

impl Requests {
    /// Records that a response carried `cookie`, for crediting what it stored.
    pub(super) fn served(requests: &Mutex<Requests>, cookie: &HeaderCookie) {
        let name = cookie.value.split('=').next().unwrap_or_default().trim();
        if let Ok(mut requests) = requests.lock() {
            requests
                .served
                .entry(name.to_owned())
                .or_insert_with(|| cookie.clone());
        }
    }
}

/// Answers one paused request: a file, a 404, the network, or a refusal.
pub(super) fn answer(out: &Outbox, event: &Event, routes: &Routes, requests: &Mutex<Requests>) {
    let id = event.params["requestId"].clone();
    let url = event.params["request"]["url"].as_str().unwrap_or_default();
    let session = event.session.as_deref();
    match routes.answer(url) {
        // A cookie set by a fulfilled response loses `Partitioned` and skips the browser's
        // third-party blocking: the loopback server answers it over real TLS instead (the
        // run's contexts send https through its proxy; see `proxy`).
        Answer::File(_, _, cookies) if !cookies.is_empty() && url.starts_with("https://") => {
            out.send(session, "Fetch.continueRequest", json!({ "requestId": id }));
        }
        Answer::File(path, kind, cookies) => match std::fs::read(&path) {
            Ok(bytes) => {
                let mut headers = vec![json!({ "name": "Content-Type", "value": kind })];
                for cookie in cookies {
                    headers.push(json!({ "name": "Set-Cookie", "value": cookie.value }));
                    Requests::served(requests, &cookie);
                }
                out.send(
                    session,
                    "Fetch.fulfillRequest",
                    json!({
                        "requestId": id,
                        "responseCode": 200,
                        "responseHeaders": headers,
                        "body": encode(&bytes),
                    }),
                );
            }
            Err(_) => not_found(out, session, id),
        },
        Answer::NotFound => not_found(out, session, id),
        Answer::Network => {
            out.send(session, "Fetch.continueRequest", json!({ "requestId": id }));
        }
        Answer::Refused => {
            if let Ok(mut requests) = requests.lock()
                && !requests.refused.iter().any(|u| u == url)
            {
                requests.refused.push(url.to_owned());
            }
            out.send(
                session,
                "Fetch.failRequest",
                json!({ "requestId": id, "errorReason": "BlockedByClient" }),
            );
        }
    }
}

/// Answers that the request's address holds nothing.
pub(super) fn not_found(out: &Outbox, session: Option<&str>, id: serde_json::Value) {
    out.send(
        session,
        "Fetch.fulfillRequest",
        json!({
            "requestId": id,
            "responseCode": 404,
            "responseHeaders": [{ "name": "Content-Type", "value": "text/plain" }],
            "body": encode(b"not found"),
        }),
    );
}

/// Base64, for `Fetch.fulfillRequest` bodies.
mod base64_lite {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    /// `bytes` in standard base64 with padding.
    pub fn encode(bytes: &[u8]) -> String {
        let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
        for chunk in bytes.chunks(3) {
            let b = [
                chunk[0],
                chunk.get(1).copied().unwrap_or(0),
                chunk.get(2).copied().unwrap_or(0),
            ];
            let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
            for i in 0..4 {
                if i <= chunk.len() {
                    out.push(char::from(ALPHABET[(n >> (18 - 6 * i)) as usize & 63]));
                } else {
                    out.push('=');
                }
            }
        }
        out
    }

    #[cfg(test)]
    #[test]
    fn encodes_every_tail_length() {
        assert_eq!(encode(b""), "");
        assert_eq!(encode(b"f"), "Zg==");
        assert_eq!(encode(b"fo"), "Zm8=");
        assert_eq!(encode(b"foo"), "Zm9v");
        assert_eq!(encode(b"foob"), "Zm9vYg==");
        assert_eq!(encode(&[0xff, 0xfe, 0x00]), "//4A");
    }
}
