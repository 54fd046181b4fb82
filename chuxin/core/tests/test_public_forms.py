"""Public forms: a bot's honeypot, a replayed or instant submit, and a flood from one address are refused."""

import time

import pytest
from django import forms
from django.core import signing
from django.core.cache import cache
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from chuxin.core import public_forms
from chuxin.core.public_forms import HONEYPOT, STAMP, PublicFormMixin, public_rate_limit


class WishForm(PublicFormMixin, forms.Form):
    wish = forms.CharField(max_length=200)


def shown(seconds_ago: float) -> str:
    return signing.dumps(time.time() - seconds_ago, salt=public_forms._SALT)


def test_a_person_who_takes_their_time_is_accepted():
    form = WishForm(data={"wish": "给老人修个灯", STAMP: shown(30), HONEYPOT: ""})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["wish"] == "给老人修个灯"


def test_the_form_carries_a_stamp_and_a_honeypot_no_person_sees():
    html = str(WishForm())
    assert 'name="shown"' in html and 'type="hidden"' in html
    assert 'name="website"' in html and 'aria-hidden="true"' in html and 'tabindex="-1"' in html


def test_a_filled_honeypot_is_refused():
    form = WishForm(data={"wish": "x", STAMP: shown(30), HONEYPOT: "http://spam.example"})
    assert not form.is_valid()
    assert "重新填写" in str(form.non_field_errors())


@pytest.mark.parametrize("stamp", ["", "garbage", signing.dumps(time.time(), salt="other")],
                         ids=["missing", "garbage", "signed for something else"])
def test_a_missing_or_forged_stamp_is_refused(stamp):
    form = WishForm(data={"wish": "x", STAMP: stamp})
    assert not form.is_valid()
    assert "已过期" in str(form.non_field_errors())


def test_a_replayed_page_older_than_a_day_is_refused():
    form = WishForm(data={"wish": "x", STAMP: shown(public_forms.MAX_AGE + 60)})
    assert not form.is_valid()
    assert "已过期" in str(form.non_field_errors())


@override_settings(PUBLIC_FORM_MIN_SECONDS=3)
def test_an_instant_submit_is_refused_and_a_corrected_one_later_accepted():
    form = WishForm(data={"wish": "x", STAMP: shown(0.5)})
    assert not form.is_valid()
    assert "太快" in str(form.non_field_errors())
    assert WishForm(data={"wish": "x", STAMP: shown(5)}).is_valid()


@pytest.fixture
def clean_cache():
    cache.clear()
    yield
    cache.clear()


@public_rate_limit("test_wish", limit=3, window=600)
def wish_view(request):
    return HttpResponse("saved")


@pytest.mark.django_db
def test_a_flood_from_one_address_gets_429_in_chinese_and_others_are_served(clean_cache):
    factory = RequestFactory()
    answers = [wish_view(factory.post("/", REMOTE_ADDR="203.0.113.7")).status_code for _ in range(5)]
    assert answers == [200, 200, 200, 429, 429]
    refused = wish_view(factory.post("/", REMOTE_ADDR="203.0.113.7", HTTP_ACCEPT_LANGUAGE="zh-hans"))
    assert refused.status_code == 429
    assert "没有保存" in refused.content.decode()
    # Another address, and reading the page, are not limited.
    assert wish_view(factory.post("/", REMOTE_ADDR="198.51.100.1")).status_code == 200
    assert wish_view(factory.get("/", REMOTE_ADDR="203.0.113.7")).status_code == 200


@pytest.mark.django_db
def test_a_forged_forwarded_for_header_does_not_escape_the_limit(clean_cache):
    factory = RequestFactory()
    answers = [wish_view(factory.post("/", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR=f"10.0.0.{i}")).status_code
               for i in range(5)]
    assert answers.count(429) == 2
