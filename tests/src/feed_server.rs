//! A fake feed web server on 127.0.0.1 for integration tests.
//!
//! It serves RSS/Atom documents with validators (ETag, Last-Modified), gzip-encoded documents,
//! and several kinds of misbehaving responses (huge, truncated, silent, error statuses), and
//! records what clients sent, so tests can check conditional requests, size limits and timeouts
//! without the internet.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::{Bytes, BytesMut};
use futures_util::{StreamExt, stream};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// What a path serves.
#[derive(Clone, Debug)]
pub enum Route {
    /// 200 with this body and Content-Type, and an ETag and Last-Modified derived from the body
    /// (ETag = "\"<16 hex of FNV-1a 64 of body>\"", Last-Modified = a fixed HTTP date passed in
    /// `last_modified`). A request whose If-None-Match equals the ETag, or (when it has no
    /// If-None-Match) whose If-Modified-Since equals `last_modified`, gets 304 with no body.
    Feed {
        body: String,
        content_type: &'static str,
        last_modified: &'static str,
    },
    /// 200, chunked (no Content-Length), streaming `bytes` bytes of a valid-looking RSS prefix
    /// followed by filler items in chunks of at most 64 KiB; the server counts the bytes the
    /// stream produced (a client that hangs up stops the stream).
    Huge { bytes: u64 },
    /// 200 with a Content-Length header announcing `bytes` and then only a tiny body prefix,
    /// after which the connection is held open (never completing) until the server stops.
    Announced { bytes: u64 },
    /// Accepts the request and never answers (holds it until the server stops).
    Silent,
    /// Responds with this status and a short text body (an invalid code is sent as 500).
    Status(u16),
    /// 200 with these bytes as they are (e.g. a document in ISO-8859-1); no validators.
    Bytes {
        body: Bytes,
        content_type: &'static str,
    },
    /// 200 with `Content-Encoding: gzip` and these bytes (already packed, see [`gzip`]),
    /// whatever the request's Accept-Encoding; no validators.
    Gzip {
        packed: Bytes,
        content_type: &'static str,
    },
}

/// A route serving `body` gzip-packed (packed once, here).
pub fn gzip(body: &[u8], content_type: &'static str) -> Route {
    use std::io::Write as _;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(body).expect("gzip into memory");
    Route::Gzip {
        packed: Bytes::from(encoder.finish().expect("gzip into memory")),
        content_type,
    }
}

/// One request the server received, for assertions on what the client sent.
#[derive(Clone, Debug)]
pub struct SeenRequest {
    pub if_none_match: Option<String>,
    pub if_modified_since: Option<String>,
    pub user_agent: Option<String>,
    pub accept_encoding: Option<String>,
    /// What the server answered (200/304/404/…); 0 for `Silent`.
    pub status: u16,
}

/// Routes and observations, shared between the test and the handler.
#[derive(Default)]
struct Shared {
    routes: HashMap<String, Route>,
    seen: HashMap<String, Vec<SeenRequest>>,
    huge_written: HashMap<String, u64>,
}

#[derive(Clone)]
struct App {
    shared: Arc<Mutex<Shared>>,
    /// Closes when the `FeedServer` is dropped. Connections run in their own tasks (aborting
    /// the accept loop does not end them), so held responses watch this to let go.
    stop: watch::Receiver<()>,
}

/// The running server; dropping it stops it.
pub struct FeedServer {
    addr: SocketAddr,
    shared: Arc<Mutex<Shared>>,
    task: JoinHandle<()>,
    _stop: watch::Sender<()>,
}

/// Locks ignoring poison, so one failed assertion does not cascade into unrelated panics.
fn lock(shared: &Mutex<Shared>) -> MutexGuard<'_, Shared> {
    shared.lock().unwrap_or_else(PoisonError::into_inner)
}

impl FeedServer {
    /// Starts on 127.0.0.1:0 in the current tokio runtime.
    pub async fn start() -> FeedServer {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local address");
        let shared = Arc::new(Mutex::new(Shared::default()));
        let (stop_tx, stop_rx) = watch::channel(());
        let app = App {
            shared: Arc::clone(&shared),
            stop: stop_rx,
        };
        let router = Router::new().fallback(handle).with_state(app);
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        FeedServer {
            addr,
            shared,
            task,
            _stop: stop_tx,
        }
    }

    /// `http://127.0.0.1:<port><path>`
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// Sets (or replaces) what `path` serves; may be called while running.
    /// Routes match the request path only (any query string is ignored).
    pub fn set(&self, path: &str, route: Route) {
        lock(&self.shared).routes.insert(path.to_owned(), route);
    }

    /// Requests received for `path` so far (all methods), in order.
    pub fn requests(&self, path: &str) -> Vec<SeenRequest> {
        lock(&self.shared)
            .seen
            .get(path)
            .cloned()
            .unwrap_or_default()
    }

    /// Bytes written so far by `Huge` routes at `path` (sum over requests).
    pub fn huge_bytes_written(&self, path: &str) -> u64 {
        lock(&self.shared)
            .huge_written
            .get(path)
            .copied()
            .unwrap_or(0)
    }

    /// How many requests to `path` got a 304.
    pub fn not_modified(&self, path: &str) -> usize {
        lock(&self.shared)
            .seen
            .get(path)
            .map_or(0, |seen| seen.iter().filter(|r| r.status == 304).count())
    }
}

impl Drop for FeedServer {
    /// Stops accepting; dropping `_stop` afterwards makes held (`Silent`, `Announced`) and
    /// streaming responses abort their connections.
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn handle(State(app): State<App>, req: Request) -> Response {
    let path = req.uri().path().to_owned();
    // Owned copies only: the request body is not `Sync`, so no borrow may live across an await.
    let headers = req.into_parts().0.headers;
    let text = |name| {
        headers
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
            .map(str::to_owned)
    };
    let mut seen = SeenRequest {
        if_none_match: text(header::IF_NONE_MATCH),
        if_modified_since: text(header::IF_MODIFIED_SINCE),
        user_agent: text(header::USER_AGENT),
        accept_encoding: text(header::ACCEPT_ENCODING),
        status: 0,
    };
    let route = lock(&app.shared).routes.get(&path).cloned();
    let response = match route {
        None => status_response(StatusCode::NOT_FOUND),
        Some(Route::Feed {
            body,
            content_type,
            last_modified,
        }) => {
            let etag = etag(&body);
            let fresh = match &seen.if_none_match {
                Some(inm) => inm.trim() == etag,
                None => seen.if_modified_since.as_deref().map(str::trim) == Some(last_modified),
            };
            let validators = [
                (header::ETAG, etag),
                (header::LAST_MODIFIED, last_modified.to_owned()),
            ];
            if fresh {
                (StatusCode::NOT_MODIFIED, validators).into_response()
            } else {
                let content_type = [(header::CONTENT_TYPE, content_type)];
                (content_type, validators, body).into_response()
            }
        }
        Some(Route::Huge { bytes }) => huge_response(app.clone(), path.clone(), bytes),
        Some(Route::Announced { bytes }) => announced_response(app.stop.clone(), bytes),
        Some(Route::Silent) => {
            record(&app, path, seen);
            stopped(app.stop).await;
            return aborted_response();
        }
        Some(Route::Status(code)) => {
            status_response(StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR))
        }
        Some(Route::Bytes { body, content_type }) => {
            ([(header::CONTENT_TYPE, content_type)], body).into_response()
        }
        Some(Route::Gzip {
            packed,
            content_type,
        }) => (
            [
                (header::CONTENT_TYPE, content_type),
                (header::CONTENT_ENCODING, "gzip"),
            ],
            packed,
        )
            .into_response(),
    };
    seen.status = response.status().as_u16();
    record(&app, path, seen);
    response
}

fn record(app: &App, path: String, seen: SeenRequest) {
    lock(&app.shared).seen.entry(path).or_default().push(seen);
}

fn status_response(status: StatusCode) -> Response {
    let reason = status.canonical_reason().unwrap_or("");
    (status, format!("{} {reason}\n", status.as_u16())).into_response()
}

/// Resolves once the `FeedServer` is dropped (nothing is ever sent, only the close matters).
async fn stopped(mut stop: watch::Receiver<()>) {
    while stop.changed().await.is_ok() {}
}

fn stop_error() -> io::Error {
    io::Error::other("feed server stopped")
}

/// A body that fails at once: hyper then drops the connection without a complete answer,
/// which is how a held request is released when the server stops.
fn aborted_response() -> Response {
    Body::from_stream(stream::once(async { Err::<Bytes, _>(stop_error()) })).into_response()
}

/// FNV-1a 64: stable across runs and Rust versions, unlike `DefaultHasher`.
fn etag(body: &str) -> String {
    let hash = body.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    });
    format!("\"{hash:016x}\"")
}

const CHUNK: usize = 64 * 1024;
const RSS_PREFIX: &str = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rss version=\"2.0\"><channel>\
<title>Huge feed</title><link>https://example.org/</link><description>huge</description>\n";
const FILLER: &str = "<item><title>x</title><link>https://example.org/x</link></item>";

struct HugeStream {
    app: App,
    path: String,
    /// The prefix plus whole filler items, at most `CHUNK` bytes.
    first: Bytes,
    /// Whole filler items, at most `CHUNK` bytes; sliced (not copied) for every chunk.
    rest: Bytes,
    sent: u64,
    total: u64,
}

fn huge_response(app: App, path: String, total: u64) -> Response {
    let filler = |len: usize| FILLER.repeat(len / FILLER.len());
    let mut first = BytesMut::from(RSS_PREFIX);
    first.extend_from_slice(filler(CHUNK - RSS_PREFIX.len()).as_bytes());
    let state = HugeStream {
        app,
        path,
        first: first.freeze(),
        rest: Bytes::from(filler(CHUNK)),
        sent: 0,
        total,
    };
    let chunks = stream::unfold(state, |mut st| async move {
        if st.sent >= st.total {
            return None;
        }
        if st.app.stop.has_changed().is_err() {
            st.sent = st.total;
            return Some((Err(stop_error()), st));
        }
        let chunk = if st.sent == 0 { &st.first } else { &st.rest };
        let left = usize::try_from(st.total - st.sent).unwrap_or(usize::MAX);
        let chunk = chunk.slice(..chunk.len().min(left));
        let n = chunk.len() as u64;
        st.sent += n;
        *lock(&st.app.shared)
            .huge_written
            .entry(st.path.clone())
            .or_default() += n;
        Some((Ok(chunk), st))
    });
    let headers = [(header::CONTENT_TYPE, "application/rss+xml")];
    (headers, Body::from_stream(chunks)).into_response()
}

fn announced_response(stop: watch::Receiver<()>, bytes: u64) -> Response {
    // Strictly shorter than announced, so the body can never look complete.
    let len = usize::try_from(bytes.saturating_sub(1))
        .map_or(RSS_PREFIX.len(), |b| b.min(RSS_PREFIX.len()));
    let prefix = Bytes::from_static(&RSS_PREFIX.as_bytes()[..len]);
    let body = stream::once(async move { Ok(prefix) }).chain(stream::once(async move {
        stopped(stop).await;
        Err::<Bytes, _>(stop_error())
    }));
    let mut response = Body::from_stream(body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/rss+xml"),
    );
    // hyper uses an explicit Content-Length for a body of unknown size instead of chunking.
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(bytes));
    response
}

/// An item of a test feed.
#[derive(Clone, Copy, Debug)]
pub struct Item<'a> {
    pub title: &'a str,
    pub link: &'a str,
    pub guid: Option<&'a str>,
    pub summary: Option<&'a str>,
    pub published: &'a str,
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

/// A CDATA section holding `text` verbatim (a `]]>` inside is split across two sections).
fn cdata(text: &str) -> String {
    format!("<![CDATA[{}]]>", text.replace("]]>", "]]]]><![CDATA[>"))
}

/// An RSS 2.0 document; `title`, `summary` are inserted inside CDATA sections as given (so HTML
/// stays HTML), `link`, `guid` are XML-escaped (`guid` with `isPermaLink="false"`);
/// `published` is an RFC 2822 date string put in `<pubDate>`.
pub fn rss(channel_title: &str, items: &[Item<'_>]) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rss version=\"2.0\">\n<channel>\n",
    );
    let title = escape(channel_title);
    let _ = writeln!(
        out,
        "<title>{title}</title>\n<link>https://example.org/</link>\n<description>{title}</description>"
    );
    for item in items {
        out.push_str("<item>\n");
        let _ = writeln!(out, "<title>{}</title>", cdata(item.title));
        let _ = writeln!(out, "<link>{}</link>", escape(item.link));
        if let Some(guid) = item.guid {
            let _ = writeln!(out, "<guid isPermaLink=\"false\">{}</guid>", escape(guid));
        }
        if let Some(summary) = item.summary {
            let _ = writeln!(out, "<description>{}</description>", cdata(summary));
        }
        let _ = writeln!(out, "<pubDate>{}</pubDate>", escape(item.published));
        out.push_str("</item>\n");
    }
    out.push_str("</channel>\n</rss>\n");
    out
}

/// An Atom 1.0 document; entry titles (and summaries) with `type="html"` XML-escaped (so HTML in
/// them is escaped markup); `link` as `<link rel="alternate" href="…"/>`, `guid` as `<id>` (or
/// the link when `None`), `published` is an RFC 3339 string in `<updated>` and `<published>`.
/// The feed's own `<updated>` is the first item's date.
pub fn atom(feed_title: &str, items: &[Item<'_>]) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n",
    );
    let updated = items
        .first()
        .map_or("1970-01-01T00:00:00Z", |i| i.published);
    let _ = writeln!(out, "<title>{}</title>", escape(feed_title));
    out.push_str("<id>https://example.org/feed</id>\n");
    out.push_str("<link rel=\"alternate\" href=\"https://example.org/\"/>\n");
    let _ = writeln!(out, "<updated>{}</updated>", escape(updated));
    for item in items {
        let published = escape(item.published);
        out.push_str("<entry>\n");
        let _ = writeln!(out, "<title type=\"html\">{}</title>", escape(item.title));
        let _ = writeln!(
            out,
            "<link rel=\"alternate\" href=\"{}\"/>",
            escape(item.link)
        );
        let _ = writeln!(out, "<id>{}</id>", escape(item.guid.unwrap_or(item.link)));
        let _ = writeln!(
            out,
            "<updated>{published}</updated>\n<published>{published}</published>"
        );
        if let Some(summary) = item.summary {
            let _ = writeln!(out, "<summary type=\"html\">{}</summary>", escape(summary));
        }
        out.push_str("</entry>\n");
    }
    out.push_str("</feed>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    const LAST_MODIFIED: &str = "Wed, 21 Oct 2015 07:28:00 GMT";

    fn client(timeout_ms: u64) -> reqwest::Client {
        reqwest::Client::builder()
            .timeout(Duration::from_millis(timeout_ms))
            .user_agent("ecabot-test")
            .build()
            .expect("client")
    }

    fn feed(body: &str) -> Route {
        Route::Feed {
            body: body.to_owned(),
            content_type: "application/rss+xml",
            last_modified: LAST_MODIFIED,
        }
    }

    fn sample_items() -> Vec<Item<'static>> {
        vec![
            Item {
                title: "Klusteriyhteistyö äöå <b>bold</b>",
                link: "https://example.org/a?x=1&y=2",
                guid: Some("guid-1"),
                summary: Some("<p>Łódź</p>"),
                published: "Tue, 10 Jun 2025 04:00:00 +0000",
            },
            Item {
                title: "Second",
                link: "https://example.org/b",
                guid: None,
                summary: None,
                published: "2025-06-10T04:00:00Z",
            },
        ]
    }

    #[tokio::test]
    async fn feed_validators_and_conditional_requests() {
        let server = FeedServer::start().await;
        let body = "<rss>hello</rss>";
        server.set("/feed", feed(body));
        let client = client(2000);

        let resp = client.get(server.url("/feed")).send().await.unwrap();
        assert_eq!(resp.status(), 200);
        let etag = resp.headers()[header::ETAG].to_str().unwrap().to_owned();
        assert_eq!(etag, super::etag(body));
        assert_eq!(etag.len(), 18);
        assert_eq!(resp.headers()[header::LAST_MODIFIED], LAST_MODIFIED);
        assert_eq!(resp.headers()[header::CONTENT_TYPE], "application/rss+xml");
        assert_eq!(resp.text().await.unwrap(), body);

        let resp = client
            .get(server.url("/feed"))
            .header(header::IF_NONE_MATCH, &etag)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 304);
        assert!(resp.bytes().await.unwrap().is_empty());
        assert_eq!(server.not_modified("/feed"), 1);
        let seen = server.requests("/feed");
        assert_eq!(seen.len(), 2);
        assert_eq!(seen[0].status, 200);
        assert_eq!(seen[1].status, 304);
        assert_eq!(seen[1].if_none_match.as_deref(), Some(etag.as_str()));
        assert_eq!(seen[1].user_agent.as_deref(), Some("ecabot-test"));

        // A stale ETag wins over a matching date.
        let resp = client
            .get(server.url("/feed"))
            .header(header::IF_NONE_MATCH, "\"stale\"")
            .header(header::IF_MODIFIED_SINCE, LAST_MODIFIED)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200);

        let resp = client
            .get(server.url("/feed"))
            .header(header::IF_MODIFIED_SINCE, LAST_MODIFIED)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 304);
        assert_eq!(server.not_modified("/feed"), 2);
        let last = server.requests("/feed").pop().unwrap();
        assert_eq!(last.if_modified_since.as_deref(), Some(LAST_MODIFIED));
        assert_eq!(last.if_none_match, None);
    }

    #[tokio::test]
    async fn status_unknown_path_and_replacing_routes() {
        let server = FeedServer::start().await;
        let client = client(2000);
        server.set("/s", Route::Status(500));
        let resp = client.get(server.url("/s")).send().await.unwrap();
        assert_eq!(resp.status(), 500);
        assert_eq!(server.requests("/s")[0].status, 500);

        let resp = client.get(server.url("/nothing")).send().await.unwrap();
        assert_eq!(resp.status(), 404);

        server.set("/s", feed("new body"));
        let resp = client.get(server.url("/s?q=1")).send().await.unwrap();
        assert_eq!(resp.status(), 200);
        assert_eq!(resp.text().await.unwrap(), "new body");
        assert_eq!(server.requests("/s").len(), 2);
    }

    #[tokio::test]
    async fn huge_streams_chunked() {
        let server = FeedServer::start().await;
        let size = 1024 * 1024;
        server.set("/huge", Route::Huge { bytes: size });
        let resp = client(10_000)
            .get(server.url("/huge"))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200);
        assert!(resp.headers().get(header::CONTENT_LENGTH).is_none());
        assert_eq!(resp.headers()[header::TRANSFER_ENCODING], "chunked");
        let body = resp.bytes().await.unwrap();
        assert_eq!(body.len() as u64, size);
        assert!(body.starts_with(RSS_PREFIX.as_bytes()));
        assert!(server.huge_bytes_written("/huge") >= size);
    }

    #[tokio::test]
    async fn huge_stops_when_client_hangs_up() {
        let server = FeedServer::start().await;
        let size = 200 * 1024 * 1024;
        server.set("/huge", Route::Huge { bytes: size });
        let mut resp = client(10_000)
            .get(server.url("/huge"))
            .send()
            .await
            .unwrap();
        assert!(resp.chunk().await.unwrap().is_some());
        drop(resp);
        tokio::time::sleep(Duration::from_millis(300)).await;
        let written = server.huge_bytes_written("/huge");
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert_eq!(server.huge_bytes_written("/huge"), written);
        assert!(written < size, "{written}");
    }

    #[tokio::test]
    async fn silent_times_out_and_is_released_on_drop() {
        let server = FeedServer::start().await;
        server.set("/silent", Route::Silent);
        let err = client(300)
            .get(server.url("/silent"))
            .send()
            .await
            .unwrap_err();
        assert!(err.is_timeout());
        assert_eq!(server.requests("/silent")[0].status, 0);

        let pending = tokio::spawn(client(10_000).get(server.url("/silent")).send());
        tokio::time::sleep(Duration::from_millis(200)).await;
        drop(server);
        let result = tokio::time::timeout(Duration::from_secs(3), pending).await;
        let err = result.expect("released").unwrap().unwrap_err();
        assert!(!err.is_timeout());
    }

    #[tokio::test]
    async fn announced_sends_length_and_never_completes() {
        let server = FeedServer::start().await;
        server.set("/ann", Route::Announced { bytes: 5_000_000 });
        let mut resp = client(500).get(server.url("/ann")).send().await.unwrap();
        assert_eq!(resp.status(), 200);
        assert_eq!(resp.headers()[header::CONTENT_LENGTH], "5000000");
        assert!(resp.headers().get(header::TRANSFER_ENCODING).is_none());
        let first = resp.chunk().await.unwrap().unwrap();
        assert!(RSS_PREFIX.as_bytes().starts_with(&first));
        assert!(resp.chunk().await.unwrap_err().is_timeout());

        let mut resp = client(10_000).get(server.url("/ann")).send().await.unwrap();
        drop(server);
        let result = tokio::time::timeout(Duration::from_secs(3), async {
            while resp.chunk().await?.is_some() {}
            Ok::<_, reqwest::Error>(())
        });
        assert!(result.await.expect("released").is_err());
    }

    #[tokio::test]
    async fn gzip_is_packed_once_and_sent_encoded() {
        let server = FeedServer::start().await;
        let body = rss("Packed", &sample_items());
        let route = gzip(body.as_bytes(), "application/rss+xml");
        let Route::Gzip { packed, .. } = &route else {
            panic!("{route:?}");
        };
        assert!(packed.starts_with(&[0x1f, 0x8b]), "gzip magic");
        assert!(packed.len() < body.len());
        server.set("/packed", route.clone());
        // A client that does not unpack gets the packed bytes as they are.
        let raw = reqwest::Client::builder().no_gzip().build().unwrap();
        let resp = raw.get(server.url("/packed")).send().await.unwrap();
        assert_eq!(resp.headers()[header::CONTENT_ENCODING], "gzip");
        assert_eq!(resp.bytes().await.unwrap(), *packed);
        let seen = server.requests("/packed");
        assert_eq!((seen.len(), seen[0].status), (1, 200));
    }

    #[test]
    fn rss_document() {
        let doc = rss("Kanava & co", &sample_items());
        assert!(doc.starts_with("<?xml"));
        assert!(doc.contains("<title>Kanava &amp; co</title>"));
        assert!(doc.contains("<title><![CDATA[Klusteriyhteistyö äöå <b>bold</b>]]></title>"));
        assert!(doc.contains("<link>https://example.org/a?x=1&amp;y=2</link>"));
        assert!(doc.contains("<guid isPermaLink=\"false\">guid-1</guid>"));
        assert!(doc.contains("<description><![CDATA[<p>Łódź</p>]]></description>"));
        assert!(doc.contains("<pubDate>Tue, 10 Jun 2025 04:00:00 +0000</pubDate>"));
        assert_eq!(doc.matches("<item>").count(), 2);
        assert_eq!(doc.matches("<guid").count(), 1);
        assert_eq!(cdata("a]]>b"), "<![CDATA[a]]]]><![CDATA[>b]]>");
    }

    #[test]
    fn atom_document() {
        let doc = atom("Syöte", &sample_items());
        assert!(doc.contains("<feed xmlns=\"http://www.w3.org/2005/Atom\">"));
        assert!(doc.contains("<title>Syöte</title>"));
        assert!(doc.contains(
            "<title type=\"html\">Klusteriyhteistyö äöå &lt;b&gt;bold&lt;/b&gt;</title>"
        ));
        assert!(
            doc.contains("<link rel=\"alternate\" href=\"https://example.org/a?x=1&amp;y=2\"/>")
        );
        assert!(doc.contains("<id>guid-1</id>"));
        assert!(doc.contains("<id>https://example.org/b</id>"));
        assert!(doc.contains("<summary type=\"html\">&lt;p&gt;Łódź&lt;/p&gt;</summary>"));
        assert!(doc.contains("<published>2025-06-10T04:00:00Z</published>"));
        assert_eq!(doc.matches("<entry>").count(), 2);
    }
}
