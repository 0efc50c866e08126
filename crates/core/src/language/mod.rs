//! Speaking and understanding: the Fluent catalog, free-text understanding, and the commands and
//! their arguments.

pub mod catalog;
pub mod cldr;
pub mod command;
pub mod digest_words;
pub mod understanding;
