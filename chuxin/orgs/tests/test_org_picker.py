"""The organization pickers: a select of all when there are few, a search box asking orgs:pick when there are many."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from chuxin.core.forms import SEARCH_SELECT_FEW
from chuxin.members.forms import MemberFilterForm
from chuxin.orgs.forms import PartnerUnitForm
from chuxin.orgs.models import Organization, PartnerUnit
from chuxin.orgs.selectors import SEARCH_LIMIT
from chuxin.testing import many_branches

K = Organization.Kind
PICK = reverse("orgs:pick")


def options(html: str) -> list[str]:
    return re.findall(r"<option(?![^>]*data-cx-more)[^>]*>([^<]*)</option>", html)


def pick(client, **params):
    return client.get(PICK, params, headers={"HX-Request": "true"})


# --- the endpoint ---------------------------------------------------------------------------------------------


def test_it_finds_by_name_and_code_with_the_parents_name(world, client_for):
    client = client_for(world.worker)
    assert options(pick(client, q="第一").content.decode()) == ["第一支部 · 基层党委", "第一党小组 · 第一支部"]
    assert options(pick(client, q="b2").content.decode()) == ["第二支部 · 基层党委"]


def test_it_never_shows_an_organization_outside_the_users_scope(world, client_for):
    # The secretary of the second branch searching for the first: nothing, and nothing above their own branch.
    client = client_for(world.outsider)
    assert options(pick(client, q="第一").content.decode()) == []
    assert options(pick(client, q="").content.decode()) == ["第二支部 · 基层党委"]


def test_the_need_narrows_the_scope(world, client_for):
    # The superior viewer reads everything below the superior committee but manages nothing.
    client = client_for(world.viewer)
    assert len(options(pick(client, q="支部", need="read").content.decode())) == 2
    assert pick(client, q="支部", need="manage").status_code == 403
    assert pick(client, q="支部", need="admin").status_code == 403
    # The branch secretary manages the first branch (and its group), administers nothing.
    client = client_for(world.secretary)
    assert options(pick(client, need="manage").content.decode()) == ["第一支部 · 基层党委", "第一党小组 · 第一支部"]
    assert pick(client, need="admin").status_code == 403


def test_deactivated_organizations_only_when_asked(world, client_for):
    Organization.objects.filter(pk=world.b2.pk).update(status=Organization.Status.DEACTIVATED)
    client = client_for(world.worker)
    assert options(pick(client, q="第二").content.decode()) == []
    assert options(pick(client, q="第二", inactive="1").content.decode()) == ["第二支部 · 基层党委"]


def test_at_most_a_page_of_results_in_tree_order_and_a_marker_for_more(world, client_for):
    many_branches(world.pc, SEARCH_LIMIT + 5)
    html = pick(client_for(world.worker), q="片区").content.decode()
    found = options(html)
    assert len(found) == SEARCH_LIMIT
    assert found[:2] == ["片区000支部 · 基层党委", "片区001支部 · 基层党委"]
    assert "data-cx-more" in html
    assert "data-cx-more" not in pick(client_for(world.worker), q="片区034").content.decode()


@pytest.mark.parametrize("term", ["<script>alert(1)</script>", "' OR 1=1 --", "%", "_", "\\", "x" * 5000, "第一" * 100])
def test_hostile_terms_are_answered_safely(world, client_for, term):
    Organization.objects.filter(pk=world.b2.pk).update(name="<b>第二</b>支部")
    response = pick(client_for(world.worker), q=term, need="bogus")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>" not in html and "<b>" not in html
    assert "OR 1=1" not in html  # a term is a term, never a condition: nothing matches it
    if term in ("%", "_"):
        assert options(html) == []  # LIKE's wildcards are matched literally


def test_the_names_are_escaped(world, client_for):
    Organization.objects.filter(pk=world.b2.pk).update(name="<b>第二</b>支部")
    html = pick(client_for(world.worker), q="第二").content.decode()
    assert "&lt;b&gt;第二&lt;/b&gt;支部" in html and "<b>" not in html


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_only_get(world, client_for, method):
    assert getattr(client_for(world.worker), method)(PICK).status_code == 405


def test_it_wants_a_login_and_a_standing(world, client, client_for):
    assert client.get(PICK).status_code == 302
    assert pick(client_for(world.stranger)).status_code == 403


def test_one_query_for_the_search(world, client_for, django_assert_num_queries):
    client = client_for(world.worker)
    # the session, the user, the user's standings (their grants, their own member file), the search with the
    # parents' names
    with django_assert_num_queries(5):
        pick(client, q="支部")


# --- the widget -----------------------------------------------------------------------------------------------


def test_few_organizations_a_plain_select_of_all(world):
    form = PartnerUnitForm(user=world.worker)
    html = str(form["host"])
    assert 'type="search"' not in html
    assert [o.strip("\u3000") for o in options(html)] == ["---------", "基层党委", "第一支部", "第一党小组", "第二支部"]


def test_many_organizations_a_search_box_and_only_the_current_one(world):
    many_branches(world.pc, SEARCH_SELECT_FEW)
    form = PartnerUnitForm(user=world.worker, initial={"host": world.b2.pk})
    html = str(form["host"])
    assert options(html) == ["---------", "第二支部"]
    assert f'<option value="{world.b2.pk}" selected>' in html
    box = re.search(r'<input type="search"[^>]*>', html).group(0)
    assert 'hx-get="/orgs/pick/?need=admin"' in box
    assert "name=" not in box  # the box is never sent with the form
    assert 'id="id_host_search"' in box and re.search(r'<label[^>]*for="id_host_search"', html)  # labelled


def test_without_javascript_the_form_sends_the_current_value(world):
    # The select is the only named control: what a browser without JavaScript sends is the current organization.
    many_branches(world.pc, SEARCH_SELECT_FEW)
    partner = PartnerUnit.objects.create(host=world.b2, name="共建单位")
    html = str(PartnerUnitForm(instance=partner, user=world.worker)["host"])
    sent = re.search(r'<select[^>]* name="host"[^>]*>.*?<option value="(\d+)" selected>', html).group(1)
    form = PartnerUnitForm({"host": sent, "name": "共建单位"}, instance=partner, user=world.worker)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["host"] == world.b2


def test_the_member_lists_filter_searches_too_deactivated_included(world, client_for, django_assert_max_num_queries):
    many_branches(world.pc, SEARCH_SELECT_FEW)
    form = MemberFilterForm({"organization": str(world.b2.pk)}, user=world.worker)
    assert form.is_valid()
    with django_assert_max_num_queries(1):  # the first rows of the scope; the chosen one is validation's
        html = str(form["organization"])
    assert options(html)[1:] == ["第二支部"]
    assert "inactive=1" in html


def test_the_member_lists_filter_reads_its_rows_as_tuples_and_shows_what_the_objects_showed(world):
    """The member list's organizations (.only: id, name, depth, path) are read as plain rows and made into objects
    only to be shown: a few are all shown, labelled by their depth, the chosen one marked; of many, only the chosen
    one (among the first rows: no second query)."""
    form = MemberFilterForm({"organization": str(world.b2.pk)}, user=world.worker)
    assert form.is_valid()
    html = str(form["organization"])
    assert options(html)[1:] == ["\u3000基层党委", "\u3000\u3000第一支部", "\u3000\u3000\u3000第一党小组",
                                 "\u3000\u3000第二支部"]  # the committee is at depth 2 in this world
    assert f'<option value="{world.b2.pk}" selected>' in html and 'type="search"' not in html
    many_branches(world.pc, SEARCH_SELECT_FEW)
    unbound = MemberFilterForm(user=world.worker, initial={"organization": world.b1.pk})  # nothing validated
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        html = str(unbound["organization"])
    assert len(queries) == 1 and options(html)[1:] == ["第一支部"]
    assert f'<option value="{world.b1.pk}" selected>' in html


def test_a_picked_id_is_accepted_and_a_forged_one_refused(world, client_for):
    many_branches(world.pc, SEARCH_SELECT_FEW)
    client = client_for(world.outsider)  # manages the second branch only
    url = reverse("members:create")
    response = client.post(url, {"organization": world.b1.pk, "name": "赵六"})
    assert response.status_code == 200
    form = response.context["form"]
    refusal = form.fields["organization"].error_messages["invalid_choice"]
    assert form.errors["organization"] == [str(refusal)]
    assert str(refusal) in response.content.decode()
    form_ok = type(form)({"organization": world.b2.pk}, user=world.outsider)
    form_ok.is_valid()
    assert "organization" not in form_ok.errors
    assert form_ok.cleaned_data["organization"] == world.b2


# --- pages that listed the first 200 organizations and hid the rest -------------------------------------------


def option_count(html: str, name: str) -> int:
    select = re.search(rf'<select[^>]* name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select, f"no select named {name}"
    return select.group(1).count("<option")


@pytest.mark.parametrize(("url", "params", "name"), [
    ("meetings:create", {}, "organization"),  # "for which organization?" pages: a search instead of 200 links
    ("evaluation:create", {}, "org"),
    ("recruitment:create", {}, "organization"),
    ("recruitment:list", {"organization": "B2"}, "organization"),  # the switchers above a page
    ("quizzes:point-settings", {"organization": "B2"}, "organization"),
    ("transfers:list", {}, "organization"),
    ("learning:hours-org", {"organization": "B2"}, "organization"),
])
def test_pages_that_capped_at_200_search_instead(world, client_for, url, params, name):
    many_branches(world.pc, SEARCH_SELECT_FEW + 1)
    params = {key: getattr(world, value.lower()).pk for key, value in params.items()}
    response = client_for(world.worker).get(reverse(url), params)
    assert response.status_code == 200
    html = response.content.decode()
    assert option_count(html, name) <= 2  # the current one (and the empty choice), not 200
    assert re.search(r'<input type="search"[^>]*hx-get="/orgs/pick/', html)
    if params:
        assert re.search(rf'<option value="{world.b2.pk}" selected>第二支部</option>', html)


def test_a_choose_page_with_few_organizations_still_lists_them(world, client_for):
    html = client_for(world.worker).get(reverse("meetings:create")).content.decode()
    assert 'data-testid="org-choose"' not in html and "第二支部" in html
