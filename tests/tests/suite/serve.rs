//! The built `ecabot serve` binary as a process, against the fake Bot API and the fake Discord:
//! the start-up contract (TELEGRAM_BOT_TOKEN, TELEGRAM_API_URL, DISCORD_TOKEN, DISCORD_API_URL,
//! DISCORD_GUILD_ID), answering, both front ends in one process, a clean stop on SIGTERM, and
//! tokens that never reach its log output.

use std::{
    io::Read,
    process::{Command, Stdio},
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use ecabot_tests::{
    discord::{DISCORD_CANARY_TOKEN, visible_json},
    ecabot_binary,
    fake_discord::{self, FakeDiscord, Place},
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
        // Tests run side by side: each asks for a free port, not the default 9464.
        .env("ECABOT_HTTP_ADDR", "127.0.0.1:0")
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

    let log = stop(&mut child, log).await;
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

/// Sends SIGTERM and waits for a clean exit; returns the log.
async fn stop(child: &mut std::process::Child, log: impl Fn() -> String) -> String {
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
    log
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_runs_discord_and_telegram_in_one_process() {
    let telegram = FakeTelegram::start(CANARY_TOKEN).await;
    let discord = FakeDiscord::start(DISCORD_CANARY_TOKEN).await;
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(ecabot_binary())
        .arg("serve")
        .env_clear()
        // Tests run side by side: each asks for a free port, not the default 9464.
        .env("ECABOT_HTTP_ADDR", "127.0.0.1:0")
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", dir.path())
        .env("ECABOT_DATA_DIR", dir.path())
        .env("TELEGRAM_BOT_TOKEN", CANARY_TOKEN)
        .env("TELEGRAM_API_URL", telegram.url())
        .env("DISCORD_TOKEN", DISCORD_CANARY_TOKEN)
        .env("DISCORD_API_URL", discord.url())
        .env("DISCORD_GUILD_ID", fake_discord::GUILD_ID.to_string())
        .env("ECABOT_LOG", "debug")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("ecabot starts");
    let stderr = collect(child.stderr.take().unwrap());
    let stdout = collect(child.stdout.take().unwrap());
    let log = || String::from_utf8_lossy(&stderr.lock().unwrap()).into_owned();

    assert!(
        discord.wait_ready(Duration::from_secs(60)).await,
        "no gateway session:\n{}",
        log()
    );
    assert!(discord.gateway_requested());
    let registered = discord
        .wait_for(Duration::from_secs(20), |fake| {
            fake.registrations().into_iter().last()
        })
        .await
        .expect("the slash commands are registered");
    assert_eq!(registered.guild_id, Some(fake_discord::GUILD_ID));

    let aino = fake_discord::FakeUser::new(42, "Aino", Some("fi"));
    let asked = discord.slash(
        &aino,
        Place::Dm,
        "ask",
        &[("question", "Miten liitymme allianssiin?")],
    );
    let answer = discord
        .wait_for(Duration::from_secs(20), |fake| {
            fake.callbacks()
                .into_iter()
                .find(|c| c.interaction_id == asked.id)
        })
        .await
        .unwrap_or_else(|| panic!("no answer on Discord:\n{}", log()));
    assert!(
        visible_json(&answer.data).contains("kansallisen klusteriyhdistyksen"),
        "{:?}",
        answer.data
    );
    let user = FakeUser::new(43, "Eino", Some("fi"));
    telegram.push_update(telegram.private_text(&user, "/start"));
    let welcome = telegram.wait_for(user.id, 1, Duration::from_secs(20)).await;
    assert!(
        telegram_html_to_text(&welcome[0].text)
            .unwrap()
            .starts_with("Hei! Olen ecabot")
    );

    let log = stop(&mut child, log).await;
    assert!(log.contains("serving on Discord"), "{log}");
    assert!(log.contains("serving on Telegram"), "{log}");
    let out = String::from_utf8_lossy(&stdout.lock().unwrap()).into_owned();
    for secret in [
        CANARY_TOKEN.split_once(':').unwrap().1,
        DISCORD_CANARY_TOKEN.rsplit_once('.').unwrap().1,
    ] {
        assert!(!log.contains(secret), "a token reached the log:\n{log}");
        assert!(!out.contains(secret));
    }
    assert_eq!(discord.violations(), Vec::<String>::new());
}

#[test]
fn serve_without_a_platform_says_what_to_set() {
    let dir = tempfile::tempdir().unwrap();
    let output = Command::new(ecabot_binary())
        .arg("serve")
        .env_clear()
        // Tests run side by side: each asks for a free port, not the default 9464.
        .env("ECABOT_HTTP_ADDR", "127.0.0.1:0")
        .env("HOME", dir.path())
        .env("ECABOT_DATA_DIR", dir.path())
        .output()
        .expect("ecabot runs");
    assert!(!output.status.success());
    let error = String::from_utf8_lossy(&output.stderr);
    assert!(error.contains("TELEGRAM_BOT_TOKEN"), "{error}");
    assert!(error.contains("DISCORD_TOKEN"), "{error}");
}

/// `ecabot serve` with a token its platform refuses: it fails, names the variable, and never
/// prints the token, even at TRACE.
fn refused(envs: &[(&str, String)]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let output = Command::new(ecabot_binary())
        .arg("serve")
        .env_clear()
        // Tests run side by side: each asks for a free port, not the default 9464.
        .env("ECABOT_HTTP_ADDR", "127.0.0.1:0")
        .env("HOME", dir.path())
        .env("ECABOT_DATA_DIR", dir.path())
        .env("ECABOT_LOG", "trace")
        .envs(envs.iter().map(|(k, v)| (k, v)))
        .output()
        .expect("ecabot runs");
    assert!(!output.status.success());
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn a_refused_token_is_reported_without_the_token() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let telegram = runtime.block_on(FakeTelegram::start("1:another-token-entirely"));
    let error = refused(&[
        ("TELEGRAM_BOT_TOKEN", CANARY_TOKEN.to_owned()),
        ("TELEGRAM_API_URL", telegram.url()),
    ]);
    assert!(
        error.contains("refused the bot token (TELEGRAM_BOT_TOKEN)"),
        "{error}"
    );
    assert!(
        !error.contains(CANARY_TOKEN.split_once(':').unwrap().1),
        "{error}"
    );

    let discord = runtime.block_on(FakeDiscord::start("another.token.entirely"));
    let error = refused(&[
        ("DISCORD_TOKEN", DISCORD_CANARY_TOKEN.to_owned()),
        ("DISCORD_API_URL", discord.url()),
    ]);
    assert!(
        error.contains("refused the bot token (DISCORD_TOKEN)"),
        "{error}"
    );
    assert!(
        !error.contains(DISCORD_CANARY_TOKEN.rsplit_once('.').unwrap().1),
        "{error}"
    );
}
