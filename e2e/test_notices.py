"""Notices, member groups and a group robot walked in Chromium.

The committee's worker connects the first branch's DingTalk robot (a local fake DingTalk that checks the signature)
and sends a notice to both branches asking for a one-click confirmation; a member of the first branch opens it on a
phone (the read is recorded, nothing to press), a member of the second confirms it; the worker's read matrix shows
who has not read it yet and reminds them, privately and once; the robot pushed the notice with a valid signature and a
link back. In the first branch's group a member writes a message carrying a script; the secretary, with the group
open, sees it arrive without reloading, as text.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import translation
from django.utils.translation import gettext as _
from playwright.sync_api import expect

from chuxin.notices.models import Notice, NoticeRecipient
from chuxin.notifications.models import Notification
from chuxin.testing import make_member, make_user

from .conftest import PHONE_390

pytestmark = pytest.mark.e2e
SECRET = "SECe2e0123456789"


def zh(message: str, **values) -> str:
    with translation.override("zh-hans"):
        text = _(message)
    return text % values if values else text


@pytest.fixture
def fake_dingtalk():
    """A local DingTalk: accepts a markdown message only with the documented 加签 (ms timestamp, HMAC-SHA256 of
    "timestamp\\nsecret", base64, url-encoded in the query)."""
    received, refused = [], []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_POST(self):  # noqa: N802
            query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            ts, sign = query.get("timestamp", [""])[0], query.get("sign", [""])[0]
            digest = hmac.new(SECRET.encode(), f"{ts}\n{SECRET}".encode(), hashlib.sha256).digest()
            ok = (ts.isdigit() and abs(int(ts) - time.time() * 1000) < 3_600_000
                  and sign == base64.b64encode(digest).decode() and body.get("msgtype") == "markdown")
            (received if ok else refused).append(body)
            raw = json.dumps({"errcode": 0 if ok else 310000, "errmsg": "ok" if ok else "sign not match"}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/robot/send?access_token=e2e", received, refused
    server.shutdown()
    server.server_close()


def test_a_notice_read_confirmed_reminded_and_pushed(world, page, open_page, login, fake_dingtalk):
    webhook, received, refused = fake_dingtalk
    b2_user = make_user("b2person")
    make_member(world.b2, "王二", user=b2_user)
    make_member(world.b1, "周一", user=make_user("zhouyi"))

    # The worker connects B1's DingTalk robot and sends a test message.
    login(page, "worker")
    page.goto(f"/notices/robots/new/?organization={world.b1.pk}")
    form = page.get_by_test_id("robot-form")
    form.locator("select[name=platform]").select_option("dingtalk")
    form.locator("input[name=name]").fill("第一支部钉钉群")
    form.locator("input[name=webhook]").fill(webhook)
    form.locator("input[name=secret]").fill(SECRET)
    page.get_by_test_id("save-robot").click()
    page.get_by_test_id("robot-test").click()
    expect(page.locator('[data-testid=pushes] [data-status="sent"]')).to_have_count(1)

    # ... and sends a notice to both branches, asking for a confirmation.
    page.goto(f"/notices/new/?organization={world.pc.pk}")
    form = page.get_by_test_id("notice-form")
    form.locator("input[name=title]").fill("关于开展主题党日的通知")
    page.get_by_test_id("richtext-body").fill("请各支部本月下旬组织主题党日。")
    form.get_by_label(world.b1.name).check()
    form.get_by_label(world.b2.name).check()
    form.locator("input[name=needs_confirmation]").check()
    page.get_by_test_id("send-notice").click()
    expect(page.locator("[data-count=total]")).to_have_text("3")
    notice = Notice.objects.get()

    # A member of B1 opens it on a phone: the read is recorded without anything to press.
    phone = open_page(**PHONE_390)
    login(phone, "member")
    phone.goto("/notices/")
    phone.get_by_role("link", name="关于开展主题党日的通知").click()
    expect(phone.get_by_test_id("notice")).to_contain_text("请各支部本月下旬组织主题党日。")
    assert NoticeRecipient.objects.get(notice=notice, user=world.member_user).read_at is not None

    # A member of B2 confirms it with one click.
    other = open_page(**PHONE_390)
    login(other, "b2person")
    other.goto(f"/notices/{notice.pk}/")
    other.get_by_test_id("confirm").click()
    expect(other.get_by_test_id("confirmed")).to_be_visible()

    # The worker sees who has not read it and reminds them, privately and once.
    page.goto(f"/notices/{notice.pk}/readers/")
    expect(page.locator("[data-count=unread]")).to_have_text("1")
    expect(page.get_by_test_id("missing").locator("[data-person]")).to_have_count(1)
    expect(page.get_by_test_id("missing")).to_contain_text("周一")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("remind").click()
    expect(page.get_by_test_id("reminded")).to_be_visible()
    assert list(Notification.objects.filter(kind="reminded").values_list("recipient__username", flat=True)) == [
        "zhouyi"]

    # The robot pushed the notice with a valid signature and a link back to where the read is recorded.
    assert not refused
    pushed = [m["markdown"]["text"] for m in received if "关于开展主题党日的通知" in m["markdown"]["title"]]
    assert pushed and f"/notices/{notice.pk}/" in pushed[0]


def test_a_message_arrives_without_a_reload_and_a_script_stays_text(world, page, open_page, login):
    make_member(world.b1, "赵书记", user=world.secretary)
    login(page, "secretary")
    page.goto("/notices/groups/")
    page.get_by_role("link", name=world.b1.name).click()
    expect(page.get_by_test_id("composer")).to_be_visible()

    phone = open_page(**PHONE_390)
    login(phone, "member")
    phone.goto("/notices/groups/")
    phone.get_by_role("link", name=world.b1.name).click()
    phone.locator("textarea[name=text]").fill("<script>window.hacked=1</script>@赵书记 周五学习")
    phone.get_by_test_id("post").click()
    expect(phone.get_by_test_id("messages")).to_contain_text("周五学习")

    # The secretary's open page polls for new messages only: it arrives as text, and no script ran.
    expect(page.get_by_test_id("messages")).to_contain_text("<script>window.hacked=1</script>", timeout=10_000)
    assert page.evaluate("window.hacked") is None
    assert Notification.objects.filter(kind="mention", recipient=world.secretary).count() == 1
