"""The audit log page: scoped like everything else, filterable, for Party-affairs workers only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from chuxin.audit.models import AuditEntry
from chuxin.audit.services import audit_record
from chuxin.orgs.models import Organization
from chuxin.orgs.services import organization_create

A = AuditEntry.Action


@pytest.fixture
def log(world):
    """One entry in each corner of the forest, told apart by their object names."""
    sup2 = organization_create(actor=None, parent=None, name="另一上级党委", code="SUP2",
                               kind=Organization.Kind.SUPERIOR_COMMITTEE)
    AuditEntry.objects.all().delete()  # the fixtures' own creation entries
    for org, label, action in [
        (world.b1, "在第一支部", A.UPDATE),
        (world.g1, "在党小组", A.REVEAL),
        (world.b2, "在第二支部", A.UPDATE),
        (world.pc, "在基层党委", A.GRANT),
        (world.sup, "在上级党委", A.UPDATE),
        (sup2, "在另一棵树", A.UPDATE),
    ]:
        audit_record(actor=world.secretary, action=action, organization=org, target_repr=label)


def shown(response) -> set[str]:
    return {e.target_repr for e in response.context["page_obj"]}


def test_a_worker_sees_their_subtree_only(world, log, client_for):
    response = client_for(world.worker).get(reverse("audit:list"))
    assert response.status_code == 200
    assert shown(response) == {"在第一支部", "在党小组", "在第二支部", "在基层党委"}
    html = response.content.decode()
    assert "在第一支部" in html
    assert "在上级党委" not in html  # above the worker's organization
    assert "在另一棵树" not in html  # another tree


def test_a_worker_of_a_sibling_tree_sees_none_of_ours(world, log, client_for):
    from chuxin.accounts.models import Role, RoleGrant
    from chuxin.testing import make_user

    other = make_user("other-worker")
    RoleGrant.objects.create(user=other, organization=Organization.objects.get(code="SUP2"), role=Role.WORKER)
    assert shown(client_for(other).get(reverse("audit:list"))) == {"在另一棵树"}


def test_a_superuser_sees_everything(world, log, client_for):
    from chuxin.testing import make_user

    root = make_user("root", is_superuser=True)
    assert len(shown(client_for(root).get(reverse("audit:list")))) == 6


def test_a_worker_sees_their_own_account_events(world, client, client_for):
    client.post(reverse("accounts:login"), {"identifier": "worker", "password": "wrong"})
    client.post(reverse("accounts:login"), {"identifier": "secretary", "password": "wrong"})
    response = client_for(world.worker).get(reverse("audit:list"), {"action": A.LOGIN_FAILED})
    entries = list(response.context["page_obj"])
    assert [e.target_id for e in entries] == [str(world.worker.pk)]  # not the secretary's


def test_filter_by_action(world, log, client_for):
    client = client_for(world.worker)
    assert shown(client.get(reverse("audit:list"), {"action": A.REVEAL})) == {"在党小组"}
    assert shown(client.get(reverse("audit:list"), {"action": A.GRANT})) == {"在基层党委"}
    assert shown(client.get(reverse("audit:list"), {"action": A.LOCKOUT})) == set()


def test_an_unknown_action_shows_everything(world, log, client_for):
    response = client_for(world.worker).get(reverse("audit:list"), {"action": "drop table"})
    assert response.status_code == 200
    assert len(shown(response)) == 4


def test_filter_by_who_or_what(world, log, client_for):
    client = client_for(world.worker)
    assert shown(client.get(reverse("audit:list"), {"q": "党小组"})) == {"在党小组"}
    assert len(shown(client.get(reverse("audit:list"), {"q": "secretary"}))) == 4
    assert shown(client.get(reverse("audit:list"), {"q": "nobody"})) == set()


def test_the_log_pages_by_fifty(world, client_for):
    for i in range(55):
        audit_record(actor=world.worker, action=A.UPDATE, organization=world.b1, target_repr=f"条目{i}")
    client = client_for(world.worker)
    first = client.get(reverse("audit:list"), {"action": A.UPDATE})
    second = client.get(reverse("audit:list"), {"action": A.UPDATE, "page": 2})
    assert len(first.context["page_obj"]) == 50
    assert len(second.context["page_obj"]) == 5
    assert "条目54" in first.content.decode()  # newest first
    assert "条目0<" in second.content.decode()


@pytest.mark.parametrize("who", ["viewer", "secretary", "committee", "member_user", "outsider", "stranger"])
def test_only_workers_may_read_the_log(world, log, client_for, who):
    response = client_for(getattr(world, who)).get(reverse("audit:list"))
    assert response.status_code == 403
    assert "在第一支部" not in response.content.decode()


def test_changes_show_field_names_and_choice_labels_in_the_readers_language(world, client_for):
    from chuxin.audit.models import AuditEntry
    from chuxin.members.models import Member

    AuditEntry.objects.create(
        actor=world.worker, actor_name="worker", action=AuditEntry.Action.UPDATE,
        target_type="members.member", target_id=str(world.member.pk), target_repr="李四",
        organization=world.b1, organization_path=world.b1.path,
        changes={"category": ["probationary", "full"], "rows": 3},
    )
    page = client_for(world.worker).get("/audit/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    category = Member._meta.get_field("category")
    from django.utils import translation

    with translation.override("zh-hans"):
        label, old, new = str(category.verbose_name), str(Member.Category.PROBATIONARY.label), str(
            Member.Category.FULL.label)
    assert f"{label}</span>: {old} → {new}" in page
    assert "rows</span>: 3" in page
