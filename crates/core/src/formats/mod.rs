//! The file formats of calls: iCalendar (RFC 5545) and ecabot's own TOML. Their errors are English
//! messages for operators, not chat text, so these are the only core modules allowed to hold prose.

pub mod ics;
pub mod import;
