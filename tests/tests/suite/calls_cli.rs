//! `ecabot calls import|list|export` and the reminder commands of a piped `ecabot chat`, as an
//! operator and a user run them, on a real SQLite file.

use std::{
    io::Write,
    path::Path,
    process::{Command, Output, Stdio},
};

use ecabot_tests::{ecabot_binary, workspace_root};

fn ecabot(data_dir: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(ecabot_binary());
    cmd.env_clear()
        .env("ECABOT_DATA_DIR", data_dir)
        .env("HOME", data_dir)
        .env("LANG", "C")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

fn run(mut cmd: Command, stdin: &str) -> Output {
    let mut child = cmd.spawn().expect("ecabot starts");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .expect("stdin accepted");
    child.wait_with_output().expect("ecabot finishes")
}

fn ok(output: Output) -> String {
    assert!(
        output.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8 output")
}

fn ics(name: &str) -> String {
    workspace_root()
        .join("tests/data/ics")
        .join(name)
        .display()
        .to_string()
}

#[test]
fn import_updates_by_uid_and_refuses_malformed_files_whole() {
    let dir = tempfile::tempdir().unwrap();
    let good = ics("eccp-events.ics");
    let first = ok(run(ecabot(dir.path(), &["calls", "import", &good]), ""));
    assert!(first.contains(": 4 added, 0 updated"), "{first}");
    let again = ok(run(ecabot(dir.path(), &["calls", "import", &good]), ""));
    assert!(
        again.contains(": 0 added, 0 updated, 0 with a new deadline, 4 unchanged"),
        "re-import never duplicates: {again}"
    );
    let before = ok(run(ecabot(dir.path(), &["calls", "list", "--all"]), ""));
    assert!(before.contains("cba-2027"), "{before}");
    assert_eq!(
        before.lines().count(),
        4 + 7,
        "4 imported + 7 shipped: {before}"
    );

    for (file, line) in [
        ("bad-unclosed-event.ics", 14),
        ("bad-date.ics", 12),
        ("bad-missing-uid.ics", 10),
        ("bad-unknown-tzid.ics", 12),
        ("bad-no-colon.ics", 14),
        ("bad-not-utf8.ics", 13),
        ("bad-duplicate-uid.ics", 11),
        ("bad-url.ics", 14),
    ] {
        let output = run(ecabot(dir.path(), &["calls", "import", &ics(file)]), "");
        assert!(!output.status.success(), "{file} must be refused");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains("was not imported") && stderr.contains(&format!("line {line}:")),
            "{file}: {stderr}"
        );
        let after = ok(run(ecabot(dir.path(), &["calls", "list", "--all"]), ""));
        assert_eq!(after, before, "{file} left the database unchanged");
    }
}

#[test]
fn export_writes_valid_icalendar_of_open_calls() {
    let dir = tempfile::tempdir().unwrap();
    // Dates relative to today, so the call is open whenever the suite runs.
    let deadline = (chrono::Utc::now() + chrono::Duration::days(30)).format("%Y-%m-%dT17:00");
    let toml = dir.path().join("calls.toml");
    std::fs::write(
        &toml,
        format!(
            "[[call]]\nid = \"open-call\"\nkind = \"call\"\ntopic = \"academy\"\nzone = \"Europe/Helsinki\"\ndeadline = \"{deadline}\"\nurl = \"https://example.org/apply?a=1&b=2\"\ntitle.en = \"R&D <call>, with; punctuation\"\ntitle.fi = \"T&K-haku\"\n"
        ),
    )
    .unwrap();
    ok(run(
        ecabot(
            dir.path(),
            &["calls", "import", &toml.display().to_string()],
        ),
        "",
    ));
    let list = ok(run(ecabot(dir.path(), &["calls", "list"]), ""));
    assert_eq!(list.lines().count(), 1, "only the open call: {list}");
    let exported = ok(run(ecabot(dir.path(), &["calls", "export"]), ""));
    for line in exported.split_terminator("\r\n") {
        assert!(line.len() <= 75, "folded: {line:?}");
    }
    assert!(exported.ends_with("\r\n") && !exported.replace("\r\n", "").contains('\n'));
    let back = ecabot_core::formats::ics::parse(exported.as_bytes()).expect("the export parses");
    assert_eq!(back.len(), 1, "past shipped calls are not exported");
    assert_eq!(
        back[0].title.get(ecabot_core::Locale::ENGLISH),
        Some("R&D <call>, with; punctuation")
    );
    assert_eq!(back[0].zone.name(), "Europe/Helsinki");
}

#[test]
fn chat_manages_subscriptions_in_english_and_finnish() {
    let script = "/subscribe\n/subscriptions\n/timezone Europe/Helsinki\n/calls\n/timezone Mars/Olympus\n/remind 3d 2h\n/quiet 22:00-07:00\n/unsubscribe all\n";
    let dir = tempfile::tempdir().unwrap();
    let en = ok(run(ecabot(dir.path(), &["chat"]), script));
    for expected in [
        "Done! I'll remind this chat of every call and event: 7 days before, 1 day before and 1 hour before the deadline.",
        "This chat follows:",
        "Time zone: Europe/Brussels (/timezone)",
        "Done: times are now shown in Europe/Helsinki.",
        "There are no open calls or upcoming events right now. The last one was Clusters meet Regions: Charleroi (with a matchmaking event), held on 27 November 2024.",
        "I don't know the time zone “Mars/Olympus”.",
        "Done: reminders will come 3 days before and 2 hours before each deadline.",
        "Done: quiet hours are 22:00–07:00 (Europe/Helsinki).",
        "Done: I removed this chat's subscription. No more reminders.",
    ] {
        assert!(en.contains(expected), "missing {expected:?} in:\n{en}");
    }

    let dir = tempfile::tempdir().unwrap();
    let fi = ok(run(ecabot(dir.path(), &["chat", "--locale", "fi"]), script));
    for expected in [
        "Selvä! Tilaus tehty: kaikki haut ja tapahtumat. Muistutan tässä chatissa 7 päivää ennen, 1 päivä ennen ja 1 tunti ennen määräaikaa.",
        "Tämä chat seuraa:",
        "Aikavyöhyke: Europe/Brussels (/timezone)",
        "Selvä: ajat näytetään nyt vyöhykkeellä Europe/Helsinki.",
        "Avoimia hakuja tai tulevia tapahtumia ei ole juuri nyt. Viimeisin oli Clusters meet Regions: Charleroi (mukana kumppanuustapahtuma), joka pidettiin 27. marraskuuta 2024.",
        "En tunne aikavyöhykettä ”Mars/Olympus”.",
        "Selvä: muistutukset tulevat 3 päivää ennen ja 2 tuntia ennen kutakin määräaikaa.",
        "Selvä: hiljaiset tunnit ovat 22.00–7.00 (Europe/Helsinki).",
        "Selvä: poistin tämän chatin tilauksen. Muistutuksia ei enää tule.",
    ] {
        assert!(fi.contains(expected), "missing {expected:?} in:\n{fi}");
    }
}

fn failed(output: Output) -> String {
    assert!(!output.status.success(), "expected a failure");
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn operators_post_news_fetch_feeds_and_preview_a_chats_digest() {
    let dir = tempfile::tempdir().unwrap();
    let posted = ok(run(
        ecabot(
            dir.path(),
            &[
                "news",
                "add",
                "--title",
                "Cluster Booster Academy opens",
                "--url",
                "https://clustersalliance.eu/academy?utm_source=cli",
                "--summary",
                "Apply by the end of March.",
            ],
        ),
        "",
    ));
    assert!(
        posted.starts_with("added: Cluster Booster Academy opens (en)"),
        "{posted}"
    );
    let again = ok(run(
        ecabot(
            dir.path(),
            &[
                "news",
                "add",
                "--title",
                "Academy opens (again)",
                "--url",
                "https://clustersalliance.eu/academy",
            ],
        ),
        "",
    ));
    assert!(again.starts_with("already known"), "{again}");
    let refused = failed(run(
        ecabot(
            dir.path(),
            &[
                "news",
                "add",
                "--title",
                "x",
                "--url",
                "javascript:alert(1)",
            ],
        ),
        "",
    ));
    assert!(refused.contains("http:// or https://"), "{refused}");
    let listed = ok(run(ecabot(dir.path(), &["news", "list"]), ""));
    assert_eq!(
        listed.matches("clustersalliance.eu/academy").count(),
        1,
        "{listed}"
    );

    // No feeds configured: `news fetch` says where to add them.
    let none = failed(run(ecabot(dir.path(), &["news", "fetch"]), ""));
    assert!(none.contains("[digest] feeds"), "{none}");

    // A piped chat turns the weekly digest on; the operator previews it.
    let mut chat = ecabot(dir.path(), &["chat", "--locale", "en"]);
    chat.env("USER", "ops");
    let chat = ok(run(chat, "/digest weekly\n"));
    assert!(chat.contains("every Monday at 09:00"), "{chat}");
    let preview = ok(run(
        ecabot(dir.path(), &["digest", "preview", "--chat", "console:ops"]),
        "",
    ));
    assert!(
        preview.contains("Preview of the next digest")
            && preview.contains("Cluster Booster Academy opens")
            && preview.contains("Apply by the end of March."),
        "{preview}"
    );
    let bad = failed(run(
        ecabot(dir.path(), &["digest", "preview", "--chat", "nonsense"]),
        "",
    ));
    assert!(bad.contains("--chat \"nonsense\""), "{bad}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn news_fetch_reads_the_configured_feeds_and_names_a_failing_one() {
    use ecabot_tests::feed_server::{FeedServer, Item, Route, rss};
    let server = FeedServer::start().await;
    server.set(
        "/eccp.xml",
        Route::Feed {
            body: rss(
                "ECCP",
                &[Item {
                    title: "Klusteriyhteistyö – äöå",
                    link: "https://www.clustercollaboration.eu/news/1",
                    guid: None,
                    summary: None,
                    published: "Sat, 21 Nov 2026 08:00:00 GMT",
                }],
            ),
            content_type: "application/rss+xml",
            last_modified: "Sat, 21 Nov 2026 08:00:00 GMT",
        },
    );
    server.set("/broken.xml", Route::Status(500));
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("ecabot.toml");
    std::fs::write(
        &config,
        format!(
            "[digest]\ntimeout_secs = 5\nfeeds = [\n  {{ name = \"ECCP news\", url = \"{}\", lang = \"fi\" }},\n  {{ name = \"Broken feed\", url = \"{}\", lang = \"en\" }},\n]\n",
            server.url("/eccp.xml"),
            server.url("/broken.xml")
        ),
    )
    .unwrap();
    let config = config.display().to_string();
    let fetch = || {
        let cmd = ecabot(dir.path(), &["--config", &config, "news", "fetch"]);
        tokio::task::spawn_blocking(move || run(cmd, ""))
    };
    let first = fetch().await.unwrap();
    let stdout = String::from_utf8_lossy(&first.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&first.stderr).into_owned();
    assert!(!first.status.success());
    assert!(stdout.contains("ECCP news: 1 entries, 1 new"), "{stdout}");
    assert!(
        stdout.contains("Broken feed: FAILED: the server answered 500"),
        "{stdout}"
    );
    assert!(stderr.contains("1 of 2 feeds failed"), "{stderr}");
    let second = fetch().await.unwrap();
    let stdout = String::from_utf8_lossy(&second.stdout).into_owned();
    assert!(stdout.contains("ECCP news: not modified"), "{stdout}");
    let listed = ok(run(ecabot(dir.path(), &["news", "list"]), ""));
    assert!(listed.contains("Klusteriyhteistyö – äöå"), "{listed}");
}
