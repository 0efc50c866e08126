//! Bounded HTTP GET for feeds: one deadline for the whole exchange, a size
//! cap enforced while streaming, and conditional requests so unchanged feeds
//! cost a 304 instead of a full download. Bodies may come gzip- or
//! deflate-encoded (reqwest asks for both and decodes); the cap counts the
//! decoded bytes, so a small compressed bomb is refused like a huge plain body.

use std::time::Duration;

use reqwest::header::{
    ACCEPT, ETAG, HeaderMap, HeaderValue, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED,
};
use reqwest::{StatusCode, Url};

/// Feed formats first, but still accept anything: many servers mislabel feeds.
const ACCEPT_FEEDS: &str =
    "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.8";

/// Validators longer than this are not worth storing or echoing back.
const MAX_VALIDATOR_LEN: usize = 512;

/// Connecting should never need longer than this, even with a long overall timeout.
const MAX_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Limits of one fetch.
#[derive(Debug, Clone)]
pub struct FetchConfig {
    /// The whole request (connect, headers and body) must end within this.
    pub timeout: Duration,
    /// Larger bodies are refused: by Content-Length before reading, else while streaming.
    /// Counted after gzip/deflate decoding.
    pub max_bytes: u64,
    pub user_agent: String,
}

impl Default for FetchConfig {
    fn default() -> Self {
        FetchConfig {
            timeout: Duration::from_secs(20),
            max_bytes: 5 * 1024 * 1024,
            user_agent: "ecabot (+https://clustersalliance.eu)".to_owned(),
        }
    }
}

/// What a server said last time, for a conditional GET.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

#[derive(Debug)]
pub enum Fetched {
    /// 304: nothing changed since `Validators`.
    NotModified,
    /// 200 with the body and the validators to send next time.
    Body {
        bytes: Vec<u8>,
        validators: Validators,
        /// Where the body came from after redirects: relative links in it are relative to this.
        url: String,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("not an http(s) URL")]
    BadUrl,
    #[error("no answer within {0:?}")]
    Timeout(Duration),
    #[error("larger than the limit of {limit} bytes")]
    TooLarge { limit: u64 },
    #[error("the server answered {0}")]
    Status(u16),
    #[error("network error: {0}")]
    Network(String),
}

/// Reusable HTTP client (connection pool) with the limits of every fetch.
#[derive(Debug, Clone)]
pub struct Fetcher {
    client: reqwest::Client,
    config: FetchConfig,
}

impl Fetcher {
    /// Fails only if the HTTP client cannot be built (e.g. an invalid user agent).
    pub fn new(config: FetchConfig) -> Result<Fetcher, FetchError> {
        let client = reqwest::Client::builder()
            .user_agent(config.user_agent.as_str())
            .redirect(reqwest::redirect::Policy::limited(5))
            .connect_timeout(config.timeout.min(MAX_CONNECT_TIMEOUT))
            .build()
            .map_err(|e| FetchError::Network(describe(e, None)))?;
        Ok(Fetcher { client, config })
    }

    pub fn config(&self) -> &FetchConfig {
        &self.config
    }

    /// One GET with `If-None-Match` / `If-Modified-Since` from `validators`.
    pub async fn fetch(&self, url: &str, validators: &Validators) -> Result<Fetched, FetchError> {
        let url = Url::parse(url).map_err(|_| FetchError::BadUrl)?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(FetchError::BadUrl);
        }
        // Only the host is logged: paths and queries may carry keys.
        let host = url.host_str().unwrap_or_default().to_owned();
        let timeout = self.config.timeout;
        // One deadline around send and every chunk, so a server that stalls
        // anywhere (before headers or mid-body) cannot hold us longer.
        let result = match tokio::time::timeout(timeout, self.fetch_inner(&url, validators)).await {
            Ok(result) => result,
            Err(_) => Err(FetchError::Timeout(timeout)),
        };
        match &result {
            Ok(Fetched::NotModified) => tracing::debug!(%host, "feed not modified"),
            Ok(Fetched::Body { bytes, .. }) => {
                tracing::debug!(%host, bytes = bytes.len(), "feed fetched");
            }
            Err(err) => tracing::debug!(%host, error = %err, "feed fetch failed"),
        }
        result
    }

    async fn fetch_inner(&self, url: &Url, validators: &Validators) -> Result<Fetched, FetchError> {
        let mut request = self
            .client
            .get(url.clone())
            .header(ACCEPT, HeaderValue::from_static(ACCEPT_FEEDS));
        // Stored validators that are not valid header values are skipped:
        // an unconditional GET is still correct, just more expensive.
        if let Some(value) = header_value(validators.etag.as_deref()) {
            request = request.header(IF_NONE_MATCH, value);
        }
        if let Some(value) = header_value(validators.last_modified.as_deref()) {
            request = request.header(IF_MODIFIED_SINCE, value);
        }

        let network = |e: reqwest::Error| FetchError::Network(describe(e, Some(url)));
        let mut response = request.send().await.map_err(network)?;

        let status = response.status();
        if status == StatusCode::NOT_MODIFIED {
            return Ok(Fetched::NotModified);
        }
        if !status.is_success() {
            return Err(FetchError::Status(status.as_u16()));
        }

        let limit = self.config.max_bytes;
        let too_large = FetchError::TooLarge { limit };
        if response.content_length().is_some_and(|len| len > limit) {
            return Err(too_large);
        }
        let validators = Validators {
            etag: validator(response.headers(), ETAG),
            last_modified: validator(response.headers(), LAST_MODIFIED),
        };
        let final_url = response.url().to_string();

        // Capacity is bounded by the limit, so a lying Content-Length cannot
        // make us allocate more than we would accept anyway.
        let capacity = response.content_length().unwrap_or(0).min(limit);
        let mut bytes = Vec::with_capacity(usize::try_from(capacity).unwrap_or(0));
        // Chunks arrive decoded, a few KiB at a time: a bomb is stopped as soon as its
        // unpacked size passes the limit, never unpacked in full.
        while let Some(chunk) = response.chunk().await.map_err(network)? {
            let total = u64::try_from(bytes.len().saturating_add(chunk.len())).unwrap_or(u64::MAX);
            if total > limit {
                // Dropping the response closes the connection: the rest is never read.
                return Err(too_large);
            }
            bytes.extend_from_slice(&chunk);
        }
        Ok(Fetched::Body {
            bytes,
            validators,
            url: final_url,
        })
    }
}

/// A stored validator as a request header, if it is still a valid one.
fn header_value(value: Option<&str>) -> Option<HeaderValue> {
    let value = value?;
    if value.is_empty() || value.len() > MAX_VALIDATOR_LEN {
        return None;
    }
    HeaderValue::from_str(value).ok()
}

/// A response validator worth keeping: visible ASCII (and spaces) of sane length.
fn validator(headers: &HeaderMap, name: reqwest::header::HeaderName) -> Option<String> {
    let bytes = headers.get(name)?.as_bytes();
    let visible = bytes.iter().all(|b| (0x20..0x7f).contains(b));
    if bytes.is_empty() || bytes.len() > MAX_VALIDATOR_LEN || !visible {
        return None;
    }
    String::from_utf8(bytes.to_vec()).ok()
}

/// The error and its causes joined by ": ", without the URL: feed URLs may
/// carry keys in their query, and these messages end up in logs and chats.
fn describe(err: reqwest::Error, url: Option<&Url>) -> String {
    let err = err.without_url();
    let mut message = err.to_string();
    let mut source = std::error::Error::source(&err);
    while let Some(cause) = source {
        let text = cause.to_string();
        // Some errors already repeat their cause in their own text.
        if !message.ends_with(&text) {
            message.push_str(": ");
            message.push_str(&text);
        }
        source = cause.source();
    }
    // Belt and braces: a cause deep in the chain could still quote the URL.
    if let Some(url) = url {
        for secret in [url.query(), url.password()].into_iter().flatten() {
            if !secret.is_empty() {
                message = message.replace(secret, "<redacted>");
            }
        }
    }
    message
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::Router;
    use axum::http::{HeaderMap as AxumHeaders, StatusCode as AxumStatus, header};
    use axum::response::{IntoResponse, Redirect};
    use axum::routing::get;
    use std::net::SocketAddr;
    use std::sync::{Arc, Mutex};
    use std::time::Instant;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::{TcpListener, TcpStream};

    const ETAG_VALUE: &str = "\"v1\"";
    const LAST_MODIFIED_VALUE: &str = "Wed, 21 Oct 2015 07:28:00 GMT";

    async fn serve(router: Router) -> SocketAddr {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            axum::serve(listener, router).await.unwrap();
        });
        addr
    }

    fn fetcher(timeout: Duration, max_bytes: u64) -> Fetcher {
        Fetcher::new(FetchConfig {
            timeout,
            max_bytes,
            ..FetchConfig::default()
        })
        .unwrap()
    }

    /// Reads until the end of the request head, so raw servers answer after it.
    async fn read_request_head(stream: &mut TcpStream) {
        let mut head = Vec::new();
        let mut buf = [0u8; 1024];
        while !head.windows(4).any(|w| w == b"\r\n\r\n") {
            let n = stream.read(&mut buf).await.unwrap();
            if n == 0 {
                return;
            }
            head.extend_from_slice(&buf[..n]);
        }
    }

    /// Records the named request header of every request.
    type Seen = Arc<Mutex<Vec<Option<String>>>>;

    fn record(seen: &Seen, headers: &AxumHeaders, name: header::HeaderName) {
        let value = headers.get(name).map(|v| v.to_str().unwrap().to_owned());
        seen.lock().unwrap().push(value);
    }

    fn feed_router(seen_inm: Seen, seen_ims: Seen, seen_agent: Seen) -> Router {
        Router::new().route(
            "/feed",
            get(move |headers: AxumHeaders| async move {
                record(&seen_inm, &headers, header::IF_NONE_MATCH);
                record(&seen_ims, &headers, header::IF_MODIFIED_SINCE);
                record(&seen_agent, &headers, header::USER_AGENT);
                let matches = headers
                    .get(header::IF_NONE_MATCH)
                    .is_some_and(|v| v == ETAG_VALUE)
                    || headers
                        .get(header::IF_MODIFIED_SINCE)
                        .is_some_and(|v| v == LAST_MODIFIED_VALUE);
                if matches {
                    return AxumStatus::NOT_MODIFIED.into_response();
                }
                (
                    [
                        (header::ETAG, ETAG_VALUE),
                        (header::LAST_MODIFIED, LAST_MODIFIED_VALUE),
                        (header::CONTENT_TYPE, "application/rss+xml"),
                    ],
                    "<rss/>",
                )
                    .into_response()
            }),
        )
    }

    #[tokio::test]
    async fn ok_returns_body_and_validators() {
        let agent = Seen::default();
        let router = feed_router(Seen::default(), Seen::default(), agent.clone());
        let addr = serve(router).await;
        let fetched = fetcher(Duration::from_secs(5), 1024)
            .fetch(&format!("http://{addr}/feed"), &Validators::default())
            .await
            .unwrap();
        let Fetched::Body {
            bytes,
            validators,
            url,
        } = fetched
        else {
            panic!("expected a body, got {fetched:?}");
        };
        assert_eq!(bytes, b"<rss/>");
        assert_eq!(url, format!("http://{addr}/feed"));
        assert_eq!(validators.etag.as_deref(), Some(ETAG_VALUE));
        assert_eq!(
            validators.last_modified.as_deref(),
            Some(LAST_MODIFIED_VALUE)
        );
        let agent = agent.lock().unwrap().clone();
        assert_eq!(agent, vec![Some(FetchConfig::default().user_agent)]);
    }

    #[tokio::test]
    async fn matching_etag_gives_not_modified() {
        let inm = Seen::default();
        let router = feed_router(inm.clone(), Seen::default(), Seen::default());
        let addr = serve(router).await;
        let validators = Validators {
            etag: Some(ETAG_VALUE.to_owned()),
            last_modified: None,
        };
        let fetched = fetcher(Duration::from_secs(5), 1024)
            .fetch(&format!("http://{addr}/feed"), &validators)
            .await
            .unwrap();
        assert!(matches!(fetched, Fetched::NotModified), "{fetched:?}");
        assert_eq!(*inm.lock().unwrap(), vec![Some(ETAG_VALUE.to_owned())]);
    }

    #[tokio::test]
    async fn last_modified_alone_sends_if_modified_since() {
        let inm = Seen::default();
        let ims = Seen::default();
        let router = feed_router(inm.clone(), ims.clone(), Seen::default());
        let addr = serve(router).await;
        let validators = Validators {
            etag: None,
            last_modified: Some(LAST_MODIFIED_VALUE.to_owned()),
        };
        let fetched = fetcher(Duration::from_secs(5), 1024)
            .fetch(&format!("http://{addr}/feed"), &validators)
            .await
            .unwrap();
        assert!(matches!(fetched, Fetched::NotModified), "{fetched:?}");
        assert_eq!(*inm.lock().unwrap(), vec![None]);
        assert_eq!(
            *ims.lock().unwrap(),
            vec![Some(LAST_MODIFIED_VALUE.to_owned())]
        );
    }

    #[tokio::test]
    async fn content_length_over_limit_is_refused_without_reading() {
        // Announces 100 MB, sends nothing: only the header can trigger TooLarge.
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            let (mut stream, _) = listener.accept().await.unwrap();
            read_request_head(&mut stream).await;
            let head = "HTTP/1.1 200 OK\r\nContent-Length: 100000000\r\n\r\n";
            stream.write_all(head.as_bytes()).await.unwrap();
            tokio::time::sleep(Duration::from_secs(30)).await;
        });
        let start = Instant::now();
        let result = fetcher(Duration::from_secs(10), 5 * 1024 * 1024)
            .fetch(&format!("http://{addr}/feed"), &Validators::default())
            .await;
        assert!(
            matches!(result, Err(FetchError::TooLarge { limit }) if limit == 5 * 1024 * 1024),
            "{result:?}"
        );
        assert!(start.elapsed() < Duration::from_secs(2));
    }

    #[tokio::test]
    async fn chunked_body_over_limit_stops_early() {
        const TOTAL: usize = 20 * 1024 * 1024;
        // A small send buffer (inherited by the accepted socket) keeps what the
        // kernel absorbs after the client hangs up well below TOTAL.
        let socket = tokio::net::TcpSocket::new_v4().unwrap();
        socket.set_send_buffer_size(64 * 1024).unwrap();
        socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
        let listener = socket.listen(16).unwrap();
        let addr = listener.local_addr().unwrap();
        let server = tokio::spawn(async move {
            let (mut stream, _) = listener.accept().await.unwrap();
            read_request_head(&mut stream).await;
            let head = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
            stream.write_all(head.as_bytes()).await.unwrap();
            let chunk = vec![b'x'; 64 * 1024];
            let mut written = 0;
            while written < TOTAL {
                let frame = format!("{:x}\r\n", chunk.len());
                let sent = async {
                    stream.write_all(frame.as_bytes()).await?;
                    stream.write_all(&chunk).await?;
                    stream.write_all(b"\r\n").await
                };
                if sent.await.is_err() {
                    return written;
                }
                written += chunk.len();
            }
            let _ = stream.write_all(b"0\r\n\r\n").await;
            written
        });
        let result = fetcher(Duration::from_secs(10), 5 * 1024 * 1024)
            .fetch(&format!("http://{addr}/feed"), &Validators::default())
            .await;
        assert!(
            matches!(result, Err(FetchError::TooLarge { .. })),
            "{result:?}"
        );
        let written = tokio::time::timeout(Duration::from_secs(10), server)
            .await
            .expect("server should notice the closed connection")
            .unwrap();
        assert!(written < TOTAL, "server wrote all {written} bytes");
    }

    #[tokio::test]
    async fn silent_server_times_out() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            let (_stream, _) = listener.accept().await.unwrap();
            tokio::time::sleep(Duration::from_secs(30)).await;
        });
        let timeout = Duration::from_millis(300);
        let start = Instant::now();
        let result = fetcher(timeout, 1024)
            .fetch(&format!("http://{addr}/feed"), &Validators::default())
            .await;
        assert!(
            matches!(result, Err(FetchError::Timeout(t)) if t == timeout),
            "{result:?}"
        );
        assert!(start.elapsed() < Duration::from_secs(3));
    }

    #[tokio::test]
    async fn stalled_body_times_out() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            let (mut stream, _) = listener.accept().await.unwrap();
            read_request_head(&mut stream).await;
            let head = "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n<rss>";
            stream.write_all(head.as_bytes()).await.unwrap();
            tokio::time::sleep(Duration::from_secs(30)).await;
        });
        let timeout = Duration::from_millis(300);
        let start = Instant::now();
        let result = fetcher(timeout, 1024)
            .fetch(&format!("http://{addr}/feed"), &Validators::default())
            .await;
        assert!(matches!(result, Err(FetchError::Timeout(_))), "{result:?}");
        assert!(start.elapsed() < Duration::from_secs(3));
    }

    #[tokio::test]
    async fn error_statuses() {
        let router = Router::new()
            .route("/boom", get(|| async { AxumStatus::INTERNAL_SERVER_ERROR }))
            .route("/gone", get(|| async { AxumStatus::NOT_FOUND }));
        let addr = serve(router).await;
        let fetcher = fetcher(Duration::from_secs(5), 1024);
        let none = Validators::default();
        let result = fetcher.fetch(&format!("http://{addr}/boom"), &none).await;
        assert!(matches!(result, Err(FetchError::Status(500))), "{result:?}");
        let result = fetcher.fetch(&format!("http://{addr}/gone"), &none).await;
        assert!(matches!(result, Err(FetchError::Status(404))), "{result:?}");
    }

    #[tokio::test]
    async fn bad_urls_are_refused() {
        let fetcher = fetcher(Duration::from_secs(5), 1024);
        for url in ["ftp://x", "javascript:alert(1)", "not a url", ""] {
            let result = fetcher.fetch(url, &Validators::default()).await;
            assert!(
                matches!(result, Err(FetchError::BadUrl)),
                "{url}: {result:?}"
            );
        }
    }

    #[tokio::test]
    async fn refused_connection_hides_query() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        drop(listener);
        let result = fetcher(Duration::from_secs(5), 1024)
            .fetch(
                &format!("http://127.0.0.1:{port}/feed?key=secret"),
                &Validators::default(),
            )
            .await;
        let Err(FetchError::Network(message)) = result else {
            panic!("expected a network error, got {result:?}");
        };
        assert!(!message.is_empty());
        assert!(!message.contains("secret"), "{message}");
        assert!(!message.contains("key="), "{message}");
    }

    #[tokio::test]
    async fn redirect_is_followed() {
        let router = feed_router(Seen::default(), Seen::default(), Seen::default())
            .route("/old", get(|| async { Redirect::permanent("/feed") }));
        let addr = serve(router).await;
        let fetched = fetcher(Duration::from_secs(5), 1024)
            .fetch(&format!("http://{addr}/old"), &Validators::default())
            .await
            .unwrap();
        let feed = format!("http://{addr}/feed");
        assert!(
            matches!(&fetched, Fetched::Body { bytes, url, .. } if bytes == b"<rss/>" && *url == feed),
            "{fetched:?}"
        );
    }

    #[tokio::test]
    async fn redirect_loop_is_a_network_error() {
        let router = Router::new().route("/loop", get(|| async { Redirect::temporary("/loop") }));
        let addr = serve(router).await;
        let result = fetcher(Duration::from_secs(5), 1024)
            .fetch(
                &format!("http://{addr}/loop?key=secret"),
                &Validators::default(),
            )
            .await;
        let Err(FetchError::Network(message)) = result else {
            panic!("expected a network error, got {result:?}");
        };
        assert!(!message.contains("secret"), "{message}");
    }

    fn compressed(encoding: &str, plain: &[u8]) -> Vec<u8> {
        use std::io::Write;
        let level = flate2::Compression::best();
        match encoding {
            "gzip" => {
                let mut encoder = flate2::write::GzEncoder::new(Vec::new(), level);
                encoder.write_all(plain).unwrap();
                encoder.finish().unwrap()
            }
            _ => {
                let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), level);
                encoder.write_all(plain).unwrap();
                encoder.finish().unwrap()
            }
        }
    }

    /// Serves `plain` encoded as the request's `?e=` names, and records Accept-Encoding.
    fn encoded_router(plain: Vec<u8>, accepted: Seen) -> Router {
        Router::new().route(
            "/feed",
            get(
                move |headers: AxumHeaders,
                      axum::extract::RawQuery(query): axum::extract::RawQuery| async move {
                    record(&accepted, &headers, header::ACCEPT_ENCODING);
                    let encoding = if query.as_deref() == Some("e=deflate") {
                        "deflate"
                    } else {
                        "gzip"
                    };
                    let body = compressed(encoding, &plain);
                    ([(header::CONTENT_ENCODING, encoding)], body).into_response()
                },
            ),
        )
    }

    #[tokio::test]
    async fn gzip_and_deflate_bodies_are_decoded() {
        let plain = b"<rss><channel><title>Packed</title></channel></rss>".repeat(50);
        let accepted = Seen::default();
        let addr = serve(encoded_router(plain.clone(), accepted.clone())).await;
        let fetcher = fetcher(Duration::from_secs(5), 1024 * 1024);
        for query in ["e=gzip", "e=deflate"] {
            let fetched = fetcher
                .fetch(
                    &format!("http://{addr}/feed?{query}"),
                    &Validators::default(),
                )
                .await
                .unwrap();
            assert!(
                matches!(&fetched, Fetched::Body { bytes, .. } if *bytes == plain),
                "{query}: {fetched:?}"
            );
        }
        for value in accepted.lock().unwrap().iter() {
            let value = value.as_deref().unwrap_or_default();
            assert!(
                value.contains("gzip") && value.contains("deflate"),
                "{value}"
            );
        }
    }

    #[tokio::test]
    async fn gzip_bomb_is_too_large_unpacked() {
        const LIMIT: u64 = 1024 * 1024;
        // 16 MiB of zeros pack into about 16 KiB: far below the limit on the wire.
        let plain = vec![0u8; 16 * 1024 * 1024];
        let packed = compressed("gzip", &plain).len();
        assert!((packed as u64) < LIMIT / 4, "{packed}");
        let addr = serve(encoded_router(plain, Seen::default())).await;
        let result = fetcher(Duration::from_secs(10), LIMIT)
            .fetch(
                &format!("http://{addr}/feed?e=gzip"),
                &Validators::default(),
            )
            .await;
        assert!(
            matches!(result, Err(FetchError::TooLarge { limit }) if limit == LIMIT),
            "{result:?}"
        );
    }

    #[test]
    fn odd_validators_are_ignored() {
        let mut headers = HeaderMap::new();
        headers.insert(ETAG, HeaderValue::from_bytes(b"\"caf\xc3\xa9\"").unwrap());
        let long = "x".repeat(MAX_VALIDATOR_LEN + 1);
        headers.insert(LAST_MODIFIED, HeaderValue::from_str(&long).unwrap());
        assert_eq!(validator(&headers, ETAG), None);
        assert_eq!(validator(&headers, LAST_MODIFIED), None);
        assert!(header_value(Some("bad\nvalue")).is_none());
        assert!(header_value(Some("\"ok\"")).is_some());
    }
}
