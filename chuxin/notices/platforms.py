"""The three group-robot platforms: which addresses they answer at, how a message is signed and shaped, and how
each says it took the message (shared/REFERENCE.md D2).

- WeCom (企业微信) group robot: POST https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=KEY; the key is the only
  secret. {"msgtype": "markdown", "markdown": {"content": ...}}; answers {"errcode": 0}. 20 messages a minute.
- DingTalk custom robot: POST https://oapi.dingtalk.com/robot/send?access_token=T, with 加签 `&timestamp=<ms>&sign=`
  url-encoded base64 HMAC-SHA256 (key: the secret) of "timestamp\\nsecret". {"msgtype": "markdown", "markdown":
  {"title", "text"}}; answers {"errcode": 0}. 20 messages a minute (more: throttled for 10 minutes).
- Feishu custom bot: POST https://open.feishu.cn/open-apis/bot/v2/hook/UUID; with 签名校验 the body carries
  "timestamp" (seconds) and "sign": base64 HMAC-SHA256 keyed by "timestamp\\nsecret" over an empty message.
  {"msg_type": "text", "content": {"text"}}; answers {"code": 0}. 100 a minute and 5 a second.

Addresses are checked against each platform's documented host so a robot cannot be pointed at an internal
service; CHUXIN_ROBOT_EXTRA_HOSTS (settings) adds hosts for tests and intranet gateways.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import urllib.parse
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Platform:
    code: str
    hosts: tuple[str, ...]
    path_prefix: str
    per_minute: int  # the platform's documented rate per robot
    text_limit: int  # bytes of text a message may carry
    per_second: int = 0  # a documented rate per second as well (0: none)


PLATFORMS = {
    "wecom": Platform("wecom", ("qyapi.weixin.qq.com",), "/cgi-bin/webhook/send", 20, 4000),
    "dingtalk": Platform("dingtalk", ("oapi.dingtalk.com",), "/robot/send", 20, 4000),
    # Feishu documents 100 a minute and 5 a second per bot.
    "feishu": Platform("feishu", ("open.feishu.cn", "open.larksuite.com"), "/open-apis/bot/v2/hook/", 100, 18000, 5),
}


def extra_hosts() -> list[str]:
    return [h.lower() for h in getattr(settings, "CHUXIN_ROBOT_EXTRA_HOSTS", [])]


def check_webhook(platform: str, url: str) -> str:
    """The webhook address if it is the platform's own (https, its documented host and path), or a host the
    settings allow for tests and intranets; else a ValidationError in the user's language."""
    spec = PLATFORMS.get(platform)
    if spec is None:
        raise ValidationError({"platform": _("Choose a platform.")})
    url = (url or "").strip()
    parts = urllib.parse.urlsplit(url)
    host = (parts.netloc or "").lower()
    allowed = extra_hosts()
    if (host in allowed or (parts.hostname or "") in allowed) and parts.scheme in ("http", "https"):
        return url
    if parts.scheme != "https" or (parts.hostname or "") not in spec.hosts or parts.port not in (None, 443) \
            or "@" in parts.netloc or not parts.path.startswith(spec.path_prefix):
        raise ValidationError({"webhook": _(
            "This is not a webhook address of that platform: it must start with %(example)s.") % {
            "example": f"https://{spec.hosts[0]}{spec.path_prefix}"}})
    query = urllib.parse.parse_qs(parts.query)
    if platform == "wecom" and not query.get("key"):
        raise ValidationError({"webhook": _("The WeCom address carries its key (…?key=…); copy the whole address.")})
    if platform == "dingtalk" and not query.get("access_token"):
        raise ValidationError({"webhook": _(
            "The DingTalk address carries its access token (…?access_token=…); copy the whole address.")})
    if platform == "feishu" and len(parts.path) <= len(spec.path_prefix):
        raise ValidationError({"webhook": _("The Feishu address ends with the bot's id; copy the whole address.")})
    return url


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def feishu_sign(secret: str, timestamp_s: int) -> str:
    digest = hmac.new(f"{timestamp_s}\n{secret}".encode(), b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def _cut(text: str, limit: int) -> str:
    data = text.encode()
    if len(data) <= limit:
        return text
    return data[: limit - 3].decode(errors="ignore") + "…"


def request_for(platform: str, webhook: str, secret: str, *, title: str, lines: list[str],
                now: float | None = None) -> tuple[str, bytes]:
    """(address, JSON body) of one message: a title and a few lines (each may hold a link)."""
    spec = PLATFORMS[platform]
    now = time.time() if now is None else now
    if platform == "wecom":
        content = _cut("\n".join([f"**{title}**", *lines]), spec.text_limit)
        return webhook, json.dumps({"msgtype": "markdown", "markdown": {"content": content}},
                                   ensure_ascii=False).encode()
    if platform == "dingtalk":
        text = _cut("\n\n".join([f"#### {title}", *lines]), spec.text_limit)
        url = webhook
        if secret:
            ts = int(now * 1000)
            url += ("&" if "?" in url else "?") + urllib.parse.urlencode({"timestamp": ts,
                                                                          "sign": dingtalk_sign(secret, ts)})
        return url, json.dumps({"msgtype": "markdown", "markdown": {"title": title[:60], "text": text}},
                               ensure_ascii=False).encode()
    body: dict = {"msg_type": "text", "content": {"text": _cut("\n".join([title, *lines]), spec.text_limit)}}
    if secret:
        ts = int(now)
        body = {"timestamp": str(ts), "sign": feishu_sign(secret, ts), **body}
    return webhook, json.dumps(body, ensure_ascii=False).encode()


def plain(text: str) -> str:
    """What people typed (a title), made inert in the platforms' markdown: no link of its own, no tag, no
    heading; Feishu's text shows it as it is."""
    return (text.replace("[", "【").replace("]", "】").replace("<", "＜").replace(">", "＞")
            .replace("\n", " ").lstrip("#*-> "))


def link_line(platform: str, label: str, url: str) -> str:
    if platform == "feishu":
        return f"{label} {url}"
    return f"[{label}]({url})"


def answer_error(platform: str, status: int, body: bytes) -> str:
    """'' when the platform took the message, else the reason it gave."""
    if status >= 400:
        return f"HTTP {status}"
    try:
        data = json.loads(body or b"{}")
    except ValueError:
        return f"HTTP {status}: not JSON"
    if not isinstance(data, dict):
        return "unexpected answer"
    code = data.get("code", data.get("StatusCode")) if platform == "feishu" else data.get("errcode")
    if code in (0, None) and (platform == "feishu" or "errcode" in data):
        return ""
    return f"{code}: {str(data.get('msg') or data.get('errmsg') or '')[:200]}"
