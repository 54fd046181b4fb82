"""The health check, production settings that refuse to start unsafely, and the error pages."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from chuxin.accounts.models import User

BASE_DIR = Path(settings.BASE_DIR)


# Health


def test_healthz_answers_ok_as_json(db, client, settings):
    settings.REDIS_URL = ""  # the embedded default: no Redis to check
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok", "checks": {"database": "ok"}}
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_healthz_needs_no_login_even_for_an_account_that_must_change_its_password(db, client):
    user = User.objects.create_user(username="fresh", password="x-123456789", must_change_password=True)
    client.force_login(user)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_healthz_reports_a_broken_database(db, client, monkeypatch, settings):
    from chuxin.core import views

    settings.REDIS_URL = ""

    class Broken:
        def cursor(self):
            raise ConnectionError("database is gone")

    monkeypatch.setattr(views, "connection", Broken())
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "checks": {"database": "error: ConnectionError"}}


def test_healthz_checks_redis_when_it_is_configured(db, client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:6379/0"
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "redis": "ok"}}


def test_healthz_reports_a_broken_redis(db, client, monkeypatch, settings):
    from chuxin.core import views

    class Broken:
        def set(self, *args, **kwargs):
            raise ConnectionError("redis is gone")

    settings.REDIS_URL = "redis://127.0.0.1:6379/0"
    monkeypatch.setattr(views, "cache", Broken())
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "checks": {"database": "ok", "redis": "error: ConnectionError"}}


def test_healthz_round_trips_through_the_real_redis_when_redis_url_is_set(db, client, settings):
    """CI sets REDIS_URL, so the settings use the Redis cache: the check must reach the server, not a stand-in."""
    import redis

    url = os.environ.get("REDIS_URL")
    if not url:
        if os.environ.get("CI"):
            pytest.fail("CI runs the suite with REDIS_URL set; it is missing")
        pytest.skip("no REDIS_URL: the embedded default has no Redis to check")
    assert settings.CACHES["default"]["BACKEND"] == "chuxin.core.cache.RedisCache"  # Django's, one client per pool
    # The cache's own address: under xdist each worker has a database of its own on that server (test settings).
    server = redis.Redis.from_url(settings.CACHES["default"]["LOCATION"])
    key = f"{settings.CACHES['default'].get('KEY_PREFIX', '')}:1:chuxin:healthz"
    server.delete(key)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "redis": "ok"}}
    assert server.get(key) is not None  # the check wrote through to the server, with its short expiry
    assert 0 < server.ttl(key) <= 5


def test_healthz_answers_503_when_redis_cannot_be_reached(db, client, settings):
    # A real Redis cache pointed at a port where nothing listens: no stand-in for the failure either.
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": "redis://127.0.0.1:1/0"}}
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "checks": {"database": "ok", "redis": "error: ConnectionError"}}


# Production settings


FIELD_KEY = "f" * 50


def start_production(*command: str, **env: str) -> subprocess.CompletedProcess:
    """Import the production settings in a fresh interpreter, as the WSGI server would (or run a manage.py
    command under them)."""
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL", "CHUXIN_"))}
    clean |= {"DJANGO_SETTINGS_MODULE": "config.settings.production", "DJANGO_ALLOWED_HOSTS": "chuxin.example.org"}
    clean |= env
    return subprocess.run(  # noqa: S603 - our own interpreter and a fixed command
        [sys.executable, *(["manage.py", *command] if command else ["-c", "import django; django.setup()"])],
        cwd=BASE_DIR, env=clean, capture_output=True, text=True, timeout=60,
    )


def test_production_refuses_to_start_without_a_secret_key():
    # An empty value, so a stray .env file cannot fill it in (read_env never overrides a set variable).
    result = start_production(DJANGO_SECRET_KEY="")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr
    assert "ImproperlyConfigured" in result.stderr


def test_production_refuses_a_short_secret_key():
    result = start_production(DJANGO_SECRET_KEY="too-short")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_starts_with_a_proper_secret_key_and_field_key():
    result = start_production(DJANGO_SECRET_KEY="k" * 50, CHUXIN_FIELD_ENCRYPTION_KEY=FIELD_KEY)
    assert result.returncode == 0, result.stderr


def test_production_refuses_to_start_without_a_field_encryption_key_of_its_own():
    # Empty, so a stray .env file cannot fill it in.
    for field_key in ("", "too-short", "k" * 50):  # "k" * 50 is the secret key: a leaked one would decrypt
        result = start_production(DJANGO_SECRET_KEY="k" * 50, CHUXIN_FIELD_ENCRYPTION_KEY=field_key)
        assert result.returncode != 0, field_key
        assert "ImproperlyConfigured" in result.stderr
        assert "CHUXIN_FIELD_ENCRYPTION_KEY" in result.stderr


def test_seed_demo_refuses_to_run_under_production_settings(tmp_path):
    result = start_production("seed_demo", DJANGO_SECRET_KEY="k" * 50, CHUXIN_FIELD_ENCRYPTION_KEY=FIELD_KEY,
                              DATABASE_URL=f"sqlite:///{tmp_path / 'production.sqlite3'}")
    assert result.returncode != 0
    assert "seed_demo refuses to run under production settings" in result.stderr
    assert not (tmp_path / "production.sqlite3").exists()  # refused before touching the database


def test_seed_demo_refuses_when_the_settings_say_production(db, settings):
    import pytest
    from django.core.management import CommandError, call_command

    from chuxin.members.models import Member

    settings.CHUXIN_PRODUCTION = True
    for command, options in (("seed_demo", {}), ("seed_scale", {"members": 10})):
        with pytest.raises(CommandError, match="refuses to run under production settings"):
            call_command(command, verbosity=0, **options)
    assert not Member.objects.exists()


def test_production_names_a_missing_allowed_hosts():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL"))}
    env |= {"DJANGO_SETTINGS_MODULE": "config.settings.production", "DJANGO_SECRET_KEY": "k" * 50}
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS" in result.stderr


# The demo settings (`make run`)

DEMO_SCRIPT = """
import json, tempfile
import django
django.setup()
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.test.utils import override_settings

out = {"debug": settings.DEBUG, "hosts": settings.ALLOWED_HOSTS}
with tempfile.TemporaryDirectory() as static_root, override_settings(STATIC_ROOT=static_root):
    call_command("collectstatic", interactive=False, verbosity=0)  # as `make run` does first
    client = Client(HTTP_ACCEPT_LANGUAGE="en", HTTP_HOST="127.0.0.1")  # a host the demo answers to
    page = client.get("/no-such-page/")
    out["page"] = {"status": page.status_code, "html": page.content.decode()}
    stylesheet = next(line for line in out["page"]["html"].split('"') if line.startswith("/static/chuxin/chuxin."))
    css = client.get(stylesheet)
    out["css"] = {"url": stylesheet, "status": css.status_code, "type": css["Content-Type"],
                  "cache": css.get("Cache-Control", ""), "body": b"".join(css.streaming_content).decode()[:200]}
    out["unhashed"] = client.get("/static/does-not-exist.css").status_code
print(json.dumps(out))
"""


def run_demo(tmp_path) -> dict:
    """Start the demo settings in a fresh interpreter, as `make run` does, and visit it as a browser would."""
    import json

    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL"))}
    env |= {"DJANGO_SETTINGS_MODULE": "config.settings.demo", "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}"}
    result = subprocess.run(  # noqa: S603 - our own interpreter and a fixed script
        [sys.executable, "-c", DEMO_SCRIPT], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_demo_shows_the_products_own_pages_and_serves_static_files_as_in_production(tmp_path):
    demo = run_demo(tmp_path)
    assert demo["debug"] is False
    assert set(demo["hosts"]) <= {"127.0.0.1", "localhost", "[::1]"}
    page = demo["page"]
    assert page["status"] == 404
    # The product's page: its title, message and way home; not Django's debug page with the URL patterns.
    assert "Not found · Chuxin" in page["html"]
    assert "There is nothing here, or it is not within your organizations." in page["html"]
    assert "Back to home" in page["html"]
    assert "URLconf" not in page["html"] and "DEBUG = True" not in page["html"]
    # Static files: hashed names from collectstatic's manifest, served by WhiteNoise with a long cache.
    css = demo["css"]
    assert css["url"] != "/static/chuxin/chuxin.css" and css["url"].endswith(".css")
    assert css["status"] == 200 and css["type"].startswith("text/css")
    assert "immutable" in css["cache"]
    assert "Chuxin" in css["body"]
    assert demo["unhashed"] == 404


# Error pages


def in_zh(message: str) -> str:
    with translation.override("zh-hans"):
        return gettext(message)


def test_a_404_renders_in_the_layout_for_a_logged_in_user(world, client_for):
    response = client_for(world.worker).get(reverse("orgs:detail", kwargs={"pk": 999999}))
    html = response.content.decode()
    assert response.status_code == 404
    assert "errors/404.html" in [t.name for t in response.templates]
    assert "cx-topbar" in html  # the navigation bar of the normal layout
    assert reverse("accounts:logout") in html
    assert in_zh("There is nothing here, or it is not within your organizations.") in html


def test_an_unknown_address_is_a_404_in_the_layout(world, client_for):
    response = client_for(world.secretary).get("/no-such-page/")
    assert response.status_code == 404
    assert "cx-topbar" in response.content.decode()


def test_a_403_renders_in_the_layout_for_a_logged_in_user(world, client_for):
    response = client_for(world.secretary).get(reverse("audit:list"))
    html = response.content.decode()
    assert response.status_code == 403
    assert "errors/403.html" in [t.name for t in response.templates]
    assert "cx-topbar" in html
    assert in_zh("Your role does not allow this. Ask your Party-affairs worker if you need it.") in html


def test_a_404_for_an_anonymous_visitor_renders_without_the_navigation(db, client):
    response = client.get("/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "cx-topbar" not in html
    assert in_zh("Not found") in html


def test_a_malformed_number_setting_names_its_variable():
    import os
    import subprocess
    import sys

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "CHUXIN_LOGIN_MAX_FAILURES": "abc"}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode != 0
    assert "CHUXIN_LOGIN_MAX_FAILURES must be a whole number" in result.stderr
