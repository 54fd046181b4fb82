"""Rules as data: the declared rules, an organization's own values for its subtree (the nearest one wins), the
refusals, and the Rules page as each role sees it."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from chuxin.accounts.models import Role
from chuxin.audit.models import AuditEntry
from chuxin.core import registry
from chuxin.core import rules as core_rules
from chuxin.core.rules import Resolver, Rule, Type
from chuxin.orgs import rules, selectors
from chuxin.orgs.models import Organization, RuleSetting
from chuxin.orgs.services import organization_create, organization_move, rule_clear, rule_set
from chuxin.testing import make_member, make_user

K = Organization.Kind
TODAY = datetime.date(2026, 3, 15)
WARN = rules.TERM_WARNING_DAYS
_born = iter(datetime.date(1960, 1, 1) + datetime.timedelta(days=i) for i in range(100_000))


def full_members(org: Organization, count: int) -> None:
    for _ in range(count):
        make_member(org, "郑华", born=next(_born))


def term_ends_in(org: Organization, days: int, today: datetime.date = TODAY) -> Organization:
    Organization.objects.filter(pk=org.pk).update(
        term_start=today - datetime.timedelta(days=1000), term_end=today + datetime.timedelta(days=days)
    )
    org.refresh_from_db()
    return org


def codes(org: Organization, today: datetime.date = TODAY) -> set[str]:
    return {w.code for w in selectors.organization_warnings(org, today)}


def zh(text) -> str:
    with translation.override("zh-hans"):
        return str(text)


# The declared rules


def test_the_statutory_thresholds_are_declared_with_their_defaults_and_are_not_configurable(db):
    declared = core_rules.declared()
    statutory = {code: declared[code] for code in (
        rules.BRANCH_MIN_FULL_MEMBERS, rules.BRANCH_COMMITTEE_FROM_FULL_MEMBERS, rules.COMMITTEE_MIN_SEATS,
        rules.COMMITTEE_MAX_SEATS, *set(rules.TERM_YEARS.values()))}
    assert {code: r.default for code, r in statutory.items()} == {
        "branch_min_full_members": 3, "branch_committee_from_full_members": 7, "committee_min_seats": 3,
        "committee_max_seats": 7, "term_years_committee": 5, "term_years_general_branch": 3,
        "term_years_branch": 3,
    }
    assert not any(r.configurable for r in statutory.values())
    warning = declared[WARN]
    assert (warning.default, warning.configurable, warning.minimum, warning.maximum) == (90, True, 7, 365)


def test_points_and_rankings_are_switches_that_start_off_and_cite_the_2024_guidance(db):
    declared = core_rules.declared()
    for code in ("points_enabled", "rankings_enabled"):
        switch = declared[code]
        assert (switch.type, switch.default, switch.configurable) == (Type.BOOL, False, True)
        assert "2024" in str(switch.article) and "2024" in zh(switch.article)
        assert "积分排名" in zh(switch.article)


@pytest.mark.parametrize(("code", "english", "chinese"), [
    ("branch_min_full_members", "art. 4)", "第四条"),
    ("branch_committee_from_full_members", "art. 20)", "第二十条"),
    ("committee_min_seats", "art. 20)", "第二十条"),
    ("committee_max_seats", "art. 20)", "第二十条"),
])
def test_the_branch_regulations_are_cited_by_the_same_article_in_both_languages(db, code, english, chinese):
    article = core_rules.get(code).article
    with translation.override("en"):
        assert str(article).endswith(english)
    assert zh(article).endswith(f"《中国共产党支部工作条例（试行）》{chinese}）")


def test_a_rule_declared_twice_is_an_error(db, monkeypatch):
    twin = Rule(WARN, "twin", 1)
    real = registry.rules

    monkeypatch.setattr(registry, "rules", lambda: [*real(), twin])
    with pytest.raises(ValueError, match="declared twice"):
        core_rules.declared()


def test_a_code_nobody_declared_is_a_lookup_error(db):
    with pytest.raises(LookupError):
        core_rules.get("branch_min_full_members_x")
    with pytest.raises(LookupError):
        Resolver().value("no_such_rule", Organization(path="0001"))


@pytest.mark.parametrize(("raw", "parsed"), [(7, 7), ("7", 7), (" 365 ", 365), ("+30", 30)])
def test_a_number_within_the_bounds_is_taken(db, raw, parsed):
    assert core_rules.get(WARN).parse(raw) == parsed


@pytest.mark.parametrize("raw", [6, "6", 366, "0", "-1", "abc", "1.5", "", True, None, "9" * 30, "7e1"])
def test_a_number_outside_the_bounds_or_not_a_whole_number_is_refused(db, raw):
    with pytest.raises(ValidationError):
        core_rules.get(WARN).parse(raw)


def test_switches_decimals_and_choices_parse_as_their_type():
    switch = Rule("s", "s", False, Type.BOOL, configurable=True)
    assert [switch.parse(v) for v in (True, "true", "1", "on", False, "false", "0", "off")] == [True] * 4 + [False] * 4
    with pytest.raises(ValidationError):
        switch.parse("maybe")
    rate = Rule("r", "r", Decimal("0.5"), Type.DECIMAL, configurable=True, minimum=Decimal("0"),
                maximum=Decimal("2"))
    assert rate.parse("1.5") == Decimal("1.5") and rate.to_json(Decimal("1.5")) == "1.5"
    for bad in ("2.01", "-0.1", "NaN", "Infinity", "x", True):
        with pytest.raises(ValidationError):
            rate.parse(bad)
    kind = Rule("c", "c", "quarter", Type.CHOICE, choices=(("month", "month"), ("quarter", "quarter")))
    assert kind.parse("month") == "month"
    with pytest.raises(ValidationError):
        kind.parse("year")


# The rules applied at their boundaries, read through the resolver


@pytest.fixture
def branch(world) -> Organization:
    return organization_create(actor=None, parent=world.pc, name="规则支部", code="RB", kind=K.BRANCH)


@pytest.mark.parametrize(("members", "warned"), [(2, True), (3, False)])
def test_the_branch_minimum_at_two_and_three_full_members(branch, members, warned):
    full_members(branch, members)
    assert ("branch_too_small" in codes(branch)) is warned


@pytest.mark.parametrize(("members", "warned"), [(6, False), (7, True)])
def test_the_committee_threshold_at_six_and_seven_full_members(branch, members, warned):
    full_members(branch, members)
    assert ("committee_missing" in codes(branch)) is warned


@pytest.mark.parametrize(("days", "expected"), [(31, set()), (30, {"term_ending"}), (0, {"term_ending"})])
def test_a_branch_under_a_committee_that_warns_30_days_ahead_is_warned_at_30(world, branch, days, expected):
    full_members(branch, 3)
    rule_set(actor=world.worker, organization=world.pc, code=WARN, value=30, reason="本委规定")
    assert codes(term_ends_in(branch, days)) == expected


def test_the_nearest_setting_wins(world, branch):
    full_members(branch, 3)
    sup_worker = _admin_on(world.sup)  # the fixture's worker is ADMIN on PC, not above it
    rule_set(actor=sup_worker, organization=world.sup, code=WARN, value=200)
    rule_set(actor=world.worker, organization=world.pc, code=WARN, value=30)
    term_ends_in(branch, 100)
    assert codes(branch) == set()  # PC's 30 holds, not SUP's 200
    rule_set(actor=world.worker, organization=branch, code=WARN, value=120)
    assert codes(branch) == {"term_ending"}  # the branch's own 120
    sibling = term_ends_in(world.b2, 100)
    full_members(sibling, 3)
    assert "term_ending" not in codes(sibling)  # the branch's setting does not reach its sibling
    rule_clear(actor=world.worker, organization=world.pc, code=WARN)
    rule_clear(actor=world.worker, organization=branch, code=WARN)
    assert codes(branch) == {"term_ending"}  # SUP's 200 holds again
    rule_clear(actor=sup_worker, organization=world.sup, code=WARN)
    assert codes(term_ends_in(branch, 91)) == set() and codes(term_ends_in(branch, 90)) == {"term_ending"}


def _admin_on(org: Organization):
    return make_user(f"admin-{org.code}", role=Role.WORKER, org=org)


def test_a_stored_value_the_rule_no_longer_allows_gives_way_to_the_next_one_up(world, branch):
    rule_set(actor=world.worker, organization=world.pc, code=WARN, value=30)
    RuleSetting.objects.create(organization=branch, code=WARN, value=9999)  # e.g. the bounds were narrowed
    found = Resolver([branch.path]).lookup(WARN, branch)
    assert (found.value, found.source) == (30, world.pc.path)


def test_the_resolver_answers_for_an_organization_outside_its_prefixes(world):
    rule_set(actor=world.worker, organization=world.b2, code=WARN, value=45)
    book = Resolver([world.b1.path])
    assert book.value(WARN, world.b1) == 90
    assert book.value(WARN, world.b2) == 45


def test_statutory_rules_cost_no_query_and_many_organizations_one(world, django_assert_num_queries):
    rule_set(actor=world.worker, organization=world.pc, code=WARN, value=30)
    book = Resolver([world.pc.path])
    with django_assert_num_queries(0):
        assert [book.value(rules.BRANCH_MIN_FULL_MEMBERS, o) for o in (world.b1, world.b2)] == [3, 3]
    with django_assert_num_queries(1):
        assert [book.value(WARN, o) for o in (world.pc, world.b1, world.b2, world.g1)] == [30] * 4
        assert book.value("points_enabled", world.b1) is False


def test_switches_set_on_a_committee_reach_its_branches_only(world):
    rule_set(actor=world.worker, organization=world.pc, code="points_enabled", value="true")
    assert core_rules.value("points_enabled", world.b1) is True
    assert core_rules.value("points_enabled", world.sup) is False
    assert core_rules.value("rankings_enabled", world.b1) is False


# Refusals


@pytest.mark.parametrize("code", [rules.BRANCH_MIN_FULL_MEMBERS, rules.BRANCH_COMMITTEE_FROM_FULL_MEMBERS,
                                  rules.COMMITTEE_MIN_SEATS, rules.COMMITTEE_MAX_SEATS, "term_years_branch"])
def test_no_organization_can_change_a_statutory_rule(world, code):
    with pytest.raises(ValidationError, match="党内法规规定"):
        rule_set(actor=world.worker, organization=world.pc, code=code, value=2)
    assert not RuleSetting.objects.exists()


@pytest.mark.parametrize("value", [6, 366, "abc", "45.5"])
def test_an_out_of_bounds_or_malformed_value_is_refused(world, value):
    with pytest.raises(ValidationError):
        rule_set(actor=world.worker, organization=world.pc, code=WARN, value=value)
    assert not RuleSetting.objects.exists()


def test_a_forged_code_is_refused(world):
    with pytest.raises(ValidationError):
        rule_set(actor=world.worker, organization=world.pc, code="points_enabled'; --", value="true")
    assert not RuleSetting.objects.exists()


@pytest.mark.parametrize("who", ["secretary", "committee", "viewer", "outsider", "member_user", "stranger"])
def test_only_a_worker_on_the_organization_sets_or_clears_its_rules(world, who):
    with pytest.raises(PermissionDenied):
        rule_set(actor=getattr(world, who), organization=world.b1, code=WARN, value=60)
    rule_set(actor=world.worker, organization=world.b1, code=WARN, value=60)
    with pytest.raises(PermissionDenied):
        rule_clear(actor=getattr(world, who), organization=world.b1, code=WARN)
    assert RuleSetting.objects.get().value == 60


def test_setting_changing_and_clearing_are_audited_on_the_organization(world):
    with translation.override("zh-hans"):
        rule_set(actor=world.worker, organization=world.pc, code=WARN, value=60, reason="提前准备换届")
        rule_set(actor=world.worker, organization=world.pc, code=WARN, value="45", reason="提前准备换届")
        assert rule_clear(actor=world.worker, organization=world.pc, code=WARN) is True
        assert rule_clear(actor=world.worker, organization=world.pc, code=WARN) is False  # nothing left to clear
    entries = list(AuditEntry.objects.filter(target_type="orgs.rulesetting").order_by("id"))
    assert [(e.action, e.changes, e.organization_id) for e in entries] == [
        ("create", {"value": ["", "60天"], "reason": ["", "提前准备换届"]}, world.pc.pk),
        ("update", {"value": ["60天", "45天"]}, world.pc.pk),
        ("delete", {"value": ["45天", ""]}, world.pc.pk),
    ]
    assert entries[0].actor == world.worker
    assert entries[0].target_repr == "基层党委 · 任期届满提前提醒天数"


# The Rules page


def page(client, org: Organization):
    return client.get(reverse("orgs:rules", kwargs={"pk": org.pk}))


def test_the_page_lists_every_rule_with_its_value_source_and_article(world, client_for):
    rule_set(actor=world.worker, organization=world.pc, code=WARN, value=30, reason="本委规定")
    rule_set(actor=world.worker, organization=world.b1, code="points_enabled", value=True)
    response = page(client_for(world.worker), world.b1)
    rows = {row.rule.code: row for group in response.context["groups"] for row in (i["row"] for i in group["items"])}
    assert set(rows) == set(core_rules.declared())
    assert (rows[WARN].value, rows[WARN].source, rows[WARN].set_here) == (30, world.pc, False)
    assert (rows["points_enabled"].value, rows["points_enabled"].set_here) == (True, True)
    assert (rows["rankings_enabled"].value, rows["rankings_enabled"].source) == (False, None)
    html = response.content.decode()
    assert "由基层党委设定" in html  # the term warning comes from the committee above
    assert "本组织设定" in html and "法规规定" in html and "默认" in html
    assert zh(core_rules.get(rules.BRANCH_MIN_FULL_MEMBERS).article) in html.replace("&quot;", '"')
    assert "30天" in html and "3名正式党员" in html and "开启" in html


def test_a_worker_sees_a_form_for_each_configurable_rule_only(world, client_for):
    html = page(client_for(world.worker), world.b1).content.decode()
    configurable = [r.code for r in core_rules.declared().values() if r.configurable]
    for code in core_rules.declared():
        action = reverse("orgs:rule-set", kwargs={"pk": world.b1.pk, "code": code})
        assert (f'action="{action}"' in html) is (code in configurable), code


@pytest.mark.parametrize("who", ["viewer", "committee", "secretary"])
def test_readers_see_the_rules_without_forms(world, client_for, who):
    rule_set(actor=world.worker, organization=world.pc, code=WARN, value=30)
    response = page(client_for(getattr(world, who)), world.b1)
    html = response.content.decode()
    assert response.status_code == 200
    assert "由基层党委设定" in html and "30天" in html
    assert "data-rule-form" not in html and "data-rule-clear" not in html


def test_a_plain_member_may_not_open_the_rules_and_an_outsider_finds_nothing(world, client_for):
    assert page(client_for(world.member_user), world.b1).status_code == 403
    assert page(client_for(world.outsider), world.b1).status_code == 404


def test_the_rules_tab_shows_on_the_organization_page_for_readers(world, client_for):
    url = reverse("orgs:rules", kwargs={"pk": world.b1.pk})
    assert url in client_for(world.viewer).get(reverse("orgs:detail", kwargs={"pk": world.b1.pk})).content.decode()
    member_view = client_for(world.member_user).get(reverse("orgs:committee", kwargs={"pk": world.b1.pk}))
    assert url not in member_view.content.decode()


def test_a_worker_sets_and_clears_a_value_from_the_page(world, client_for):
    client = client_for(world.worker)
    url = reverse("orgs:rule-set", kwargs={"pk": world.b1.pk, "code": WARN})
    response = client.post(url, {"value": "60", "reason": "村级换届"}, follow=True)
    assert response.redirect_chain[-1][0].endswith(f"/orgs/{world.b1.pk}/rules/#rule-{WARN}")
    html = response.content.decode()
    assert "已为本组织及其全部下属组织设定这项规则。" in html and "村级换届" in html and "60天" in html
    assert core_rules.value(WARN, world.g1) == 60
    response = client.post(reverse("orgs:rule-clear", kwargs={"pk": world.b1.pk, "code": WARN}), follow=True)
    assert "已清除本组织自设的取值" in response.content.decode()
    assert core_rules.value(WARN, world.g1) == 90 and not RuleSetting.objects.exists()


def test_an_out_of_bounds_value_from_the_page_is_shown_with_its_error(world, client_for):
    response = client_for(world.worker).post(
        reverse("orgs:rule-set", kwargs={"pk": world.b1.pk, "code": WARN}), {"value": "400", "reason": "太远"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "取值不能大于365。" in html and 'value="400"' in html and 'value="太远"' in html
    assert not RuleSetting.objects.exists()


def test_a_statutory_rule_posted_from_a_forged_form_is_refused_on_the_page(world, client_for):
    response = client_for(world.worker).post(
        reverse("orgs:rule-set", kwargs={"pk": world.b1.pk, "code": rules.BRANCH_MIN_FULL_MEMBERS}), {"value": "2"}
    )
    assert response.status_code == 200
    assert "这项规则由党内法规规定，任何组织都不能更改。" in response.content.decode()
    assert not RuleSetting.objects.exists()
    assert codes(world.b1) >= {"branch_too_small"}  # B1 has one full member: still too small


@pytest.mark.parametrize("code", ["no_such_rule", "term-warning-days", "999999"])
def test_a_forged_code_in_the_address_is_not_found(world, client_for, code):
    client = client_for(world.worker)
    for name in ("orgs:rule-set", "orgs:rule-clear"):
        response = client.post(reverse(name, kwargs={"pk": world.b1.pk, "code": code}), {"value": "60"})
        assert response.status_code == 404
    assert not RuleSetting.objects.exists()


def test_the_rules_page_reads_the_same_number_of_queries_with_more_settings(world, client_for,
                                                                           django_assert_num_queries):
    client = client_for(world.worker)
    rule_set(actor=world.worker, organization=world.pc, code=WARN, value=30)
    # 1 session, 2 user, 3 the organization, 4 grants, 5 member file, 6 breadcrumbs, 7 this organization's own
    # settings with who set them, 8 the settings on its path (the resolver's).
    with django_assert_num_queries(8):
        page(client, world.b1)
    for i in range(30):
        other = organization_create(actor=None, parent=world.pc, name=f"设置支部{i}", code=f"RS{i}", kind=K.BRANCH)
        rule_set(actor=world.worker, organization=other, code=WARN, value=40 + i)
    rule_set(actor=world.worker, organization=world.b1, code="rankings_enabled", value=True)
    with django_assert_num_queries(8):
        page(client, world.b1)


# The home page and the organization page read the overrides at a constant number of queries


def test_the_home_page_warns_of_terms_at_each_organizations_own_distance(world, client_for):
    today = timezone.localdate()
    near = organization_create(actor=None, parent=world.pc, name="近支部", code="NEAR", kind=K.BRANCH)
    far = organization_create(actor=None, parent=world.pc, name="远支部", code="FAR", kind=K.BRANCH)
    for org in (near, far):
        full_members(org, 3)
        term_ends_in(org, 100, today)
    rule_set(actor=world.worker, organization=near, code=WARN, value=120)
    flagged = {o.code: {w.code for w in found}
               for o, found in client_for(world.worker).get(reverse("portal:home")).context["warnings"]}
    assert flagged.get("NEAR") == {"term_ending"}
    assert "FAR" not in flagged


def test_home_and_organization_page_queries_do_not_grow_with_terms_ending_and_settings(
    world, client_for, django_assert_num_queries
):
    today = timezone.localdate()
    client = client_for(world.worker)

    def seed(count):
        for _ in range(count):
            i = next(_counter)
            org = organization_create(actor=None, parent=world.pc, name=f"换届支部{i}", code=f"TE{i}", kind=K.BRANCH)
            term_ends_in(org, 100, today)
            rule_set(actor=world.worker, organization=org, code=WARN, value=120)

    seed(3)
    # The home page's eight (see portal/tests/test_queries.py) and one more: the settings in scope, read once
    # because some term ends within the longest warning any organization could set.
    with django_assert_num_queries(9):
        small = client.get(reverse("portal:home"))
    seed(27)
    with django_assert_num_queries(9):
        large = client.get(reverse("portal:home"))
    ending = [o for o, found in large.context["warnings"] if any(w.code == "term_ending" for w in found)]
    assert (len([o for o, f in small.context["warnings"] if any(w.code == "term_ending" for w in f)]),
            len(ending)) == (3, 30)
    # The organization page: its ten (orgs/tests/test_queries.py), one more for a term that ends soon.
    target = Organization.objects.get(code="TE0")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("orgs:detail", kwargs={"pk": target.pk}))
    assert 'data-warning="term_ending"' in response.content.decode()
    assert len(queries) == 11


_counter = iter(range(1_000_000))


def test_one_organizations_value_is_kept_until_a_setting_or_a_move_changes_it(world, branch,
                                                                              django_assert_num_queries):
    """rules.value keeps the settings on a path (pages many members open at once ask it): a second lookup asks
    the database nothing, and every setting, clearing and move shows at the next lookup."""
    assert core_rules.value(WARN, branch) == 90
    with django_assert_num_queries(0):
        assert core_rules.value(WARN, branch) == 90
    rule_set(actor=world.worker, organization=world.pc, code=WARN, value=30)
    assert core_rules.value(WARN, branch) == 30
    rule_set(actor=world.worker, organization=branch, code=WARN, value=45)
    assert core_rules.value(WARN, branch) == 45
    rule_clear(actor=world.worker, organization=branch, code=WARN)
    assert core_rules.value(WARN, branch) == 30
    other = organization_create(actor=None, parent=world.sup, name="另一党委", code="RC", kind=K.GRASSROOTS_COMMITTEE)
    rule_set(actor=None, organization=other, code=WARN, value=60)
    rule_set(actor=world.worker, organization=branch, code=WARN, value=45)
    old_path = branch.path
    assert core_rules.value(WARN, branch) == 45  # kept under the old path
    organization_move(actor=None, organization=branch, new_parent=other)
    # A branch made where the moved one was (the path is handed out again) has the old committee's value, not the
    # moved branch's own that was kept under that path.
    newcomer = organization_create(actor=None, parent=world.pc, name="新支部", code="RN", kind=K.BRANCH)
    assert newcomer.path == old_path
    assert core_rules.value(WARN, newcomer) == 30
    moved = Organization.objects.get(pk=branch.pk)
    assert core_rules.value(WARN, moved) == 45  # its own setting went with it
    rule_clear(actor=None, organization=moved, code=WARN)
    assert core_rules.value(WARN, moved) == 60  # now its new committee's
