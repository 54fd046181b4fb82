"""The pages as a person meets them: refusals in the user's language with nothing lost, a second click, hostile
text, an oversized file, and the matrix's queries whatever the number of organizations."""

from __future__ import annotations

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from chuxin.campaigns import selectors, services
from chuxin.campaigns.models import ActionDone, StudyTopic
from chuxin.core.attachments import ATTACHMENT_MAX_BYTES
from chuxin.orgs.services import organization_create

from .conftest import held, launch, today

XSS = '<script>alert("x")</script>'


def test_a_stage_outside_the_period_is_refused_on_the_page_and_the_form_keeps_what_was_typed(world, client_for,
                                                                                          campaign):
    client = client_for(world.worker)
    response = client.post(reverse("campaigns:stage-add", args=[campaign.pk]), {
        "name": "延伸阶段", "starts_on": campaign.ends_on.isoformat(),
        "ends_on": (campaign.ends_on + datetime.timedelta(days=9)).isoformat(), "manual": "总结"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "must lie within the campaign" in page and 'value="延伸阶段"' in page
    assert campaign.stages.count() == 3


def test_a_second_tick_tells_it_is_done_and_keeps_one(world, client_for, campaign):
    b1 = campaign.participants.get(organization=world.b1)
    manual = campaign.stages.get(name="整改落实").actions.get()
    client = client_for(world.secretary)
    url = reverse("campaigns:tick", args=[b1.pk])
    first = client.post(url, {"action": manual.pk, "note": "整改清单已报党委"})
    second = client.post(url, {"action": manual.pk, "note": "整改清单已报党委"})
    assert first.status_code == 302 and second.status_code == 400
    assert "already ticked" in second.content.decode()
    assert ActionDone.objects.filter(participant=b1).count() == 1


def test_an_action_of_another_campaign_is_not_found(world, client_for, campaign):
    other = launch(world)
    b1 = campaign.participants.get(organization=world.b1)
    foreign = other.stages.get(name="整改落实").actions.get()
    response = client_for(world.secretary).post(reverse("campaigns:tick", args=[b1.pk]),
                                                {"action": foreign.pk, "note": "x"})
    assert response.status_code == 404


def test_hostile_text_is_shown_as_text(world, client_for, campaign):
    b1 = campaign.participants.get(organization=world.b1)
    manual = campaign.stages.get(name="整改落实").actions.get()
    services.action_tick(actor=world.secretary, participant=b1, action=manual, note=XSS)
    services.stage_add(actor=world.worker, campaign=campaign, name=XSS, starts_on=campaign.starts_on,
                       ends_on=campaign.starts_on, manual=[XSS])
    for user, url in ((world.secretary, reverse("campaigns:checklist", args=[b1.pk])),
                      (world.worker, reverse("campaigns:detail", args=[campaign.pk])),
                      (world.worker, reverse("campaigns:summary", args=[campaign.pk]))):
        page = client_for(user).get(url).content.decode()
        assert XSS not in page and "&lt;script&gt;" in page


def test_an_oversized_material_is_refused_and_the_topic_is_not_made(world, client_for):
    plan = services.plan_create(actor=world.secretary, organization=world.b1, year=today().year, title="学习计划")
    big = SimpleUploadedFile("材料.pdf", b"%PDF-1.4" + b"0" * ATTACHMENT_MAX_BYTES, content_type="application/pdf")
    response = client_for(world.secretary).post(reverse("campaigns:topic-add", args=[plan.pk]), {
        "month": "3", "title": "学习党章", "attachments": big})
    assert response.status_code == 400
    assert "larger than" in response.content.decode()
    assert not StudyTopic.objects.exists()


def test_the_member_reads_the_checklist_but_cannot_tick(world, client_for, campaign):
    b1 = campaign.participants.get(organization=world.b1)
    client = client_for(world.member_user)
    page = client.get(reverse("campaigns:checklist", args=[b1.pk])).content.decode()
    assert "学习教育" in page and reverse("campaigns:tick", args=[b1.pk]) not in page


def test_the_matrix_reads_in_the_same_queries_for_two_or_forty_organizations(world, client_for):
    def queries_for(campaign) -> int:
        with CaptureQueriesContext(connection) as captured:
            selectors.matrix(campaign)
        return len(captured)

    small = launch(world)
    held(world)
    # stages with counts, participants, ticks per (participant, stage)
    assert queries_for(small) == 3
    for i in range(38):
        organization_create(actor=None, parent=world.pc, name=f"支部{i}", code=f"MB{i}", kind="branch")
    big = launch(world)
    assert big.participants.count() == 40
    assert queries_for(big) == 3
    client = client_for(world.worker)
    with CaptureQueriesContext(connection) as small_page:
        client.get(reverse("campaigns:detail", args=[small.pk]))
    with CaptureQueriesContext(connection) as big_page:
        client.get(reverse("campaigns:detail", args=[big.pk]))
    assert len(small_page) == len(big_page)
