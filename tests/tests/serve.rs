//! The built `ecabot serve` binary as a process, against the fake Bot API: the start-up
//! contract (TELEGRAM_BOT_TOKEN, TELEGRAM_API_URL), answering, a clean stop on SIGTERM, and
//! a token that never reaches its log output.

use std::{
    io::Read,
    process::{Command, Stdio},
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use ecabot_tests::{
    ecabot_binary,
    fake_telegram::{FakeTelegram, FakeUser, telegram_html_to_text},
    telegram::CANARY_TOKEN,
};

/// Reads a child's stream to the end in the background.
fn collect(mut stream: impl Read + Send + 'static) -> Arc<Mutex<Vec<u8>>> {
    let buffer: Arc<Mutex<Vec<u8>>> = Arc::default();
    let sink = buffer.clone();
    std::thread::spawn(move || {
        let mut chunk = [0u8; 8192];
        while let Ok(n) = stream.read(&mut chunk) {
            if n == 0 {
                break;
            }
            sink.lock().unwrap().extend_from_slice(&chunk[..n]);
        }
    });
    buffer
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_answers_on_telegram_and_stops_cleanly_on_sigterm() {
    let fake = FakeTelegram::start(CANARY_TOKEN).await;
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(ecabot_binary())
        .arg("serve")
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", dir.path())
        .env("ECABOT_DATA_DIR", dir.path())
        .env("TELEGRAM_BOT_TOKEN", CANARY_TOKEN)
        .env("TELEGRAM_API_URL", fake.url())
        .env("ECABOT_LOG", "debug")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("ecabot starts");
    let stderr = collect(child.stderr.take().unwrap());
    let stdout = collect(child.stdout.take().unwrap());
    let log = || String::from_utf8_lossy(&stderr.lock().unwrap()).into_owned();

    fake.wait_for_calls("getupdates", 1, Duration::from_secs(60))
        .await;
    let menus = fake.commands();
    assert!(
        menus.contains_key("fi") && menus.contains_key(""),
        "{menus:?}\n{}",
        log()
    );

    let user = FakeUser::new(42, "Aino", Some("fi"));
    fake.push_update(fake.private_text(&user, "/start"));
    let welcome = fake.wait_for(user.id, 1, Duration::from_secs(20)).await;
    let text = telegram_html_to_text(&welcome[0].text).unwrap();
    assert!(text.starts_with("Hei! Olen ecabot"), "{text}");
    fake.push_update(fake.private_text(&user, "Miten liitymme allianssiin?"));
    let answer = fake.wait_for(user.id, 2, Duration::from_secs(20)).await;
    assert!(
        telegram_html_to_text(&answer[1].text)
            .unwrap()
            .contains("kansallisen klusteriyhdistyksen"),
        "{}",
        answer[1].text
    );

    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(20);
    let exit = loop {
        if let Some(exit) = child.try_wait().unwrap() {
            break exit;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!(
                "ecabot serve did not stop within 20 s of SIGTERM:\n{}",
                log()
            );
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    // Let the reader threads drain the pipes.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let log = log();
    assert!(exit.success(), "exit {exit:?}:\n{log}");
    assert!(log.contains("SIGTERM received"), "{log}");
    assert!(log.contains("connected to Telegram"), "{log}");
    let half = CANARY_TOKEN.split_once(':').unwrap().1;
    assert!(!log.contains(half), "the token reached the log:\n{log}");
    assert!(!String::from_utf8_lossy(&stdout.lock().unwrap()).contains(half));
    assert!(
        dir.path().join("ecabot.db").exists(),
        "the default SQLite file was created"
    );
}

#[test]
fn serve_without_a_platform_says_what_to_set() {
    let dir = tempfile::tempdir().unwrap();
    let output = Command::new(ecabot_binary())
        .arg("serve")
        .env_clear()
        .env("HOME", dir.path())
        .env("ECABOT_DATA_DIR", dir.path())
        .output()
        .expect("ecabot runs");
    assert!(!output.status.success());
    let error = String::from_utf8_lossy(&output.stderr);
    assert!(error.contains("TELEGRAM_BOT_TOKEN"), "{error}");
}

#[test]
fn a_refused_token_is_reported_without_the_token() {
    let dir = tempfile::tempdir().unwrap();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let fake = runtime.block_on(FakeTelegram::start("1:another-token-entirely"));
    let output = Command::new(ecabot_binary())
        .arg("serve")
        .env_clear()
        .env("HOME", dir.path())
        .env("ECABOT_DATA_DIR", dir.path())
        .env("TELEGRAM_BOT_TOKEN", CANARY_TOKEN)
        .env("TELEGRAM_API_URL", fake.url())
        .env("ECABOT_LOG", "trace")
        .output()
        .expect("ecabot runs");
    assert!(!output.status.success());
    let error = String::from_utf8_lossy(&output.stderr);
    assert!(error.contains("refused the bot token"), "{error}");
    assert!(
        !error.contains(CANARY_TOKEN.split_once(':').unwrap().1),
        "{error}"
    );
    drop(fake);
}
