//! The preview's HTTP side: the built folder through tower-http's `ServeDir` (types, URL
//! decoding, traversal), the reload event stream, the findings, and nothing but GET and HEAD.

use std::convert::Infallible;
use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Body;
use axum::extract::{Query, Request, State as Extract};
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

/// Which `Host` headers the preview answers: on loopback, only loopback names, so a page on
/// another site that rebinds its own name to 127.0.0.1 cannot read the preview.
#[derive(Clone, Copy, Debug)]
pub struct Hosts {
    loopback_only: bool,
}

impl Hosts {
    /// The hosts a server bound to `address` answers.
    pub fn for_address(address: IpAddr) -> Hosts {
        Hosts {
            loopback_only: address.is_loopback(),
        }
    }

    /// Whether a request with this `Host` header is answered.
    fn allows(self, host: Option<&str>) -> bool {
        if !self.loopback_only {
            return true;
        }
        // A request without a Host header (HTTP/1.0) cannot come from a rebound name.
        let Some(host) = host else { return true };
        let host = host.trim().to_ascii_lowercase();
        let name = match host.strip_prefix('[') {
            Some(v6) => v6.split(']').next().unwrap_or_default().to_owned(),
            None => host.rsplit_once(':').map_or(host.clone(), |(n, port)| {
                if port.chars().all(|c| c.is_ascii_digit()) {
                    n.to_owned()
                } else {
                    host.clone()
                }
            }),
        };
        name == "localhost"
            || name.ends_with(".localhost")
            || name.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
    }
}

/// The preview's routes over the folder `out`.
pub fn router(
    out: PathBuf,
    state: Arc<Mutex<State>>,
    events: broadcast::Sender<PageEvent>,
    shutdown: watch::Receiver<bool>,
    hosts: Hosts,
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
        .route("/__cookie-ledger/", get(dashboard))
        .fallback(files)
        .layer(middleware::from_fn(read_only))
        .layer(middleware::from_fn(move |request: Request, next: Next| {
            only_known_hosts(hosts, request, next)
        }))
        .with_state(shared)
}

/// Serves `app` on `listener` until `stop` resolves: HTTP/1.1 with a deadline on reading each
/// request's headers, so clients that never finish cannot hold connections open.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: Router,
    stop: impl std::future::Future<Output = ()>,
    header_timeout: std::time::Duration,
) -> std::io::Result<()> {
    use hyper_util::rt::{TokioIo, TokioTimer};
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    tokio::pin!(stop);
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let (stream, _) = match accepted {
                    Ok(pair) => pair,
                    // Out of file descriptors or a connection reset before accept: keep serving.
                    Err(_) => {
                        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                        continue;
                    }
                };
                let service = hyper_util::service::TowerToHyperService::new(app.clone());
                let connection = hyper::server::conn::http1::Builder::new()
                    .timer(TokioTimer::new())
                    .header_read_timeout(header_timeout)
                    .serve_connection(TokioIo::new(stream), service);
                let connection = graceful.watch(connection);
                tokio::spawn(async move {
                    let _ = connection.await;
                });
            }
            () = &mut stop => break,
        }
    }
    drop(listener);
    // Open event streams end on shutdown; the caller bounds the wait for anything else.
    graceful.shutdown().await;
    Ok(())
}

/// Answers only the host names the preview was started for.
async fn only_known_hosts(hosts: Hosts, request: Request, next: Next) -> Response {
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|v| v.to_str().ok());
    if hosts.allows(host) {
        return next.run(request).await;
    }
    (
        StatusCode::MISDIRECTED_REQUEST,
        "this preview answers only to localhost and loopback addresses\n",
    )
        .into_response()
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

/// The declaration at a glance, as the last rebuild drew it.
async fn dashboard(Extract(shared): Extract<Shared>) -> Response {
    let body = shared
        .state
        .lock()
        .map(|s| s.dashboard.clone())
        .unwrap_or_default();
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
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

/// The page that opens the event stream (`?page=/odwb/cookies.html`): the one being viewed.
#[derive(serde::Deserialize)]
struct Viewing {
    page: Option<String>,
}

/// Server-sent events: `reload` after a rebuild, `findings` when an edit could not be built,
/// `audit` when the live audit has visited the page being viewed, which opening the stream
/// asks for.
async fn event_stream(
    Extract(shared): Extract<Shared>,
    Query(viewing): Query<Viewing>,
) -> Sse<impl futures_core::Stream<Item = Result<Event, Infallible>>> {
    let receiver = shared.events.subscribe();
    if let Some(page) = viewing.page
        && let Ok(state) = shared.state.lock()
        && let Some(audit) = &state.audit
    {
        let _ = audit.send(page);
    }
    let stream = futures_util::stream::unfold(
        (receiver, shared.shutdown),
        |(mut receiver, mut shutdown)| async move {
            loop {
                if *shutdown.borrow() {
                    return None;
                }
                tokio::select! {
                    message = receiver.recv() => match message {
                        // Browsers drop an event whose data is empty, so it carries a word.
                        Ok(PageEvent::Reload) => return Some((Ok(Event::default().event("reload").data("rebuilt")), (receiver, shutdown))),
                        Ok(PageEvent::Findings(json)) => return Some((Ok(Event::default().event("findings").data(json)), (receiver, shutdown))),
                        Ok(PageEvent::Audit(json)) => return Some((Ok(Event::default().event("audit").data(json)), (receiver, shutdown))),
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
