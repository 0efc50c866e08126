//! A platform's bot token. Telegram puts it in every request's URL path, Discord in a header
//! that errors may echo: every error text an adapter lets out goes through [`Token::redact`].

use std::fmt;

/// A secret that never shows itself in `Debug` or `Display`.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

/// What a token looks like in logs.
pub const REDACTED: &str = "[redacted]";

impl Token {
    pub fn new(token: impl Into<String>) -> Token {
        Token(token.into())
    }

    /// The token itself, for the HTTP client only.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// `text` with every occurrence of the token, and of its secret part, replaced by
    /// [`REDACTED`]. The secret part is what follows the last `:` (Telegram: `id:secret`) or
    /// `.` (Discord: `id.timestamp.hmac`); the leading id is public and may stay.
    pub fn redact(&self, text: &str) -> String {
        let mut out = text.to_owned();
        if !self.0.is_empty() {
            out = out.replace(&self.0, REDACTED);
        }
        if let Some((_, secret)) = self.0.rsplit_once([':', '.'])
            && secret.len() >= 8
        {
            out = out.replace(secret, REDACTED);
        }
        out
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Token({REDACTED})")
    }
}

impl fmt::Display for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_shows_itself() {
        let token = Token::new("123456:AAE-secret-part-xyz");
        assert_eq!(format!("{token:?} {token}"), "Token([redacted]) [redacted]");
        assert_eq!(
            token.redact("POST https://api/bot123456:AAE-secret-part-xyz/SendMessage failed"),
            "POST https://api/bot[redacted]/SendMessage failed"
        );
        assert_eq!(
            token.redact("url-encoded half AAE-secret-part-xyz"),
            "url-encoded half [redacted]"
        );
        let discord = Token::new("OTAwMDAwMDAwMDAw.GhTcYw.s3cr3t-hmac-part_0123456789");
        assert_eq!(
            discord.redact("Bot s3cr3t-hmac-part_0123456789 rejected"),
            "Bot [redacted] rejected"
        );
    }
}
