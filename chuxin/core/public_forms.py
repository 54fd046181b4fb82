"""Forms that anyone may submit without logging in (a resident's micro-wish, a joint-service request).

Two defences, both invisible to a person filling the form in:
- `PublicFormMixin` adds a honeypot field (hidden from people and from screen readers; a bot that fills every
  input gives itself away) and a signed stamp of when the form was shown: a submit sooner than
  PUBLIC_FORM_MIN_SECONDS after that (no person types a wish that fast) or later than a day (a replayed page) is
  refused with a message that says what to do.
- `rate_limit` / `@public_rate_limit` count submissions per client address (chuxin.core.audit_context.client_ip:
  the socket's address unless trusted proxies are configured, so a forged X-Forwarded-For buys nothing) in the
  cache, in fixed windows. Over the limit the view answers 429 with a page in the user's language; nothing is
  written. On the embedded default the cache is per process, so the limit is per server process; with Redis it
  is shared by every worker.
"""

from __future__ import annotations

import functools
import time

from django import forms
from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from chuxin.core.audit_context import client_ip

HONEYPOT = "website"
STAMP = "shown"
_SALT = "chuxin.public_form"
MAX_AGE = 24 * 3600


def min_seconds() -> int:
    return getattr(settings, "PUBLIC_FORM_MIN_SECONDS", 3)


class HoneypotInput(forms.TextInput):
    """A text input that people never see or reach (off-screen, out of the tab order, hidden from assistive tech)."""

    template_name = "core/widgets/honeypot.html"

    def __init__(self):
        super().__init__(attrs={"autocomplete": "off", "tabindex": "-1"})


class PublicFormMixin:
    """Mix into a forms.Form / ModelForm used without login: `class WishForm(PublicFormMixin, forms.ModelForm)`."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[HONEYPOT] = forms.CharField(required=False, label="",
                                                widget=HoneypotInput())
        self.fields[STAMP] = forms.CharField(required=False, widget=forms.HiddenInput())
        if not self.is_bound:
            self.initial[STAMP] = signing.dumps(time.time(), salt=_SALT)

    def clean(self):
        cleaned = super().clean()
        if self.data.get(HONEYPOT):
            raise forms.ValidationError(_("This form could not be accepted. Please fill it in again."),
                                        code="honeypot")
        try:
            shown = float(signing.loads(self.data.get(STAMP, ""), salt=_SALT))
            if time.time() - shown > MAX_AGE:
                raise ValueError("shown more than a day ago")
        except (signing.BadSignature, TypeError, ValueError):
            raise forms.ValidationError(_("This form has expired. Please open the page again and fill it in."),
                                        code="stamp") from None
        if time.time() - shown < min_seconds():
            raise forms.ValidationError(_("That was sent too quickly. Please check what you wrote and send it again."),
                                        code="too_fast")
        # The stamp is renewed so that a person who corrects an error does not meet "too quickly" again later.
        self.data = self.data.copy()
        self.data[STAMP] = signing.dumps(shown, salt=_SALT)
        return cleaned


def rate_limit(request, scope: str, *, limit: int, window: int) -> bool:
    """Count one submission from this request's address under `scope`; True when it is over `limit` per `window` s.

    A request whose address cannot be known counts under one shared key, so hiding the address never helps.
    """
    address = client_ip(request) or "unknown"
    bucket = int(time.time() // window)
    key = f"public_rate:{scope}:{address}:{bucket}"
    cache.add(key, 0, timeout=window + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window + 5)
        count = 1
    return count > limit


def public_rate_limit(scope: str, *, limit: int = 5, window: int = 3600, methods: tuple[str, ...] = ("POST",)):
    """Refuse more than `limit` submissions (`methods`) per client address per `window` seconds with a 429 page."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method in methods and rate_limit(request, scope, limit=limit, window=window):
                return render(request, "errors/429.html", {"window_minutes": max(1, window // 60)}, status=429)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
