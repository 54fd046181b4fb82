"""Required reading (workbench, reminders, who has read it: names, never a ranking or a time) and the study-hours
ledger (training classes, the study part of meetings attended from the meeting records, training elsewhere with a
certificate; targets as rules data by role)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from chuxin.learning import reminders, selectors, services
from chuxin.learning.models import ExternalTraining, TrainingClass
from chuxin.orgs.models import Position
from chuxin.orgs.services import position_create
from chuxin.testing import make_member

from .builders import held_lecture


def _reading(world, library, **extra):
    return services.reading_create(actor=world.worker, item=library["pc"], organization=world.pc,
                                   due_on=timezone.localdate() + datetime.timedelta(days=2),
                                   organizations=[world.b1, world.b2], **extra)


def test_required_reading_is_on_the_workbench_until_opened(world, library, client_for):
    _reading(world, library)
    items = selectors.workbench_items(world.member_user)
    assert [i.title for i in items] == ["坚持三会一课制度"] and items[0].kind == "reading"
    client_for(world.member_user).get(library["pc"].get_absolute_url())
    assert selectors.workbench_items(world.member_user) == []
    assert selectors.workbench_items(world.worker) == []  # no member file: nothing of their own to read


def test_the_secretary_sees_who_has_not_read_it_in_their_branch_only(world, library, client_for):
    reading = _reading(world, library)
    other = make_member(world.b1, "周读者")
    client_for(world.member_user).get(library["pc"].get_absolute_url())
    page = client_for(world.secretary).get(reverse("learning:reading", args=[reading.pk])).content.decode()
    unread = page.split('data-testid="unread"')[1].split("</ul>")[0]
    read = page.split('data-testid="read"')[1].split("</ul>")[0]
    assert other.name in unread and world.member.name in read
    assert world.b2_member.name not in page  # the sibling branch's people are not the secretary's business
    whole = client_for(world.worker).get(reverse("learning:reading", args=[reading.pk])).content.decode()
    assert world.b2_member.name in whole
    assert client_for(world.member_user).get(reverse("learning:reading", args=[reading.pk])).status_code == 404
    assert client_for(world.stranger).get(reverse("learning:reading", args=[reading.pk])).status_code == 404


def test_readers_are_reminded_once_before_the_date_and_not_after_reading(world, library):
    reading = _reading(world, library)
    world.b2_member.user = world.outsider
    world.b2_member.save()
    due = reminders.due_reminders(timezone.localdate())
    assert {r.recipient for r in due} == {world.member_user, world.outsider}
    assert all(r.target == reading and r.dedup_key for r in due)
    services.item_open(member=world.member, item=library["pc"])
    assert {r.recipient for r in reminders.due_reminders(timezone.localdate())} == {world.outsider}
    assert reminders.due_reminders(timezone.localdate() - datetime.timedelta(days=10)) == []  # too early


def test_reading_cannot_be_asked_outside_ones_own_organization(world, library):
    import pytest
    from django.core.exceptions import PermissionDenied, ValidationError

    with pytest.raises(ValidationError):
        services.reading_create(actor=world.secretary, item=library["b1"], organization=world.b1,
                                due_on=timezone.localdate(), organizations=[world.b2])
    with pytest.raises(PermissionDenied):
        services.reading_create(actor=world.secretary, item=library["b1"], organization=world.pc,
                                due_on=timezone.localdate(), organizations=[world.b1])
    with pytest.raises(ValidationError):
        services.reading_create(actor=world.secretary, item=library["b1"], organization=world.b1,
                                due_on=timezone.localdate() - datetime.timedelta(days=1), organizations=[world.b1])


def test_the_ledger_counts_lectures_attended_classes_and_training_elsewhere(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    today = timezone.localdate()
    absent = make_member(world.b1, "钱缺席")
    held_lecture(world.b1, present=[world.member], absent=[absent], hours=Decimal("3"), on=today)
    cls = services.class_create(actor=None, organization=world.pc, kind=TrainingClass.Kind.MEMBERS, title="轮训班",
                                starts_on=today, ends_on=today)
    services.class_enroll(actor=None, training_class=cls, members=[world.member, absent])
    session = services.session_add(actor=None, training_class=cls, on=today, hours=Decimal("8"), subject="党史")
    services.session_attendance_set(actor=None, session=session, present=[world.member])
    services.external_training_add(actor=world.member_user, member=world.member, title="党校培训", provider="市委党校",
                                   on=today, hours=Decimal("16"),
                                   certificate=SimpleUploadedFile("证书.pdf", b"%PDF-1.4"))
    ledger = selectors.ledger_of(world.member, today.year)
    assert [line.source for line in ledger.lines].count("meeting") == 1
    assert ledger.total == Decimal("27") and ledger.target == 32 and ledger.below
    assert selectors.ledger_of(absent, today.year).total == 0
    assert selectors.ledger_of(world.member, today.year - 1).total == 0  # years are separate


def test_secretaries_and_committee_members_have_the_higher_target_and_rules_can_change_it(world):
    position_create(actor=None, organization=world.b1, kind=Position.Kind.SECRETARY, member=world.member,
                    started_on=datetime.date(2020, 1, 1))
    year = timezone.localdate().year
    assert selectors.ledger_of(world.member, year).target == 56
    other = make_member(world.b1, "孙党员")
    assert selectors.ledger_of(other, year).target == 32


def test_the_secretary_sees_who_is_below_target_with_lectures_counted(world, client_for):
    today = timezone.localdate()
    done = make_member(world.b1, "吴达标")
    for n in range(11):  # 33 hours of lectures
        held_lecture(world.b1, present=[done], hours=Decimal("3"), on=today - datetime.timedelta(days=n),
                     title=f"党课{n}")
    page = client_for(world.secretary).get(reverse("learning:hours-org"), {"organization": world.b1.pk})
    html = page.content.decode()
    assert page.status_code == 200
    row = html.split(f'data-member="{done.pk}"')[1].split("</li>")[0]
    assert "33.0 / 32" in row and "below" not in row.lower().replace("below-count", "")
    lagging = html.split(f'data-member="{world.member.pk}"')[1].split("</li>")[0]
    assert "0 / 32" in lagging
    only = client_for(world.secretary).get(reverse("learning:hours-org"), {"organization": world.b1.pk, "below": "1"})
    assert f'data-member="{done.pk}"' not in only.content.decode()
    assert client_for(world.outsider).get(reverse("learning:hours-org"),
                                          {"organization": world.b1.pk}).status_code == 404


def test_a_member_sees_only_their_own_ledger(world, client_for):
    client = client_for(world.member_user)
    assert client.get(reverse("learning:hours")).status_code == 200
    assert client.get(reverse("learning:hours-org")).status_code == 403
    assert client.get(reverse("learning:hours-member", args=[world.b2_member.pk])).status_code == 404


def test_training_elsewhere_needs_its_certificate_and_a_real_file(world, client_for, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = client_for(world.member_user)
    url = reverse("learning:external-add")
    data = {"title": "党校", "provider": "区委党校", "on": str(timezone.localdate()), "hours": "8"}
    assert client.post(url, data).status_code == 200
    assert client.post(url, {**data, "certificate": SimpleUploadedFile("a.pdf", b"MZ-program")}).status_code == 200
    assert client.post(url, {**data, "hours": "999", "certificate": SimpleUploadedFile("a.pdf", b"%PDF")}
                       ).status_code == 200
    assert not ExternalTraining.objects.exists()
    done = client.post(url, {**data, "certificate": SimpleUploadedFile("a.pdf", b"%PDF-1.4")})
    assert done.status_code == 302 and ExternalTraining.objects.count() == 1
    row = ExternalTraining.objects.get()
    assert client.get(reverse("learning:certificate", args=[row.pk])).status_code == 200
    assert client_for(world.outsider).get(reverse("learning:certificate", args=[row.pk])).status_code == 404
    assert client_for(world.secretary).get(reverse("learning:certificate", args=[row.pk])).status_code == 200


def test_courses_count_completion_per_person_and_progress_for_an_organization(world, library, client_for):
    course = services.course_create(actor=world.worker, organization=world.pc, title="党章学习")
    first = services.lesson_add(actor=world.worker, course=course, item=library["pc"])
    services.lesson_add(actor=world.worker, course=course, item=library["pc"])  # once only
    assert course.lessons.count() == 1
    client = client_for(world.member_user)
    assert client.post(reverse("learning:lesson-done", args=[first.pk])).status_code == 302
    client.post(reverse("learning:lesson-done", args=[first.pk]))
    rows = dict((m.name, n) for m, n in selectors.course_progress(course, world.pc))
    assert rows[world.member.name] == 1 and rows[world.b2_member.name] == 0
    page = client_for(world.secretary).get(reverse("learning:course-progress", args=[course.pk]),
                                           {"organization": world.b1.pk}).content.decode()
    assert world.member.name in page and world.b2_member.name not in page
    assert client_for(world.member_user).get(reverse("learning:course-progress", args=[course.pk])).status_code == 403


def test_a_candidates_class_says_whether_it_meets_the_minimum(world, client_for):
    cls = services.class_create(actor=None, organization=world.pc, kind=TrainingClass.Kind.CANDIDATES,
                                title="发展对象培训班", starts_on=datetime.date(2026, 3, 1), ends_on=datetime.date(2026, 3, 3))
    for day in (1, 2):
        services.session_add(actor=None, training_class=cls, on=datetime.date(2026, 3, day), hours=Decimal("8"),
                             subject=f"第{day}天")
    page = client_for(world.worker).get(cls.get_absolute_url()).content.decode()
    assert "text-bg-warning" in page
    services.session_add(actor=None, training_class=cls, on=datetime.date(2026, 3, 3), hours=Decimal("8"), subject="3")
    assert "text-bg-success" in client_for(world.worker).get(cls.get_absolute_url()).content.decode()
