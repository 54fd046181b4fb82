"""Request and response hygiene for every view: NUL characters out of the parameters; security and caching
headers on every answer; where each request comes from, for the audit log; an htmx answer's messages in its
HX-Trigger header; a person's own write renewing their own workbench count."""

from __future__ import annotations

import json
from collections.abc import Callable

from django.conf import settings
from django.contrib.messages import get_messages
from django.http import HttpRequest, HttpResponse, QueryDict

from . import registry, versions
from .audit_context import AuditContext, acting_from

NUL = "\x00"


def _has_nul(query: QueryDict) -> bool:
    return any(NUL in key or any(NUL in value for value in values) for key, values in query.lists())


def without_nul(query: QueryDict) -> QueryDict:
    """The same parameters with every NUL character removed (the same object when there is none). No text a
    person types contains NUL, PostgreSQL refuses it in text, and some libraries cut a string at it."""
    if not _has_nul(query):
        return query
    cleaned = QueryDict(mutable=True, encoding=query.encoding)
    for key, values in query.lists():
        for value in values:
            cleaned.appendlist(key.replace(NUL, ""), value.replace(NUL, ""))
    cleaned._mutable = False
    return cleaned


class StripNulMiddleware:
    """Strips NUL from every GET and POST parameter before any view (or the CSRF check) reads it, so no view,
    form or query has to think of it. Uploaded files are left as they are."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.GET = without_nul(request.GET)
        if request.method == "POST":
            request.POST = without_nul(request.POST)
        return self.get_response(request)


class SecurityHeadersMiddleware:
    """Content-Security-Policy and Permissions-Policy on every answer of the platform, and `Cache-Control:
    no-store` on every answer that does not say otherwise: pages, downloads and exports hold personal data that
    must not stay in a browser's or a proxy's cache. Static files never reach this middleware (WhiteNoise,
    earlier in the chain, answers them with their own long cache headers)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.content_security_policy = settings.CHUXIN_CONTENT_SECURITY_POLICY
        self.permissions_policy = settings.CHUXIN_PERMISSIONS_POLICY

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.content_security_policy:
            response.headers.setdefault("Content-Security-Policy", self.content_security_policy)
        if self.permissions_policy:
            response.headers.setdefault("Permissions-Policy", self.permissions_policy)
        response.headers.setdefault("Cache-Control", "no-store")
        return response


class AuditContextMiddleware:
    """Sets the request's audit context (the client's address and user agent, chuxin.core.audit_context) for the
    time the request is answered, so the audit log records where a write came from while services take no
    request. Cleared again afterwards: nothing carries over to the next request served by the same thread."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with acting_from(AuditContext.of(request)):
            return self.get_response(request)


class OwnWorkMiddleware:
    """After a person's own write (any method but GET, HEAD, OPTIONS that was answered without an error), their
    own work version in the view's app moves on (chuxin.core.versions.work_changed): what their workbench keeps of
    that app (the count, the items) is gathered afresh on their next page. Services that change anyone's work write an audit entry or a work record,
    which renew the counts they reach; some changes of one's own work do neither (a notice confirmed, a ballot cast
    in secret), and without this the person would see the item they just dealt with for up to a minute more.
    A view that changes no one's open work says so with `versions.leaves_work_alone` (a practice question
    answered), so its requests keep the count."""

    SAFE = frozenset({"GET", "HEAD", "OPTIONS"})

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.method in self.SAFE or response.status_code >= 400:
            return response
        user = getattr(request, "user", None)
        match = getattr(request, "resolver_match", None)
        if user is not None and user.is_authenticated and not getattr(match and match.func, "leaves_work_alone",
                                                                       False):
            # The app of the view (its URL namespace is its label), when it gives work itself: the person's work
            # in that app. A view of another app (the portal, the foundation) or outside the apps renews all of
            # theirs: what such a view writes without an audit entry may be any app's.
            namespaces = getattr(match, "namespaces", None)
            app = namespaces[0] if namespaces else None
            versions.work_changed([app if app in registry.workbench_app_labels() else None], users=[user.pk])
        return response


HTMX_MESSAGES_EVENT = "cx-messages"


class HtmxMessagesMiddleware:
    """An htmx answer swaps in part of a page, where no message list is shown: the messages a view added go with it
    in the HX-Trigger header (event "cx-messages"), and chuxin.js shows them above the content and reads them out
    in the page's live region. A redirect keeps its messages for the page it leads to."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not getattr(request, "htmx", False) or 300 <= response.status_code < 400:
            return response
        storage = get_messages(request)
        if not getattr(storage, "_queued_messages", None):
            return response
        found = [{"level": m.level_tag or "info", "text": str(m)} for m in storage]  # iterating marks them shown
        response["HX-Trigger"] = merge_hx_trigger(response.get("HX-Trigger"), {HTMX_MESSAGES_EVENT: found})
        return response


def merge_hx_trigger(existing: str | None, events: dict) -> str:
    """One HX-Trigger header from the one a view set (an event name, names separated by commas, or JSON) and more
    events; ASCII only (json escapes Chinese), as a header must be."""
    merged: dict = {}
    if existing:
        try:
            loaded = json.loads(existing)
        except ValueError:
            loaded = {name.strip(): None for name in existing.split(",") if name.strip()}
        merged.update(loaded if isinstance(loaded, dict) else {})
    merged.update(events)
    return json.dumps(merged, ensure_ascii=True)
