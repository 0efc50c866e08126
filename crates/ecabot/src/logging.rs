//! Logs with a safety net: every line passes a redactor that blanks the configured secrets
//! before it is written. Our own code never logs a token; the net is for what dependencies log
//! (an HTTP client's error prints the request URL, and Telegram puts the token in that URL).

use std::{
    io::Write,
    sync::{Arc, Mutex},
};

use tracing_subscriber::fmt::MakeWriter;

use crate::config::LogFormat;

/// Where redacted log lines go.
pub type Sink = Arc<dyn Fn(&[u8]) + Send + Sync>;

/// A `MakeWriter` that redacts `secrets` from each event before handing it to the sink.
#[derive(Clone)]
pub struct Redactor {
    secrets: Arc<Vec<String>>,
    sink: Sink,
}

impl Redactor {
    /// Secrets shorter than 6 characters are not redacted (they would blank ordinary words).
    pub fn new(secrets: Vec<String>, sink: Sink) -> Redactor {
        let mut secrets: Vec<String> = secrets.into_iter().filter(|s| s.len() >= 6).collect();
        // The secret half of a bot token also appears on its own (URL-encoded forms, errors).
        let halves: Vec<String> = secrets
            .iter()
            .filter_map(|s| s.split_once(':').map(|(_, h)| h.to_owned()))
            .filter(|h| h.len() >= 8)
            .collect();
        secrets.extend(halves);
        // Longest first, so a token is blanked whole before its half is looked for.
        secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
        Redactor {
            secrets: Arc::new(secrets),
            sink,
        }
    }

    /// Writes to standard error.
    pub fn stderr(secrets: Vec<String>) -> Redactor {
        Redactor::new(
            secrets,
            Arc::new(|bytes: &[u8]| {
                let _ = std::io::stderr().lock().write_all(bytes);
            }),
        )
    }

    /// Collects into a shared buffer (tests).
    pub fn buffer(secrets: Vec<String>) -> (Redactor, Arc<Mutex<Vec<u8>>>) {
        let buffer: Arc<Mutex<Vec<u8>>> = Arc::default();
        let sink = buffer.clone();
        let redactor = Redactor::new(
            secrets,
            Arc::new(move |bytes: &[u8]| {
                sink.lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .extend_from_slice(bytes)
            }),
        );
        (redactor, buffer)
    }

    fn redact(&self, text: &str) -> String {
        let mut out = text.to_owned();
        for secret in self.secrets.iter() {
            if out.contains(secret.as_str()) {
                out = out.replace(secret.as_str(), "[redacted]");
            }
        }
        out
    }
}

/// One event's bytes; redacted and written when dropped (the formatter writes an event, then
/// drops its writer).
pub struct EventWriter {
    redactor: Redactor,
    buffer: Vec<u8>,
}

impl Write for EventWriter {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.buffer.extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Drop for EventWriter {
    fn drop(&mut self) {
        if self.buffer.is_empty() {
            return;
        }
        let text = String::from_utf8_lossy(&self.buffer);
        (self.redactor.sink)(self.redactor.redact(&text).as_bytes());
    }
}

impl<'a> MakeWriter<'a> for Redactor {
    type Writer = EventWriter;

    fn make_writer(&'a self) -> EventWriter {
        EventWriter {
            redactor: self.clone(),
            buffer: Vec::new(),
        }
    }
}

/// Installs the global subscriber: `ECABOT_LOG` filter (default `warn`), lines on standard
/// error for people or, with [`LogFormat::Json`], one JSON object per line for log
/// collectors; secrets redacted either way.
pub fn init(secrets: Vec<String>, format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("ECABOT_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(Redactor::stderr(secrets));
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(false)
            .init(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_and_their_halves_are_blanked() {
        let (redactor, buffer) = Redactor::buffer(vec!["123456:SECRET-half-xyz".into()]);
        {
            let mut w = redactor.make_writer();
            w.write_all(b"GET /bot123456:SECRET-half-xyz/GetMe and SECRET-half-xyz\n")
                .unwrap();
        }
        let out = String::from_utf8(buffer.lock().unwrap().clone()).unwrap();
        assert_eq!(out, "GET /bot[redacted]/GetMe and [redacted]\n");
    }
}
