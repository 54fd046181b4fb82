"""A local stand-in for the robot platforms: an HTTP server in a thread that checks each platform's documented
payload and signature (shared/REFERENCE.md D2) and answers as the platform does."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from chuxin.testing import make_member, make_user

SECRET = "SEC0123456789abcdef"


def _valid_dingtalk(query: dict, secret: str) -> bool:
    ts, sign = query.get("timestamp", [""])[0], query.get("sign", [""])[0]
    if not ts.isdigit() or abs(int(ts) - time.time() * 1000) > 3_600_000:  # milliseconds, within the hour
        return False
    digest = hmac.new(secret.encode(), f"{ts}\n{secret}".encode(), hashlib.sha256).digest()
    return hmac.compare_digest(sign, base64.b64encode(digest).decode())  # parse_qs already url-decoded it


def _valid_feishu(body: dict, secret: str) -> bool:
    ts, sign = str(body.get("timestamp", "")), body.get("sign", "")
    if not ts.isdigit() or abs(int(ts) - time.time()) > 3600:  # seconds, within the hour (error 19021)
        return False
    digest = hmac.new(f"{ts}\n{secret}".encode(), b"", hashlib.sha256).digest()
    return hmac.compare_digest(sign, base64.b64encode(digest).decode())


@dataclass
class FakePlatforms:
    url: str = ""
    received: list = field(default_factory=list)  # (platform, query, body) of accepted messages
    refused: list = field(default_factory=list)
    mode: str = "ok"  # "ok", "error" (the platform refuses), "slow" (answers after the client gave up)

    def address(self, platform: str) -> str:
        return {"dingtalk": f"{self.url}/robot/send?access_token=tok",
                "wecom": f"{self.url}/cgi-bin/webhook/send?key=k",
                "feishu": f"{self.url}/open-apis/bot/v2/hook/abc"}[platform]


def _handler(state: FakePlatforms):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):  # quiet
            pass

        def _answer(self, data: dict, status: int = 200) -> None:
            raw = json.dumps(data).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        def do_POST(self):  # noqa: N802
            parts = urllib.parse.urlsplit(self.path)
            query = urllib.parse.parse_qs(parts.query)
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
            if state.mode == "slow":
                time.sleep(2.5)
                return self._answer({"errcode": 0})
            if state.mode == "error":
                return self._answer({"errcode": 310000, "errmsg": "keywords not in content"})
            if parts.path == "/robot/send":
                ok = (query.get("access_token") == ["tok"] and _valid_dingtalk(query, SECRET)
                      and body.get("msgtype") == "markdown" and body["markdown"].get("title")
                      and body["markdown"].get("text"))
                platform, answer = "dingtalk", ({"errcode": 0, "errmsg": "ok"} if ok else
                                                {"errcode": 310000, "errmsg": "sign not match"})
            elif parts.path == "/cgi-bin/webhook/send":
                ok = query.get("key") == ["k"] and body.get("msgtype") == "markdown" and body["markdown"]["content"]
                platform, answer = "wecom", {"errcode": 0 if ok else 93000, "errmsg": "ok" if ok else "invalid"}
            else:
                ok = body.get("msg_type") == "text" and body["content"].get("text") and _valid_feishu(body, SECRET)
                platform, answer = "feishu", {"code": 0 if ok else 19021, "msg": "success" if ok else "sign match fail"}
            (state.received if ok else state.refused).append((platform, query, body))
            return self._answer(answer)

    return Handler


@pytest.fixture
def platforms_server():
    state = FakePlatforms()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture
def b2_person(world):
    """A member of B2 with an account (the world's B2 member has none)."""
    user = make_user("b2person")
    make_member(world.b2, "王二", user=user)
    return user


@pytest.fixture(autouse=True)
def _in_english(english):
    """The messages these tests read are the English source strings (the UI defaults to Chinese)."""
