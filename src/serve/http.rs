//! The preview's HTTP side: the built folder through tower-http's `ServeDir` (types, URL
//! decoding, traversal), the reload event stream, the findings, and nothing but GET and HEAD.

use std::convert::Infallible;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State as Extract};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tokio::sync::{broadcast, watch};
use tower::ServiceExt;
use tower_http::services::ServeDir;

use super::{LIVE_JS, LIVE_TAG, PageEvent, State};

#[derive(Clone)]
struct Shared {
    out: PathBuf,
    state: Arc<Mutex<State>>,
    events: broadcast::Sender<PageEvent>,
    shutdown: watch::Receiver<bool>,
}

/// The preview's routes over the folder `out`.
pub fn router(
    out: PathBuf,
    state: Arc<Mutex<State>>,
    events: broadcast::Sender<PageEvent>,
    shutdown: watch::Receiver<bool>,
) -> Router {
    let shared = Shared {
        out,
        state,
        events,
        shutdown,
    };
    Router::new()
        .route("/__cookie-ledger/live.js", get(live_js))
        .route("/__cookie-ledger/events", get(event_stream))
        .route("/__cookie-ledger/findings", get(findings))
        .fallback(files)
        .layer(middleware::from_fn(read_only))
        .with_state(shared)
}

/// GET and HEAD only, without a body: a preview has nothing to receive.
async fn read_only(request: Request, next: Next) -> Response {
    if request.method() != Method::GET && request.method() != Method::HEAD {
        let mut response = (StatusCode::METHOD_NOT_ALLOWED, "only GET and HEAD\n").into_response();
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return response;
    }
    let has_body = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim() != "0")
        || request.headers().contains_key(header::TRANSFER_ENCODING);
    if has_body {
        return (
            StatusCode::PAYLOAD_TOO_LARGE,
            "requests carry no body here\n",
        )
            .into_response();
    }
    next.run(request).await
}

async fn live_js() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        LIVE_JS,
    )
        .into_response()
}

async fn findings(Extract(shared): Extract<Shared>) -> Response {
    let body = shared
        .state
        .lock()
        .map(|s| s.findings.clone())
        .unwrap_or_default();
    let body = if body.is_empty() {
        "[]".to_owned()
    } else {
        body
    };
    (
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response()
}

/// Server-sent events: `reload` after a rebuild, `findings` when an edit could not be built.
async fn event_stream(
    Extract(shared): Extract<Shared>,
) -> Sse<impl futures_core::Stream<Item = Result<Event, Infallible>>> {
    let receiver = shared.events.subscribe();
    let stream = futures_util::stream::unfold(
        (receiver, shared.shutdown),
        |(mut receiver, mut shutdown)| async move {
            loop {
                if *shutdown.borrow() {
                    return None;
                }
                tokio::select! {
                    message = receiver.recv() => match message {
                        Ok(PageEvent::Reload) => return Some((Ok(Event::default().event("reload").data("")), (receiver, shutdown))),
                        Ok(PageEvent::Findings(json)) => return Some((Ok(Event::default().event("findings").data(json)), (receiver, shutdown))),
                        Err(broadcast::error::RecvError::Lagged(_)) => continue,
                        Err(broadcast::error::RecvError::Closed) => return None,
                    },
                    // Ends the stream on Ctrl-C, so the server can stop while pages are open.
                    _ = shutdown.changed() => return None,
                }
            }
        },
    );
    Sse::new(stream).keep_alive(KeepAlive::default())
}

/// A file of the built folder, or a 404 page that still carries the live script.
async fn files(Extract(shared): Extract<Shared>, request: Request) -> Response {
    let extension = request
        .uri()
        .path()
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase());
    let served = ServeDir::new(&shared.out)
        .append_index_html_on_directories(true)
        .oneshot(request)
        .await;
    match served {
        Ok(response) if response.status() != StatusCode::NOT_FOUND => {
            let (mut parts, body) = response.into_parts();
            parts
                .headers
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            parts.headers.insert(
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            );
            // The registered types, where the guessing table still has legacy ones.
            let registered = match extension.as_deref() {
                Some("woff") => Some("font/woff"),
                Some("otf") => Some("font/otf"),
                Some("ttf") => Some("font/ttf"),
                Some("mjs" | "js") => Some("text/javascript; charset=utf-8"),
                _ => None,
            };
            if let Some(kind) = registered {
                parts
                    .headers
                    .insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
            }
            Response::from_parts(parts, Body::new(body))
        }
        _ => not_found(),
    }
}

fn not_found() -> Response {
    let page = format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>Not found</title></head>\n<body>\n<h1>Not found</h1>\n<p>No such page in the preview. <a href=\"/\">Back to the start</a>.</p>\n{LIVE_TAG}\n</body>\n</html>\n"
    );
    (
        StatusCode::NOT_FOUND,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        page,
    )
        .into_response()
}
