//! Several `ecabot serve` processes on one database, as an operator runs them: each with its
//! own operations port and Telegram webhook port, all against one fake Bot API.

use std::{
    collections::BTreeMap,
    io::Read,
    net::SocketAddr,
    process::{Child, Command, Stdio},
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use crate::{ecabot_binary, telegram::CANARY_TOKEN};

/// The webhook secret every instance shares.
pub const WEBHOOK_SECRET: &str = "fleet_secret-0123";

/// A port nobody listens on right now (the instance binds it moments later).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// What every instance of one fleet shares.
#[derive(Clone)]
pub struct FleetConfig {
    pub database_url: String,
    pub bot_api_url: String,
    /// TELEGRAM_RATE_LIMIT.
    pub rate: u32,
    /// ECABOT_OUTBOX_LEASE_SECS.
    pub lease_secs: u64,
    pub data_dir: std::path::PathBuf,
}

/// One running `ecabot serve`.
pub struct Instance {
    pub name: String,
    pub child: Child,
    pub http: SocketAddr,
    pub webhook: SocketAddr,
    log: Arc<Mutex<Vec<u8>>>,
}

impl Instance {
    pub fn spawn(config: &FleetConfig, name: &str) -> Instance {
        let http: SocketAddr = format!("127.0.0.1:{}", free_port()).parse().unwrap();
        let webhook: SocketAddr = format!("127.0.0.1:{}", free_port()).parse().unwrap();
        let mut child = Command::new(ecabot_binary())
            .arg("serve")
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("HOME", &config.data_dir)
            .env("HOSTNAME", name)
            .env("ECABOT_DATA_DIR", &config.data_dir)
            .env("ECABOT_DATABASE_URL", &config.database_url)
            .env("ECABOT_HTTP_ADDR", http.to_string())
            .env("ECABOT_OUTBOX_LEASE_SECS", config.lease_secs.to_string())
            .env("ECABOT_LOG", "info,sqlx=warn")
            .env("ECABOT_LOG_FORMAT", "json")
            .env("TELEGRAM_BOT_TOKEN", CANARY_TOKEN)
            .env("TELEGRAM_API_URL", &config.bot_api_url)
            .env("TELEGRAM_RATE_LIMIT", config.rate.to_string())
            .env("TELEGRAM_WEBHOOK_URL", "https://bot.example.org/telegram")
            .env("TELEGRAM_WEBHOOK_SECRET", WEBHOOK_SECRET)
            .env("TELEGRAM_WEBHOOK_LISTEN", webhook.to_string())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("ecabot starts");
        let log: Arc<Mutex<Vec<u8>>> = Arc::default();
        let sink = log.clone();
        let mut stderr = child.stderr.take().expect("stderr piped");
        std::thread::spawn(move || {
            let mut chunk = [0u8; 8192];
            while let Ok(n) = stderr.read(&mut chunk) {
                if n == 0 {
                    break;
                }
                sink.lock().unwrap().extend_from_slice(&chunk[..n]);
            }
        });
        Instance {
            name: name.to_owned(),
            child,
            http,
            webhook,
            log,
        }
    }

    pub fn log(&self) -> String {
        String::from_utf8_lossy(&self.log.lock().unwrap()).into_owned()
    }

    /// GET `path` on the operations port: (status, body), or `None` when nothing answers.
    pub async fn get(&self, path: &str) -> Option<(u16, String)> {
        let response = reqwest::Client::new()
            .get(format!("http://{}{path}", self.http))
            .timeout(Duration::from_secs(5))
            .send()
            .await
            .ok()?;
        let status = response.status().as_u16();
        Some((status, response.text().await.ok()?))
    }

    /// Waits until /readyz answers 200.
    pub async fn wait_ready(&mut self, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some((200, _)) = self.get("/readyz").await {
                return;
            }
            if let Some(exit) = self.child.try_wait().unwrap() {
                panic!("{} exited with {exit:?}:\n{}", self.name, self.log());
            }
            assert!(
                Instant::now() < deadline,
                "{} not ready within {timeout:?}:\n{}",
                self.name,
                self.log()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The samples of /metrics, keyed by name and sorted labels.
    pub async fn metrics(&self) -> BTreeMap<String, f64> {
        let (status, text) = self.get("/metrics").await.expect("/metrics answers");
        assert_eq!(status, 200, "{text}");
        parse_metrics(&text)
    }

    /// SIGKILL: no chance to finish or release anything.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// SIGTERM, then waits for a clean exit.
    pub async fn stop(mut self) -> String {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success());
        let deadline = Instant::now() + Duration::from_secs(30);
        let exit = loop {
            if let Some(exit) = self.child.try_wait().unwrap() {
                break exit;
            }
            if Instant::now() > deadline {
                self.kill();
                panic!("{} did not stop within 30 s:\n{}", self.name, self.log());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        };
        tokio::time::sleep(Duration::from_millis(200)).await;
        let log = self.log();
        assert!(exit.success(), "{} exit {exit:?}:\n{log}", self.name);
        log
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Prometheus text parsed by a real parser (`prometheus-parse`): `name{k="v",…}` → value, with
/// histogram and summary parts under their `_bucket`/`_sum`/`_count` names.
pub fn parse_metrics(text: &str) -> BTreeMap<String, f64> {
    let lines = text.lines().map(|l| Ok(l.to_owned()));
    let scrape =
        prometheus_parse::Scrape::parse(lines).expect("/metrics parses as Prometheus text");
    let mut out = BTreeMap::new();
    for sample in scrape.samples {
        let mut labels: Vec<(String, String)> = sample
            .labels
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        labels.sort();
        let key = |name: &str, labels: &[(String, String)]| {
            if labels.is_empty() {
                name.to_owned()
            } else {
                let inner: Vec<String> =
                    labels.iter().map(|(k, v)| format!("{k}=\"{v}\"")).collect();
                format!("{name}{{{}}}", inner.join(","))
            }
        };
        match sample.value {
            prometheus_parse::Value::Counter(v)
            | prometheus_parse::Value::Gauge(v)
            | prometheus_parse::Value::Untyped(v) => {
                out.insert(key(&sample.metric, &labels), v);
            }
            prometheus_parse::Value::Histogram(buckets) => {
                for b in buckets {
                    let mut l = labels.clone();
                    l.push(("le".into(), format!("{}", b.less_than)));
                    l.sort();
                    out.insert(key(&format!("{}_bucket", sample.metric), &l), b.count);
                }
            }
            prometheus_parse::Value::Summary(_) => {}
        }
    }
    out
}
