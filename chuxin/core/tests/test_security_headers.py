"""The headers every answer carries (Content-Security-Policy, Permissions-Policy, Cache-Control), templates
that need no inline script or style to work under that policy, and calendar-feed secrets kept out of logs."""

from __future__ import annotations

import datetime
import logging
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.urls import reverse

from chuxin.workbench.services import feed_token_regenerate

CSP = settings.CHUXIN_CONTENT_SECURITY_POLICY


def directives(header: str) -> dict[str, list[str]]:
    parsed = {}
    for part in header.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


def assert_protected(response) -> None:
    policy = directives(response["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    assert not any("unsafe" in value for values in policy.values() for value in values)
    features = dict(item.strip().split("=") for item in response["Permissions-Policy"].split(","))
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert features[feature] == "()", feature
    assert "no-store" in response["Cache-Control"]


def test_a_page_is_protected_and_never_stored(world, client_for):
    response = client_for(world.secretary).get(reverse("portal:me"))
    assert response.status_code == 200
    assert_protected(response)
    assert response["Cache-Control"] == "no-store"


def test_the_login_page_is_protected_and_never_stored(client, db):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    assert_protected(response)


def test_an_export_is_protected_and_never_stored(world, client_for):
    response = client_for(world.secretary).get(reverse("members:export"))
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    assert_protected(response)


def test_an_attachment_download_is_protected_and_never_stored(world, client_for):
    from django.core.files.base import ContentFile

    from chuxin.plans.models import Plan, PlanArea, PlanItem, ProgressUpdate, Task, TaskAssignment

    plan = Plan.objects.create(organization=world.b1, year=2026, title="计划", owner=world.secretary)
    item = PlanItem.objects.create(plan=plan, area=PlanArea.objects.create(organization=world.b1, name="组织"),
                                   title="事项")
    task = Task.objects.create(plan_item=item, title="任务", start_on=datetime.date(2026, 1, 1),
                               due_on=datetime.date(2026, 2, 1))
    TaskAssignment.objects.create(task=task, member=world.member, role="lead")
    update = ProgressUpdate(task=task, author=world.member_user, progress=10)
    update.attachment.save("名单.txt", ContentFile("身份证号".encode()), save=False)
    update.save()
    response = client_for(world.secretary).get(reverse("plans:attachment", args=[update.pk]))
    assert response.status_code == 200
    assert_protected(response)


def test_the_calendar_feed_is_never_stored(world, client):
    response = client.get(reverse("workbench:feed", kwargs={"token": feed_token_regenerate(actor=world.secretary).token}))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "Content-Security-Policy" in response


def test_static_files_keep_their_own_cache_headers(client):
    response = client.get("/static/chuxin/chuxin.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def test_pages_tell_htmx_to_keep_to_the_policy(world, client_for):
    import json
    import re

    page = client_for(world.secretary).get(reverse("portal:me")).content.decode()
    config = json.loads(re.search(r"""<meta name="htmx-config" content='([^']*)'>""", page).group(1))
    assert config["includeIndicatorStyles"] is False and config["allowEval"] is False
    # A 409 (an exam answer saved too late) is swapped in with its sentence; other errors are not.
    assert {"code": "409", "swap": True, "error": False} in config["responseHandling"]
    assert {"code": "[45]..", "swap": False, "error": True} in config["responseHandling"]


# ---------------------------------------------------------------------------------------------------------------
# Templates that work under the policy

TEMPLATE_DIRS = sorted(Path(settings.BASE_DIR, "chuxin").glob("**/templates"))
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>|<script\b[^>]*>\s*[^<\s]", re.I)
EVENT_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I | re.S)
STYLE = re.compile(r"<[a-z][^>]*\sstyle\s*=|<style\b", re.I | re.S)
JS_URL = re.compile(r"""(href|src|action)\s*=\s*["']\s*javascript:""", re.I)


def templates() -> list[Path]:
    found = [path for folder in TEMPLATE_DIRS for path in folder.glob("**/*.html")]
    assert len(found) > 50
    return found


@pytest.mark.parametrize(("what", "pattern"), [
    ("an inline <script> body", INLINE_SCRIPT), ("an on* event handler attribute", EVENT_HANDLER),
    ("an inline style", STYLE), ("a javascript: URL", JS_URL),
])
def test_no_template_needs_inline_code_or_style(what, pattern):
    offenders = [f"{path.relative_to(settings.BASE_DIR)}: {match.group(0)[:80]!r}"
                 for path in templates() for match in pattern.finditer(path.read_text())]
    assert not offenders, f"{what} (the Content-Security-Policy refuses it; use chuxin.js or chuxin.css):\n" + \
        "\n".join(offenders)


def test_the_patterns_catch_what_they_claim():
    assert INLINE_SCRIPT.search("<script>alert(1)</script>")
    assert not INLINE_SCRIPT.search('<script src="/static/x.js"></script>')
    assert EVENT_HANDLER.search('<select name="year" onchange="this.form.submit()">')
    assert not EVENT_HANDLER.search('<button data-cx-confirm="Close?">')
    assert STYLE.search('<div class="x" style="width: 5%">') and not STYLE.search('<div class="cx-w-5">')


def test_the_behaviours_that_replaced_inline_handlers_are_in_the_pages(world, client_for):
    from chuxin.plans.models import Plan

    Plan.objects.create(organization=world.b1, year=2026, title="计划", owner=world.secretary)
    page = client_for(world.secretary).get(reverse("plans:list")).content.decode()
    assert re.search(r'<select name="year"[^>]*data-cx-autosubmit', page)
    page = client_for(world.worker).get(reverse("orgs:detail", args=[world.b2.pk])).content.decode()
    assert 'data-cx-confirm="' in page
    script = Path(settings.BASE_DIR, "chuxin/static/chuxin/chuxin.js").read_text()
    assert "[data-cx-autosubmit]" in script and "form[data-cx-confirm]" in script


# ---------------------------------------------------------------------------------------------------------------
# Feed tokens out of the logs


def test_a_feed_token_in_a_logged_request_is_redacted(world, client, caplog):
    token = feed_token_regenerate(actor=world.secretary).token
    feed_token_regenerate(actor=world.secretary)  # the old link now answers 404, which Django logs
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert client.get(reverse("workbench:feed", kwargs={"token": token})).status_code == 404
    handler = logging.getLogger().handlers[0]
    lines = [handler.format(record) for record in caplog.records if all(f.filter(record) for f in handler.filters)]
    assert lines and all(token not in line for line in lines)
    assert any("/workbench/feed/[redacted].ics" in line for line in lines)


def test_gunicorns_access_log_redacts_the_feed_token():
    from gunicorn.config import Config

    from config.gunicorn import RedactingLogger

    logger = RedactingLogger(Config())
    path = "/workbench/feed/S3cr3t-t0ken_value.ics"
    environ = {"REQUEST_METHOD": "GET", "RAW_URI": path, "PATH_INFO": path, "QUERY_STRING": "",
               "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "10.0.0.7", "HTTP_REFERER": "https://x" + path}
    response = SimpleNamespace(status="200 OK", headers=[], sent=120)
    atoms = logger.atoms(response, SimpleNamespace(headers=[]), environ, datetime.timedelta(milliseconds=5))
    assert atoms["r"] == "GET /workbench/feed/[redacted].ics HTTP/1.1"
    assert atoms["U"] == "/workbench/feed/[redacted].ics" and "S3cr3t" not in atoms["f"]
    assert "S3cr3t" not in str(atoms)
