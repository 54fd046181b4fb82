"""Every write service of the learning app checks its actor itself, whoever calls it: a stranger and the sibling
branch's secretary are refused, and nothing is written."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from chuxin.learning import services
from chuxin.learning.models import ImportDraft, Item, TrainingClass
from chuxin.testing import not_refused, service_functions

# Public functions of the service module that write nothing, or write only the actor's own things: item_open is
# the reader's own receipt (the page lets in only those who see the item), lesson_complete the member's own mark
# (refused without a member file).
READS = {"parse_tags", "check_media", "may_manage", "item_open", "lesson_complete"}


def test_every_write_service_refuses_an_actor_without_standing(world, library):
    today = timezone.localdate()
    item = library["b1"]
    course = services.course_create(actor=None, organization=world.b1, title="课程")
    cls = services.class_create(actor=None, organization=world.b1, kind=TrainingClass.Kind.MEMBERS, title="班",
                                starts_on=today, ends_on=today)
    services.class_enroll(actor=None, training_class=cls, members=[world.member])
    session = services.session_add(actor=None, training_class=cls, on=today, hours=Decimal("2"), subject="党章")
    draft = ImportDraft.objects.create(organization=world.b1, original="标题\n\n正文。", clean_text="标题\n\n正文。",
                                       article={"title": "标题", "sections": []}, created_by=world.secretary)
    tried = {
        "category_create": lambda a: services.category_create(actor=a, organization=world.b1, name="分类"),
        "topic_create": lambda a: services.topic_create(actor=a, organization=world.b1, name="专题"),
        "item_create": lambda a: services.item_create(actor=a, organization=world.b1, kind=Item.Kind.ARTICLE,
                                                      title="文", body="<p>正文</p>"),
        "item_update": lambda a: services.item_update(actor=a, item=item, title="改", body="<p>改</p>"),
        "import_draft_create": lambda a: services.import_draft_create(actor=a, organization=world.b1,
                                                                      text="标题\n\n正文。"),
        "import_publish": lambda a: services.import_publish(actor=a, draft=draft),
        "reading_create": lambda a: services.reading_create(actor=a, item=item, organization=world.b1,
                                                            due_on=today + datetime.timedelta(days=3),
                                                            organizations=[world.b1]),
        "course_create": lambda a: services.course_create(actor=a, organization=world.b1, title="课"),
        "lesson_add": lambda a: services.lesson_add(actor=a, course=course, item=item),
        "class_create": lambda a: services.class_create(actor=a, organization=world.b1, kind="members", title="班",
                                                        starts_on=today, ends_on=today),
        "class_enroll": lambda a: services.class_enroll(actor=a, training_class=cls, members=[world.member]),
        "class_set_exam": lambda a: services.class_set_exam(actor=a, training_class=cls, exam=None),
        "session_add": lambda a: services.session_add(actor=a, training_class=cls, on=today, hours=Decimal("1"),
                                                      subject="课"),
        "session_attendance_set": lambda a: services.session_attendance_set(actor=a, session=session,
                                                                            present=[world.member]),
        "external_training_add": lambda a: services.external_training_add(
            actor=a, member=world.member, title="培训", provider="党校", on=today, hours=Decimal("8"),
            certificate=SimpleUploadedFile("c.pdf", b"%PDF-1.4")),
    }
    assert set(tried) | READS == service_functions(services)
    assert not_refused(tried, world.stranger, world.outsider) == []


def test_lesson_complete_needs_a_member_file(world, library):
    import pytest
    from django.core.exceptions import PermissionDenied

    course = services.course_create(actor=None, organization=world.b1, title="课程")
    lesson = services.lesson_add(actor=None, course=course, item=library["b1"])
    with pytest.raises(PermissionDenied):
        services.lesson_complete(actor=world.stranger, lesson=lesson)
    assert services.lesson_complete(actor=world.member_user, lesson=lesson) is True
    assert services.lesson_complete(actor=world.member_user, lesson=lesson) is False
