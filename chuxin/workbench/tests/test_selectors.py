"""Gathering, ordering and grouping of my work."""

from __future__ import annotations

import dataclasses
import datetime
import sys
import time
import types
from types import SimpleNamespace

import pytest
from django.apps import apps as django_apps
from django.urls import reverse

from chuxin.core import registry
from chuxin.core.protocols import WorkItem
from chuxin.core.registry import Hooks
from chuxin.workbench import selectors
from chuxin.workbench.selectors import Group, group_of, grouped, my_items, open_count

D = datetime.date


def item(due, title="x", **extra) -> WorkItem:
    return WorkItem(kind=extra.pop("kind", "task"), title=title, url="/x/", due=due, state="open", **extra)


def test_items_come_soonest_first_with_undated_last(world, fake_work):
    user = world.secretary
    for due in (D(2026, 3, 1), None, D(2026, 1, 5), D(2026, 2, 1), None):
        fake_work.give(user, due)
    assert [i.due for i in my_items(user)] == [D(2026, 1, 5), D(2026, 2, 1), D(2026, 3, 1), None, None]


def test_items_on_the_same_day_are_ordered_by_title(world, fake_work):
    for title in ("乙", "甲", "丙"):
        fake_work.give(world.secretary, D(2026, 1, 5), title=title)
    assert [i.title for i in my_items(world.secretary)] == sorted(["乙", "甲", "丙"])


def test_it_gathers_every_provider_and_only_the_users_own(world, monkeypatch):
    tasks = lambda user: [item(D(2026, 1, 2), "task", kind="task")] if user == world.secretary else []  # noqa: E731
    reports = lambda user: [item(D(2026, 1, 1), "report", kind="report")]  # noqa: E731
    monkeypatch.setattr(selectors, "providers", lambda: [tasks, reports])
    assert [i.title for i in my_items(world.secretary)] == ["report", "task"]
    assert [i.title for i in my_items(world.committee)] == ["report"]


def test_the_gathering_is_done_once_per_request(world, fake_work):
    fake_work.give(world.secretary, D(2026, 1, 1))
    my_items(world.secretary)
    assert open_count(world.secretary) == 1
    my_items(world.secretary)
    assert fake_work.calls == 1


def test_a_gathering_is_kept_until_something_is_written_or_a_minute_passes(world, fake_work, monkeypatch):
    """The next request (forget: a new user object) reads the kept list; a write anywhere, a write of the person's
    own work, another language or COUNT_SECONDS gather afresh."""
    from django.utils import translation

    from chuxin.core import versions

    def titles():
        selectors.forget(world.secretary)
        return [i.title for i in my_items(world.secretary)]

    first = fake_work.give(world.secretary, D(2026, 1, 1))
    assert titles() == [first.title] and fake_work.calls == 1
    assert titles() == [first.title] and fake_work.calls == 1
    second = fake_work.give(world.secretary, D(2026, 1, 2))  # bumps the house's version, as an audit entry does
    assert titles() == [first.title, second.title] and fake_work.calls == 2
    versions.bump(versions.of_user(world.secretary.pk))  # the person's own work (a practice finished)
    assert len(titles()) == 2 and fake_work.calls == 3
    with translation.override("zh-hans"):
        assert len(titles()) == 2 and fake_work.calls == 4  # titles and states are translated when gathered
    assert len(titles()) == 2 and fake_work.calls == 4
    fake_work.items[world.secretary.pk].pop()  # a change no service saw (a period opened by the daily run)
    later = time.time() + selectors.COUNT_SECONDS + 1
    monkeypatch.setattr(selectors.time, "time", lambda: later)
    assert titles() == [first.title] and fake_work.calls == 5


def test_anonymous_and_inactive_users_have_no_work(world, fake_work):
    from django.contrib.auth.models import AnonymousUser

    world.stranger.is_active = False
    fake_work.give(world.stranger, D(2026, 1, 1))
    assert my_items(world.stranger) == []
    assert my_items(AnonymousUser()) == []
    assert fake_work.calls == 0


# ---------------------------------------------------------------------------------------------------------------
# Discovery: an app gives work because its AppConfig declares a `workbench` hook (chuxin.core.registry), not
# because some module of it happens to define `workbench_items`.


def fake_module(monkeypatch, name: str, **attrs) -> None:
    module = types.ModuleType(name)
    module.__path__ = []  # a package, so importing a missing submodule fails with that submodule's name
    for key, value in attrs.items():
        setattr(module, key, value)
    monkeypatch.setitem(sys.modules, name, module)


@pytest.fixture
def installed(monkeypatch):
    """installed(config, ...): these app configs stand for INSTALLED_APPS in the registry."""

    def install(*configs) -> None:
        monkeypatch.setattr(registry, "apps", SimpleNamespace(get_app_configs=lambda: list(configs)))

    yield install
    registry._load.cache_clear()  # forget the fake apps' hooks it imported


def app(label: str, hooks=None) -> SimpleNamespace:
    """An app config; without hooks, like django.contrib's apps."""
    config = SimpleNamespace(label=label, name=f"chuxin.{label}")
    if hooks is not None:
        config.hooks = hooks
    return config


def test_it_finds_the_apps_that_declare_a_workbench_hook_and_skips_the_others(monkeypatch, installed):
    def work(user):
        return []

    def other_work(user):
        return []

    fake_module(monkeypatch, "chuxin.fakework")
    fake_module(monkeypatch, "chuxin.fakework.providers", work=work)  # any module, any name: the hook says which
    fake_module(monkeypatch, "chuxin.morework")
    fake_module(monkeypatch, "chuxin.morework.selectors", workbench_items=other_work)
    fake_module(monkeypatch, "chuxin.undeclared")
    fake_module(monkeypatch, "chuxin.undeclared.selectors", workbench_items=work)  # defines it, declares nothing
    installed(
        app("fakework", Hooks(workbench="chuxin.fakework.providers.work")),
        app("nohooks"),  # an app without hooks at all
        app("undeclared", Hooks(reminders="chuxin.undeclared.selectors.workbench_items")),  # other hooks only
        app("notours", {"workbench": "chuxin.undeclared.selectors.workbench_items"}),  # not a Hooks: ignored
        app("morework", Hooks(workbench="chuxin.morework.selectors.workbench_items")),
    )
    assert selectors.providers() == [work, other_work]  # in INSTALLED_APPS order


def test_an_app_without_the_hook_gives_nothing(installed):
    installed(app("nohooks"), app("reminding", Hooks(housekeeping=("chuxin.nowhere.upkeep",))))
    assert selectors.providers() == []


def test_a_real_app_gives_work_because_its_appconfig_declares_it(monkeypatch):
    """The plans app's selectors define workbench_items; it is a provider only while PlansConfig says so."""
    from chuxin.plans.selectors import workbench_items as plans_work

    config = django_apps.get_app_config("plans")
    assert config.hooks.workbench == "chuxin.plans.selectors.workbench_items"
    assert plans_work in selectors.providers()
    monkeypatch.setattr(type(config), "hooks", dataclasses.replace(config.hooks, workbench=None))
    assert plans_work not in selectors.providers()


def test_a_provider_that_fails_to_import_is_not_silently_skipped(monkeypatch, installed):
    fake_module(monkeypatch, "chuxin.broken")

    class Finder:
        @staticmethod
        def find_spec(name, path=None, target=None):
            if name == "chuxin.broken.selectors":
                raise ModuleNotFoundError("No module named 'missing_dependency'", name="missing_dependency")
            return None

    monkeypatch.setattr(sys, "meta_path", [Finder(), *sys.meta_path])
    installed(app("broken", Hooks(workbench="chuxin.broken.selectors.workbench_items")))
    with pytest.raises(ModuleNotFoundError, match="missing_dependency"):
        selectors.providers()


@pytest.mark.parametrize(
    "dotted",
    [
        "chuxin.fakework.selectors.workbench_items",  # no such module: a typo in the hook
        "chuxin.fakework.workbench_itemz",  # the module is there, the name is not
        "workbench_items",  # not a dotted path at all
    ],
)
def test_a_hook_whose_dotted_path_cannot_be_imported_raises(monkeypatch, installed, dotted):
    fake_module(monkeypatch, "chuxin.fakework", workbench_items=lambda user: [])
    installed(app("fakework", Hooks(workbench=dotted)))
    with pytest.raises(ImportError):  # ModuleNotFoundError is one
        selectors.providers()


def test_the_installed_apps_providers_are_found():
    """Whatever providers exist now are found in the project's own apps (none is required to exist)."""
    found = selectors.providers()
    assert all(p.__name__ == "workbench_items" and p.__module__.startswith("chuxin.") for p in found)


# ---------------------------------------------------------------------------------------------------------------
# Groups: Overdue / This week (today to Sunday) / Later / No date

WEDNESDAY = D(2026, 11, 25)


@pytest.mark.parametrize(
    ("due", "group"),
    [
        (D(2026, 11, 24), Group.OVERDUE),  # yesterday
        (D(2025, 1, 1), Group.OVERDUE),
        (WEDNESDAY, Group.THIS_WEEK),  # today is not overdue yet
        (D(2026, 11, 29), Group.THIS_WEEK),  # Sunday closes the week
        (D(2026, 11, 30), Group.LATER),  # next Monday
        (D(2027, 6, 1), Group.LATER),
        (None, Group.NO_DATE),
    ],
)
def test_group_boundaries(due, group):
    assert group_of(item(due), WEDNESDAY) == group


def test_on_sunday_this_week_is_today_only():
    sunday = D(2026, 11, 29)
    assert group_of(item(sunday), sunday) == Group.THIS_WEEK
    assert group_of(item(D(2026, 11, 30)), sunday) == Group.LATER


def test_an_item_its_app_calls_overdue_is_overdue_whatever_its_date():
    # e.g. a report whose grace period the reports app decides on, or an undated duty behind its deadline
    assert group_of(item(WEDNESDAY, overdue=True), WEDNESDAY) == Group.OVERDUE
    assert group_of(item(None, overdue=True), WEDNESDAY) == Group.OVERDUE


def test_grouped_keeps_every_group_in_order_and_soonest_first():
    items = sorted([item(D(2026, 12, 9)), item(None), item(D(2026, 11, 1)), item(D(2026, 11, 26)),
                    item(D(2026, 11, 20))], key=lambda i: i.sort_key)
    groups = grouped(items, WEDNESDAY)
    assert list(groups) == list(Group.ORDER)
    assert [i.due for i in groups[Group.OVERDUE]] == [D(2026, 11, 1), D(2026, 11, 20)]
    assert [i.due for i in groups[Group.THIS_WEEK]] == [D(2026, 11, 26)]
    assert [i.due for i in groups[Group.LATER]] == [D(2026, 12, 9)]
    assert [i.due for i in groups[Group.NO_DATE]] == [None]


# ---------------------------------------------------------------------------------------------------------------
# Probes: for a plain member, the apps say in one query whether they have any rows for them


def _gather_afresh(user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from chuxin.accounts.models import User

    fresh = User.objects.get(pk=user.pk)  # a new request: no standings or items kept on the object
    with CaptureQueriesContext(connection) as queries:
        items = my_items(fresh)
    return items, len(queries)


def test_a_plain_members_gathering_asks_every_app_in_one_query_and_reads_only_those_with_rows(world, settings):
    """Nothing open: who they are (standings, 2; their member file, 1) and one probe for every app, instead of
    some twenty queries. A notice asking them to confirm: the probe finds its row and the notices app is asked,
    and its item is there. (Counted as in production: the test settings' check of the probes asks the apps.)"""
    from chuxin.notices.services import notice_send

    settings.CHUXIN_CHECK_WORKBENCH_PROBES = False

    items, queries = _gather_afresh(world.member_user)
    assert items == []
    assert queries <= 4
    notice_send(actor=world.secretary, organization=world.b1, title="学习通知", body="<p>请确认</p>",
                needs_confirmation=True, to_organizations=[world.b1])
    items, queries = _gather_afresh(world.member_user)
    assert [(i.kind, i.title) for i in items] == [("notice", "学习通知")]
    assert queries <= 5


def _asked(user) -> set[str]:
    """The apps a new request of `user` would ask for their work (their probes found a row, or cannot tell)."""
    from chuxin.accounts.models import User
    from chuxin.core import access

    fresh = User.objects.get(pk=user.pk)
    with access.kept(fresh):
        return {provider.__module__.split(".")[1] for provider in selectors._to_ask(fresh)[0]}


def test_a_secretarys_probes_cover_their_scope_and_leave_out_the_apps_with_nothing_there(world):
    """A secretary's work comes from their scope too: the probes ask it, and only the apps with a row there (or
    of the secretary's own) are asked. A meeting planned in their branch brings the meetings app in; one planned
    in another branch, outside their scope, does not."""
    from django.utils import timezone

    from chuxin.meetings import services as meetings

    every = {provider.__module__.split(".")[1] for provider in selectors.providers()}
    before = _asked(world.secretary)
    assert "meetings" not in before and "transfers" not in before and "directives" not in before
    assert len(before) < len(every) // 2
    soon = timezone.now() + datetime.timedelta(days=3)
    meetings.meeting_plan(actor=world.outsider, organization=world.b2, kind="general", title="第二支部党员大会",
                          planned_at=soon)
    assert "meetings" not in _asked(world.secretary)
    meetings.meeting_plan(actor=world.secretary, organization=world.b1, kind="general", title="第一支部党员大会",
                          planned_at=soon)
    assert "meetings" in _asked(world.secretary)
    items, _queries = _gather_afresh(world.secretary)
    assert [i.title for i in items if i.kind == "meeting"] == ["第一支部党员大会"]


def _probed_app(monkeypatch, installed, probe, work):
    fake_module(monkeypatch, "chuxin.probed")
    fake_module(monkeypatch, "chuxin.probed.selectors", workbench_items=work, workbench_probe=probe)
    installed(app("probed", Hooks(workbench="chuxin.probed.selectors.workbench_items",
                                  workbench_probe="chuxin.probed.selectors.workbench_probe")))


def test_an_app_whose_probe_finds_no_row_is_not_asked(world, monkeypatch, installed, settings):
    from chuxin.notices.models import NoticeRecipient

    calls = []
    _probed_app(monkeypatch, installed, lambda user: [NoticeRecipient.objects.filter(user=user)],
                lambda user: calls.append(user) or [])
    settings.CHUXIN_CHECK_WORKBENCH_PROBES = False
    assert my_items(world.member_user) == [] and calls == []


def test_a_probe_that_misses_work_fails_every_test_that_gathers(world, monkeypatch, installed):
    """The test settings ask an app all the same when its probe finds nothing: giving work then is an error."""
    _probed_app(monkeypatch, installed, lambda user: [], lambda user: [item(D(2026, 1, 1), "missed")])
    with pytest.raises(AssertionError, match="its workbench probe found no row, but it gives work"):
        my_items(world.member_user)


def test_a_probe_that_cannot_tell_leaves_the_app_asked(world, monkeypatch, installed):
    _probed_app(monkeypatch, installed, lambda user: None, lambda user: [item(D(2026, 1, 1), "asked")])
    assert [i.title for i in my_items(world.member_user)] == ["asked"]


# ---------------------------------------------------------------------------------------------------------------
# The probe's answers, for the apps to skip what it just found empty (registry.probe_found)


def _two_questions():
    """Two prepared questions of a person: their role grants (the world's workers and secretaries have some) and
    their notices to confirm (nobody has any here)."""
    from chuxin.accounts.models import RoleGrant
    from chuxin.core.db import PreparedExists
    from chuxin.notices.models import NoticeRecipient

    return (PreparedExists(lambda user_id: RoleGrant.objects.filter(user=user_id)),
            PreparedExists(lambda user_id: NoticeRecipient.objects.filter(user=user_id)))


def test_an_app_learns_what_its_probe_found_while_its_work_is_gathered_and_only_then(world, monkeypatch, installed):
    grants, notices = _two_questions()
    seen = []

    def work(user):
        seen.append((registry.probe_found(user, grants), registry.probe_found(user, notices)))
        return [item(D(2026, 1, 1), "granted")]

    _probed_app(monkeypatch, installed, lambda user: [grants.bind(user.pk), notices.bind(user.pk)], work)
    assert [i.title for i in my_items(world.worker)] == ["granted"]
    assert seen[0] == (True, False)  # then the suite's check asks again, without the answers
    assert registry.probe_found(world.worker, grants) is None  # the gathering is over


def test_an_app_that_skips_work_its_probe_did_not_rule_out_fails_every_test_that_gathers(world, monkeypatch,
                                                                                        installed):
    """The test settings ask every app again without the probe's answers when one was False: an app that lost an
    item by skipping (its skip does not stand for the question the probe asked) is an error."""
    grants, notices = _two_questions()

    def work(user):  # wrong on purpose: skips its grants' item when the *notices* question found nothing
        return [] if registry.probe_found(user, notices) is False else [item(D(2026, 1, 1), "granted")]

    _probed_app(monkeypatch, installed, lambda user: [grants.bind(user.pk), notices.bind(user.pk)], work)
    with pytest.raises(AssertionError, match="differ when the apps do not skip"):
        my_items(world.worker)


def _review_queries(user) -> list[str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from chuxin.accounts.models import User

    with CaptureQueriesContext(connection) as queries:
        items = my_items(User.objects.get(pk=user.pk))
    reads = [q["sql"] for q in queries.captured_queries
             if 'FROM "reports_report"' in q["sql"] and not q["sql"].startswith("SELECT EXISTS")]
    return [i for i in items if i.kind == "report"], reads


def test_the_reports_to_review_are_read_only_when_the_probe_found_some(world, settings):
    """A committee's worker with nothing to review: the reports app does not read the reports again after the
    probe found none. Once a branch submits one, the probe finds it and the item is there."""
    from chuxin.reports.periods import periods_open
    from chuxin.reports.services import report_start, report_submit
    from chuxin.reports.tests.conftest import make_requirement

    settings.CHUXIN_CHECK_WORKBENCH_PROBES = False  # as in production: no second asking
    requirement = make_requirement(world.pc, title="季度报告", starts_on=D(2026, 1, 1))
    periods_open(D(2026, 6, 5), [requirement])
    items, reads = _review_queries(world.worker)
    assert items == [] and reads == []
    period = requirement.periods.get(start=D(2026, 4, 1))
    report = report_start(actor=world.outsider, period=period, organization=world.b2)
    report_submit(actor=world.outsider, report=report, sections=["完成"], version=report.version)
    items, reads = _review_queries(world.worker)
    assert [i.state for i in items] == [str(_to_review())] and len(reads) == 1


def _to_review():
    from django.utils.translation import gettext

    return gettext("to review")


# ---------------------------------------------------------------------------------------------------------------
# Kept per app: after a write, only the apps it reached are asked again (chuxin.core.versions.work_changed)


def _regathered(user) -> tuple[list[WorkItem], set[str]]:
    """A new request's items for `user`, and the apps it asked (the others' items read from what was kept)."""
    from chuxin.accounts.models import User

    asked: set[str] = set()
    calls = []
    gather = selectors._gather_apps

    def spy(who, apps):
        if not calls:  # the first call: the suite's check of kept items asks the kept apps after it
            asked.update(label for label, _provider in apps)
        calls.append(who)
        return gather(who, apps)

    selectors._gather_apps = spy
    try:
        return my_items(User.objects.get(pk=user.pk)), asked
    finally:
        selectors._gather_apps = gather


def test_after_a_write_only_the_apps_it_reached_are_asked_again(world):
    """A directive sent: the directives app (its service's audit entry) and the notices app (which pushes a
    directive issued to the groups' robots: a consumer of its record) are asked again; plans, reports and the rest
    are read from what was kept, and the secretary's new directive is there. A change of an organization (the
    foundation: everyone's work reads it) asks every app again."""
    from chuxin.directives.services import directive_send
    from chuxin.orgs.services import organization_update

    items, asked = _regathered(world.secretary)
    every = {label for label, _provider, _reads in selectors.provider_apps()}
    assert asked == every
    assert _regathered(world.secretary)[1] == set()  # nothing written: all kept
    directive_send(actor=world.worker, sender=world.pc, title="关于开展自查的通知", body="请按期报送。",
                   due_on=D(2030, 1, 1), recipients=[world.b1], subtree=False)
    items, asked = _regathered(world.secretary)
    assert asked == {"directives", "notices"}
    assert [i.title for i in items if i.kind == "directive"] == ["关于开展自查的通知"]
    organization_update(actor=world.worker, organization=world.b2, name="第二党支部（新）")
    assert _regathered(world.secretary)[1] == every


def test_logins_and_exports_renew_no_ones_work(world):
    """An audit entry of an access or a login changes no one's open work: every workbench stays kept."""
    from chuxin.audit.models import AuditEntry
    from chuxin.audit.services import audit_record

    _regathered(world.secretary)
    audit_record(actor=world.worker, action=AuditEntry.Action.LOGIN, target=world.worker)  # as the login view does
    audit_record(actor=world.worker, action=AuditEntry.Action.EXPORT, target=world.b1, organization=world.b1)
    assert _regathered(world.secretary)[1] == set()
    audit_record(actor=world.worker, action=AuditEntry.Action.UPDATE, target=world.b1, organization=world.b1)
    assert _regathered(world.secretary)[1] == {label for label, _p, _r in selectors.provider_apps()}


def test_a_persons_own_write_asks_again_the_app_of_the_view_only(world, client_for):
    """A POST answered without an error renews the person's own work in the view's app, when that app gives work
    (OwnWorkMiddleware: the URL namespace is the app's label); a POST to another app's view (the workbench's own
    settings) or outside the apps renews all of theirs."""
    from chuxin.notices.services import notice_send

    every = {label for label, _p, _r in selectors.provider_apps()}
    notice = notice_send(actor=world.secretary, organization=world.b1, title="学习通知", body="<p>请确认</p>",
                         needs_confirmation=True, to_organizations=[world.b1])
    me = world.member_user
    items, _asked = _regathered(me)
    assert [i.title for i in items] == ["学习通知"]
    _regathered(world.secretary)
    client = client_for(me)
    assert client.post(reverse("notices:confirm", args=[notice.pk])).status_code in (200, 302)  # no audit entry
    items, asked = _regathered(me)
    assert asked == {"notices"} and items == []
    assert _regathered(world.secretary)[1] == set()  # another person's work is kept
    assert client.post(reverse("workbench:feed-settings")).status_code == 200
    assert _regathered(me)[1] == every
    assert client.post(reverse("set_language"), {"language": "zh-hans"}).status_code == 302  # no app
    assert _regathered(me)[1] == every


def test_an_app_reading_another_apps_rows_says_so_or_the_suite_fails(world, monkeypatch, installed, settings):
    """An app whose items change with a write of another app must name it in `workbench_reads`: then that app's
    writes ask it again. Without it, the suite's check of kept items (CHUXIN_CHECK_WORKBENCH_KEPT) finds the
    kept items stale and fails the test that shows it."""
    from chuxin.core import versions
    from chuxin.notices.models import NoticeRecipient
    from chuxin.notices.services import notice_send

    def work(user):  # the notices this person has, read by an app that is not the notices app
        return [item(D(2026, 1, 1), f"notice {pk}", uid=f"n-{pk}")
                for pk in NoticeRecipient.objects.filter(user=user).values_list("pk", flat=True)]

    def install(reads):  # the reader, and the notices app (its own items: none here)
        fake_module(monkeypatch, "chuxin.reader")
        fake_module(monkeypatch, "chuxin.reader.selectors", workbench_items=work, nothing=lambda user: [])
        installed(app("notices", Hooks(workbench="chuxin.reader.selectors.nothing")),
                  app("reader", Hooks(workbench="chuxin.reader.selectors.workbench_items", workbench_reads=reads)))

    notice_send(actor=world.secretary, organization=world.b1, title="学习通知", body="<p>请阅</p>",
                to_organizations=[world.b1])
    rows = list(NoticeRecipient.objects.filter(user=world.member_user))
    NoticeRecipient.objects.filter(pk__in=[r.pk for r in rows]).delete()
    install(())
    assert my_items(world.member_user) == []
    NoticeRecipient.objects.bulk_create(rows)  # the notice reaches them: a write of the notices app
    versions.work_changed(["notices"])
    with pytest.raises(AssertionError, match="the workbench kept reader's items, but asked afresh it gives others"):
        my_items(_fresh_user(world.member_user))
    install(("notices",))
    versions.work_changed(["notices"])
    assert len(my_items(_fresh_user(world.member_user))) == 1


def _fresh_user(user):
    from chuxin.accounts.models import User

    return User.objects.get(pk=user.pk)
