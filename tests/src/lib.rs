//! Shared harness for ecabot's integration and end-to-end suites.

use std::{path::PathBuf, sync::Arc};

use ecabot_core::{Bot, ChatRef, Knowledge, Locale, MemoryStore, Request, Response, Store};

/// The workspace root (for data files and the built binary).
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ sits in the workspace")
        .to_path_buf()
}

/// The embedded knowledge, loaded once per test binary.
pub fn knowledge() -> Arc<Knowledge> {
    static K: std::sync::OnceLock<Arc<Knowledge>> = std::sync::OnceLock::new();
    K.get_or_init(|| Arc::new(Knowledge::embedded().expect("locale files load")))
        .clone()
}

pub fn locale(tag: &str) -> Locale {
    Locale::parse(tag).expect("valid tag")
}

/// A bot on an in-memory store, English default.
pub fn memory_bot() -> Bot {
    bot_with(Arc::new(MemoryStore::default()))
}

pub fn bot_with(store: Arc<dyn Store>) -> Bot {
    Bot::new(knowledge(), store, Locale::ENGLISH)
}

pub fn chat(id: &str) -> ChatRef {
    ChatRef::new("test", id).expect("valid chat")
}

/// Asks `text` in a fresh chat with `hint` as the platform language.
pub async fn ask(bot: &Bot, hint: &str, text: &str) -> Response {
    bot.handle(Request::text(chat("ask"), text).with_hint(Some(hint.to_owned())))
        .await
}

/// The `ecabot` binary, built on demand when the test run did not build it.
pub fn ecabot_binary() -> PathBuf {
    let root = workspace_root();
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    let profile_dir = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent()?.parent().map(|p| p.to_path_buf()))
        .unwrap_or_else(|| target.join("debug"));
    let binary = profile_dir.join("ecabot");
    static BUILT: std::sync::Once = std::sync::Once::new();
    BUILT.call_once(|| {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let mut cmd = std::process::Command::new(cargo);
        cmd.current_dir(&root)
            .args(["build", "--quiet", "-p", "ecabot", "--bin", "ecabot"]);
        if profile_dir.ends_with("release") {
            cmd.arg("--release");
        }
        let status = cmd.status().expect("cargo runs");
        assert!(status.success(), "building the ecabot binary failed");
    });
    binary
}
