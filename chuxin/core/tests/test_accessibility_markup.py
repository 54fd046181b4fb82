"""Accessibility in the markup every page shares: the live region in the frame, an htmx answer's messages sent
along for it (HtmxMessagesMiddleware), errors and help tied to their fields. The browser tests (e2e/) check the
rest, with axe-core on every page."""

from __future__ import annotations

import json
import re

from django import forms
from django.contrib import messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.test import RequestFactory

from chuxin.core.middleware import HtmxMessagesMiddleware, merge_hx_trigger


def test_every_page_has_one_polite_live_region_and_a_skip_link(world, client_for):
    for user, path in ((world.secretary, "/workbench/"), (world.member_user, "/me/")):
        html = client_for(user).get(path).content.decode()
        assert html.count('aria-live="polite"') == 1, path
        assert 'id="cx-live"' in html and 'role="status"' in html
        assert 'href="#cx-content"' in html and 'id="cx-content"' in html


def test_the_login_page_has_the_live_region_too(client):
    html = client.get("/accounts/login/").content.decode()
    assert html.count('aria-live="polite"') == 1


def _request(rf: RequestFactory, *, htmx: bool):
    request = rf.post("/")
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    request.htmx = htmx
    return request



def test_an_htmx_answer_carries_its_messages_for_the_live_region(db):
    rf = RequestFactory()

    def view(request):
        messages.success(request, "保存成功。")
        response = HttpResponse("part")
        response["HX-Trigger"] = "notifications-changed"
        return response

    request = _request(rf, htmx=True)
    response = HtmxMessagesMiddleware(view)(request)
    events = json.loads(response["HX-Trigger"])
    assert events == {"notifications-changed": None, "cx-messages": [{"level": "success", "text": "保存成功。"}]}
    assert response["HX-Trigger"].isascii()  # a header is ASCII: Chinese travels escaped
    assert request._messages.used  # so MessageMiddleware keeps nothing: shown once, not again on the next page


def test_a_redirect_or_a_page_keeps_its_messages_for_the_page_it_shows(db):
    rf = RequestFactory()

    def redirecting(request):
        messages.success(request, "已保存。")
        return redirect("/me/")

    request = _request(rf, htmx=True)
    response = HtmxMessagesMiddleware(redirecting)(request)
    assert "HX-Trigger" not in response
    assert [str(m) for m in messages.get_messages(request)] == ["已保存。"]

    def page(request):
        messages.success(request, "已保存。")
        return HttpResponse("page")

    request = _request(rf, htmx=False)
    assert "HX-Trigger" not in HtmxMessagesMiddleware(page)(request)


def test_merging_hx_trigger_keeps_what_the_view_set():
    assert json.loads(merge_hx_trigger(None, {"a": 1})) == {"a": 1}
    assert json.loads(merge_hx_trigger("x, y", {"a": 1})) == {"x": None, "y": None, "a": 1}
    assert json.loads(merge_hx_trigger('{"x": {"n": 2}}', {"a": 1})) == {"x": {"n": 2}, "a": 1}


class _Form(forms.Form):
    name = forms.CharField(label="Name", help_text="As on the ID card.")
    agree = forms.BooleanField(label="Agree", help_text="Tick to agree.")
    kinds = forms.MultipleChoiceField(label="Kinds", choices=[("a", "A"), ("b", "B")],
                                      widget=forms.CheckboxSelectMultiple, help_text="One or more.")


def _described(html: str, field_id: str) -> list[str]:
    tag = re.search(rf'<(?:input|select|textarea|fieldset)[^>]*?\bid="{field_id}"[^>]*>', html) or re.search(
        rf'<fieldset[^>]*aria-describedby="({field_id}[^"]*)"', html)
    return tag.group(0) if tag else ""


def test_field_errors_and_help_are_tied_to_their_fields():
    form = _Form(data={})
    assert not form.is_valid()
    html = render_to_string("components/form_fields.html", {"form": form})
    for field in ("name", "agree"):
        tag = _described(html, f"id_{field}")
        assert 'aria-invalid="true"' in tag, tag
        ids = re.search(r'aria-describedby="([^"]+)"', tag).group(1).split()
        assert ids == [f"id_{field}_helptext", f"id_{field}_error"]
        for element_id in ids:
            assert html.count(f'id="{element_id}"') == 1, element_id
    fieldset = re.search(r"<fieldset[^>]*>", html).group(0)
    assert 'aria-describedby="id_kinds_helptext id_kinds_error"' in fieldset
    assert 'id="id_kinds_error"' in html and 'id="id_kinds_helptext"' in html


def test_a_valid_field_has_its_help_and_no_error_ids():
    form = _Form(initial={})
    html = render_to_string("components/form_fields.html", {"form": form})
    tag = _described(html, "id_name")
    assert 'aria-describedby="id_name_helptext"' in tag and "aria-invalid" not in tag
    assert "_error" not in html
