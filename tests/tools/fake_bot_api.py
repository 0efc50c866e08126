#!/usr/bin/env python3
"""A stand-in Telegram Bot API on 127.0.0.1 for measuring `ecabot serve` at rest (tests/tools/idle-rss.sh):
getMe, getWebhookInfo and getMyCommands answer what teloxide expects, getUpdates waits a second and
returns nothing, everything else answers true. Usage: fake_bot_api.py PORT"""
import json, time, sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
class H(BaseHTTPRequestHandler):
    def log_message(self, *a): pass
    def do_POST(self): self.handle_any()
    def do_GET(self): self.handle_any()
    def handle_any(self):
        n = int(self.headers.get('Content-Length') or 0); self.rfile.read(n)
        m = self.path.rsplit('/', 1)[-1].lower()
        if m == 'getme': r = {"id": 1, "is_bot": True, "first_name": "ecabot", "username": "ecabot_bot", "can_join_groups": True, "can_read_all_group_messages": False, "supports_inline_queries": False, "can_connect_to_business": False, "has_main_web_app": False}
        elif m == 'getupdates': time.sleep(1); r = []
        elif m == 'getwebhookinfo': r = {"url": "", "has_custom_certificate": False, "pending_update_count": 0}
        elif m in ('getmycommands',): r = []
        else: r = True

        body = json.dumps({"ok": True, "result": r}).encode()
        self.send_response(200); self.send_header('Content-Type','application/json'); self.send_header('Content-Length', str(len(body))); self.end_headers(); self.wfile.write(body)
ThreadingHTTPServer(('127.0.0.1', int(sys.argv[1])), H).serve_forever()
