//! The built `ecabot` binary as a user runs it: one-shot questions and piped chat sessions on a
//! real SQLite file in a temporary data directory.

use std::{
    io::Write,
    process::{Command, Output, Stdio},
};

use ecabot_tests::ecabot_binary;

/// `ecabot` with a clean environment: its own data dir, no terminal language.
fn ecabot(data_dir: &std::path::Path) -> Command {
    let mut cmd = Command::new(ecabot_binary());
    cmd.env_clear()
        .env("ECABOT_DATA_DIR", data_dir)
        .env("HOME", data_dir)
        .env("LANG", "C")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

fn run(mut cmd: Command, stdin: &[u8]) -> Output {
    let mut child = cmd.spawn().expect("ecabot starts");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin)
        .expect("stdin accepted");
    child.wait_with_output().expect("ecabot finishes")
}

fn json(output: &Output) -> serde_json::Value {
    assert!(
        output.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("one JSON object")
}

#[test]
fn ask_answers_in_json() {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = ecabot(dir.path());
    cmd.args(["ask", "--json", "--locale", "fi", "Kuka on Puolan jäsen?"]);
    let v = json(&run(cmd, b""));
    assert_eq!(v["kind"], "topic");
    assert_eq!(v["topic"], "members");
    assert_eq!(v["locale"], "fi");
    let text = v["text"].as_str().unwrap();
    assert!(text.contains("Polish Clusters Association"), "{text}");
    assert!(
        text.starts_with("Puolassa allianssin jäsen on"),
        "a Finnish sentence: {text}"
    );

    let mut cmd = ecabot(dir.path());
    cmd.args(["ask", "--json", "How", "do", "I", "join?"]);
    let v = json(&run(cmd, b""));
    assert_eq!(v["topic"], "join");
    assert_eq!(v["locale"], "en");

    let mut cmd = ecabot(dir.path());
    cmd.args(["ask", "--json", "what's the weather in Helsinki?"]);
    let v = json(&run(cmd, b""));
    assert!(v["topic"].is_null(), "out of scope: {v}");
    assert_eq!(v["kind"], "unknown");
    assert_eq!(
        v["buttons"].as_array().unwrap().len(),
        21,
        "the topic menu is offered"
    );

    let mut cmd = ecabot(dir.path());
    cmd.args(["ask", "--json", "hi there!"]);
    let v = json(&run(cmd, b""));
    assert_eq!(v["kind"], "smalltalk");
    assert!(v["topic"].is_null());

    let mut cmd = ecabot(dir.path());
    cmd.env("LANG", "fi_FI.UTF-8")
        .args(["ask", "--json", "/help"]);
    let v = json(&run(cmd, b""));
    assert_eq!(v["locale"], "fi", "the terminal's language is the hint");
    assert_eq!(v["kind"], "command");

    // --locale is the answer's language even for a question in another.
    let mut cmd = ecabot(dir.path());
    cmd.args([
        "ask",
        "--json",
        "--locale",
        "en",
        "Miten liityn allianssiin?",
    ]);
    let v = json(&run(cmd, b""));
    assert_eq!(
        (v["locale"].as_str(), v["topic"].as_str()),
        (Some("en"), Some("join"))
    );
}

#[test]
fn chat_remembers_the_language_across_runs() {
    let dir = tempfile::tempdir().unwrap();
    let first = run(
        {
            let mut c = ecabot(dir.path());
            c.arg("chat");
            c
        },
        b"/language fi\n",
    );
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let out = String::from_utf8(first.stdout).unwrap();
    assert!(
        out.starts_with("Hello! I'm ecabot"),
        "greets in the default language: {out}"
    );
    assert!(
        out.contains("Puhun tästä lähtien tässä keskustelussa suomea."),
        "{out}"
    );
    assert!(
        dir.path().join("ecabot.db").exists(),
        "the SQLite file is created on first run"
    );

    let mut second = ecabot(dir.path());
    second.arg("chat");
    let out = run(second, b"How do I join?\n1\n");
    let out = String::from_utf8(out.stdout).unwrap();
    assert!(
        out.starts_with("Hei! Olen ecabot"),
        "the choice survived the restart: {out}"
    );
    assert!(
        out.contains("[1] Kaikki aiheet"),
        "buttons are numbered: {out}"
    );
    assert!(
        out.contains("Näistä voin kertoa. Valitse aihe:"),
        "typing 1 pressed \"all topics\": {out}"
    );
}

#[test]
fn chat_survives_hostile_input() {
    let dir = tempfile::tempdir().unwrap();
    let mut input = Vec::new();
    input.extend_from_slice(b"\n");
    input.extend_from_slice("🎉🔥👍\n".as_bytes());
    input.extend_from_slice(b"\x00\x07\x1b[31m\xff\xfe broken utf-8\n");
    input.extend_from_slice("ما هو التحالف؟\n".as_bytes());
    input.extend_from_slice(&b"x".repeat(100 * 1024));
    input.extend_from_slice(b"\n/frobnicate\nHow do I join?\n");
    let mut cmd = ecabot(dir.path());
    cmd.arg("chat");
    let output = run(cmd, &input);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let out = String::from_utf8(output.stdout).unwrap();
    assert!(out.contains("I read text questions only."), "emoji-only");
    assert!(
        out.contains("Sorry, I don't know about that."),
        "right-to-left and binary noise"
    );
    assert!(
        out.contains("That message is too long for me (102,400 characters)."),
        "100 KB"
    );
    assert!(out.contains("I don't know the command /frobnicate."));
    assert!(
        out.contains("Today the way into the ECA"),
        "and it still answers afterwards: {out}"
    );
    assert!(
        !out.contains('\u{1b}'),
        "no escape sequences echoed to a pipe"
    );
}

#[test]
fn bad_configuration_is_refused_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = ecabot(dir.path());
    cmd.args(["ask", "--locale", "!!", "hello"]);
    let out = run(cmd, b"");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a language tag"));

    let mut cmd = ecabot(dir.path());
    cmd.env("ECABOT_DATABASE_URL", "mysql://bot:hunter2@db/x")
        .arg("chat");
    let out = run(cmd, b"");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("unsupported database URL"), "{stderr}");
    assert!(
        !stderr.contains("hunter2"),
        "the password never appears: {stderr}"
    );

    let mut cmd = ecabot(dir.path());
    cmd.arg("frobnicate");
    let out = run(cmd, b"");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("Usage"));

    let mut cmd = ecabot(dir.path());
    cmd.arg("--help");
    let help = String::from_utf8(run(cmd, b"").stdout).unwrap();
    assert!(help.contains("ask") && help.contains("chat"), "{help}");
}

/// `ecabot config check`: each bad setting is named with what to write instead (exit 1), and a
/// good configuration is summarised without its secrets.
#[test]
fn config_check_says_exactly_what_is_wrong() {
    let dir = tempfile::tempdir().unwrap();
    let token = "123456:ABCdefGHIjklMNOpqrSTUvwxYZ0123456789";
    for (var, value, says) in [
        ("ECABOT_HTTP_ADDR", "localhost", "ECABOT_HTTP_ADDR"),
        ("ECABOT_LOG_FORMAT", "xml", "use text or json"),
        ("ECABOT_OUTBOX_LEASE_SECS", "0", "1 to 3600"),
        (
            "ECABOT_OUTBOX_LEASE_SECS",
            "soon",
            "not a number of seconds",
        ),
        ("DISCORD_SHARDS", "4/4", "shards of 4 are numbered 0 to 3"),
        ("DISCORD_SHARDS", "one", "<ids>/<total>"),
        ("ECABOT_SCHEDULE", "* * * * *", "six fields"),
        (
            "TELEGRAM_WEBHOOK_URL",
            "https://bot.example.org/telegram",
            "TELEGRAM_WEBHOOK_SECRET",
        ),
    ] {
        let mut cmd = ecabot(dir.path());
        cmd.env("DISCORD_TOKEN", "discord-token-value-123")
            .env("TELEGRAM_BOT_TOKEN", token)
            .env(var, value)
            .args(["config", "check"]);
        let out = run(cmd, b"");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{var}={value}: {stderr}");
        assert!(stderr.contains("configuration error"), "{stderr}");
        assert!(stderr.contains(says), "{var}={value}: {stderr}");
    }

    let mut cmd = ecabot(dir.path());
    cmd.env("TELEGRAM_BOT_TOKEN", token)
        .env("TELEGRAM_WEBHOOK_URL", "https://bot.example.org/telegram")
        .env("TELEGRAM_WEBHOOK_SECRET", "shared_secret-42")
        .env("DISCORD_TOKEN", "discord-token-value-123")
        .env("DISCORD_SHARDS", "0-1/4")
        .env("ECABOT_DATABASE_URL", "postgres://bot:hunter2@db/ecabot")
        .env("ECABOT_HTTP_ADDR", "0.0.0.0:9464")
        .args(["config", "check"]);
    let out = run(cmd, b"");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for expected in [
        "database: postgres://bot:***@db/ecabot",
        "http://0.0.0.0:9464/healthz",
        "telegram: webhook https://bot.example.org/telegram",
        "discord: shards 0-1/4",
        "configuration ok",
    ] {
        assert!(stdout.contains(expected), "{expected} in:\n{stdout}");
    }
    for secret in [
        "hunter2",
        "ABCdefGHI",
        "shared_secret-42",
        "discord-token-value",
    ] {
        assert!(!stdout.contains(secret), "{secret} printed:\n{stdout}");
    }

    // Nothing answers on the port: the health check fails, and says where it looked.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut cmd = ecabot(dir.path());
    cmd.env("ECABOT_HTTP_ADDR", format!("0.0.0.0:{port}"))
        .arg("healthcheck");
    let out = run(cmd, b"");
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains(&format!("127.0.0.1:{port}")),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
