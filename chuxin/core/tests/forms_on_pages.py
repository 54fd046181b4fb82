"""Every form the site renders, found the way a visitor finds them: by opening each page of the URL conf and
reading its HTML. The hostile-input and the double-submit tests drive what this module finds, so a new form is
covered the moment a page shows it.

Pages come from the role matrix's table (chuxin/core/tests/test_role_matrix.py), which already knows how to
build the object behind every URL; each GET route is opened once at the fixture's branch B1.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlencode, urlsplit

from django.test import Client
from django.urls import Resolver404, resolve, reverse


@dataclass
class Field:
    name: str
    kind: str  # "text", "textarea", "select", "checkbox", "radio", "hidden", "date", "number", "file", "button", ...
    value: str = ""
    checked: bool = False
    options: list[str] = field(default_factory=list)  # a select's option values
    selected: list[str] = field(default_factory=list)
    multiple: bool = False
    required: bool = False


@dataclass
class Form:
    page: str  # the URL name of the page that showed it
    page_url: str
    method: str
    action: str  # a path
    fields: list[Field] = field(default_factory=list)

    @property
    def action_name(self) -> str:
        try:
            return resolve(urlsplit(self.action).path).view_name
        except Resolver404:
            return self.action

    @property
    def names(self) -> list[str]:
        """The form's own parameters: what a person fills in (the CSRF token and buttons left out)."""
        seen: list[str] = []
        for f in self.fields:
            if f.name != "csrfmiddlewaretoken" and f.kind not in ("button", "submit") and f.name not in seen:
                seen.append(f.name)
        return seen

    @property
    def key(self) -> tuple:
        return self.method, self.action_name, tuple(self.names)

    def baseline(self) -> dict[str, list[str]]:
        """Plausible values for every field, as a person would send the form after filling in what it requires:
        what the page shows; in a select without a choice, an option (a different one for each select offering
        the same options, so a task gets three different people); today in an empty required date; a word in
        empty required text. Optional empty inputs stay empty."""
        data: dict[str, list[str]] = {}
        groups: dict[str, list[Field]] = {}
        for f in self.fields:
            groups.setdefault(f.name, []).append(f)
        today = datetime.date.today().isoformat()
        used: dict[tuple, int] = {}  # options offered -> how many selects have taken one of them
        for name, members in groups.items():
            first = members[0]
            if name == "csrfmiddlewaretoken" or first.kind in ("file",):
                continue
            if first.kind in ("button", "submit"):
                if first.value:
                    data[name] = [first.value]
                continue
            if first.kind in ("checkbox", "radio"):
                chosen = [m.value or "on" for m in members if m.checked]
                if not chosen and len(members) > 1:  # a choice group: one choice
                    chosen = [members[0].value or "on"]
                if chosen:
                    data[name] = chosen if first.kind == "checkbox" else chosen[:1]
                continue
            if first.kind == "select":
                options = [v for v in first.options if v]
                chosen = [v for v in first.selected if v or not first.required]  # a required select needs a value
                if chosen or not options:
                    data[name] = chosen or [""]
                    continue
                n = used.get(tuple(options), 0)
                used[tuple(options)] = n + 1
                data[name] = [options[n % len(options)]]
                continue
            value = first.value
            if not value and not first.required:
                data[name] = [""]
                continue
            if not value:
                value = {"date": today, "number": "1", "hidden": "", "tel": "13800000000",
                         "email": "a@example.com"}.get(first.kind, "测试")
            data[name] = [value]
        return data


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._select: Field | None = None
        self._option: str | None = None
        self._textarea: Field | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self._form = {"method": (a.get("method") or "get").lower(), "action": a.get("action") or "",
                          "fields": []}
            self.forms.append(self._form)
            return
        if self._form is None:
            return
        fields = self._form["fields"]
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            fields.append(Field(name, kind, a.get("value", ""), checked="checked" in a, required="required" in a))
        elif tag == "select" and name:
            self._select = Field(name, "select", multiple="multiple" in a, required="required" in a)
            fields.append(self._select)
        elif tag == "option" and self._select is not None:
            value = a.get("value")
            self._select.options.append(value if value is not None else "")
            if "selected" in a:
                self._select.selected.append(value or "")
        elif tag == "textarea" and name:
            self._textarea = Field(name, "textarea", required="required" in a)
            fields.append(self._textarea)
        elif tag == "button" and name:
            fields.append(Field(name, "button", a.get("value", "")))

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.value += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def forms_in(html: str, *, page: str, page_url: str) -> list[Form]:
    parser = _FormParser()
    parser.feed(html)
    found = []
    for raw in parser.forms:
        action = raw["action"] or page_url
        if action.startswith(("http://", "https://", "//")):
            continue  # never leaves the site; nothing to drive
        found.append(Form(page=page, page_url=page_url, method=raw["method"], action=action, fields=raw["fields"]))
    return found


# Forms that end the visit rather than do anything to drive.
NOT_DRIVEN = {"accounts:logout"}


def pages(env) -> list[tuple[str, str, dict]]:
    """(url name, path, query) of every GET route of the role matrix, built at B1. All objects are made before
    any page is opened: some pages make defaults of their own on first sight."""
    from chuxin.portal.tests.test_role_matrix import EXPECT

    built = []
    for name, routes in sorted(EXPECT.items()):
        for route in routes:
            if route.method == "get":
                kwargs, params = route.build(env, "B1")
                built.append((name, reverse(name, kwargs=kwargs), params))
    return built


def discover(client: Client, visits: list[tuple[str, str, dict]]) -> list[Form]:
    """The distinct forms (by action and fields) that `client` is shown on the pages visited."""
    found: dict[tuple, Form] = {}
    for name, path, params in visits:
        response = client.get(path, params)
        if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
            continue
        page_url = f"{path}?{urlencode(params)}" if params else path  # a form without action posts here
        for form in forms_in(response.content.decode(), page=name, page_url=page_url):
            if form.action_name in NOT_DRIVEN:
                continue
            found.setdefault(form.key, form)
    return list(found.values())
