"""Where a login lands: the workbench for a person with open work, the home page for everyone else."""

from __future__ import annotations

import datetime

from django.urls import reverse

from chuxin.testing import PASSWORD
from chuxin.workbench import selectors

D = datetime.date


def log_in(client, username: str, **query):
    url = reverse("accounts:login") + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")
    return client.post(url, {"identifier": username, "password": PASSWORD}, follow=True)


def landed_on(response) -> str:
    return response.redirect_chain[-1][0] if response.redirect_chain else response.request["PATH_INFO"]


def test_a_secretary_with_open_work_lands_on_the_workbench(world, fake_work, client):
    fake_work.give(world.secretary, D(2026, 12, 1), title="组织生活会准备")
    response = log_in(client, "secretary")
    assert landed_on(response) == reverse("workbench:home")
    assert "组织生活会准备" in response.content.decode()


def test_a_member_with_a_task_lands_on_the_workbench(world, fake_work, client):
    fake_work.give(world.member_user, D(2026, 12, 1), title="学习心得")
    assert landed_on(log_in(client, "member")) == reverse("workbench:home")


def test_the_viewer_with_no_work_lands_on_the_home_page(world, fake_work, client):
    fake_work.give(world.secretary, D(2026, 12, 1))  # someone else's work changes nothing
    response = log_in(client, "viewer")
    assert landed_on(response) == reverse("portal:home")
    assert response.status_code == 200 and "portal/home.html" in [t.name for t in response.templates]


def test_a_plain_member_with_no_work_goes_on_to_me(world, fake_work, client):
    # Home sends a person who may read no organization on to "Me", as before.
    assert landed_on(log_in(client, "member")) == reverse("portal:me")


def test_the_page_asked_for_still_wins(world, fake_work, client):
    fake_work.give(world.secretary, D(2026, 12, 1))
    assert landed_on(log_in(client, "secretary", next="/members/")) == "/members/"


def test_the_landing_asks_the_apps_in_turn_and_stops_at_the_first_with_work(world, monkeypatch, client_for):
    asked: list[str] = []

    def nothing(user):
        asked.append("nothing")
        return []

    def tasks(user):
        asked.append("tasks")
        return [object()]

    def reports(user):
        asked.append("reports")
        return [object()]

    monkeypatch.setattr(selectors, "providers", lambda: [nothing, tasks, reports])
    response = client_for(world.secretary).get(reverse("workbench:landing"))
    assert response["Location"] == reverse("workbench:home")
    assert asked == ["nothing", "tasks"]


def test_a_logged_in_visit_to_the_login_page_lands_the_same_way(world, fake_work, client_for):
    fake_work.give(world.secretary, None)
    client = client_for(world.secretary)
    response = client.get(reverse("accounts:login"), follow=True)
    assert landed_on(response) == reverse("workbench:home")


def test_with_the_real_apps_an_assigned_task_lands_on_the_workbench(world, client):
    from chuxin.workbench.tests.test_queries import seed_tasks

    seed_tasks(world, world.committee, 1)
    assert landed_on(log_in(client, "committee")) == reverse("workbench:home")
    client.logout()
    assert landed_on(log_in(client, "viewer")) == reverse("portal:home")
