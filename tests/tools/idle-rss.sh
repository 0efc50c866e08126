#!/bin/sh
# Resident memory of `ecabot serve` at rest: the release binary, Telegram long polling against a
# stand-in Bot API, a fresh SQLite file; prints VmRSS after 30 s. Run from the workspace root:
#   cargo build --release -p ecabot && sh tests/tools/idle-rss.sh
set -eu
dir=$(mktemp -d)
port=18099
python3 tests/tools/fake_bot_api.py "$port" &
fake=$!
sleep 0.5
(cd "$dir" && TELEGRAM_BOT_TOKEN=1:stand-in TELEGRAM_API_URL="http://127.0.0.1:$port" \
    "$OLDPWD/target/release/ecabot" serve >serve.log 2>&1) &
sleep 30
pid=$(pgrep -n -f "target/release/ecabot serve")
grep VmRSS "/proc/$pid/status"
kill "$pid" "$fake"
rm -rf "$dir"
