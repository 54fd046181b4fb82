"""The learning app's URLs for the role matrix (chuxin/portal/tests/test_role_matrix.py).

At each target organization (B1, B2, X2) the objects are: an article and a video published there, a required
reading it asks of itself, a course with one lesson, a training class with a session, training elsewhere of one
of its members, and an import under review made by the manager standing there (an import is its author's own).
A member reads the library of their own organization (need PUBLIC); who has read a reading, a class's roster and
the study hours of others need READ; writing needs MANAGE. Marking a lesson done and entering one's own training
elsewhere need a member file: the accounts without one are refused.
"""

from __future__ import annotations

import datetime

from django.core.files.base import ContentFile

from chuxin.testing import FORBIDDEN, NOT_FOUND, M, P, R, anywhere, get_and_post, login_only, obj

# The import under review at each place is made by the manager standing there; another manager there (the worker
# at B1) does not find it.
AUTHORS = {"B1": "secretary", "B2": "outsider", "X2": "superuser"}
# The accounts of the matrix without a member file (the plain member has one in B1).
NO_FILE = ("committee", "secretary", "outsider", "viewer", "worker", "superuser", "stranger")


def _item(env, where: str, kind: str = "article"):
    from chuxin.learning.models import Item

    def make():
        org = env.org(where)
        item = Item(organization=org, kind=kind, title=f"学习-{where}-{kind}", body="<p>正文</p>",
                    search_words="学习 正文")
        if kind != "article":
            item.file_name = "课.mp4"
            item.file_size = 8
            item.file.save("v.mp4", ContentFile(b"\x00" * 8), save=False)
        item.save()
        return item

    return env.once(("learning-item", where, kind), make)


def _reading(env, where: str):
    from chuxin.learning.models import Reading

    def make():
        reading = Reading.objects.create(item=_item(env, where), organization=env.org(where),
                                         due_on=datetime.date(2099, 1, 1))
        reading.organizations.set([env.org(where)])
        return reading

    return env.once(("learning-reading", where), make)


def _course(env, where: str):
    from chuxin.learning.models import Course, Lesson

    def make():
        course = Course.objects.create(organization=env.org(where), title=f"课程-{where}")
        Lesson.objects.create(course=course, item=_item(env, where), position=1)
        return course

    return env.once(("learning-course", where), make)


def _class(env, where: str):
    from chuxin.learning.models import Session, TrainingClass

    def make():
        day = datetime.date(2026, 3, 1)
        cls = TrainingClass.objects.create(organization=env.org(where), title=f"培训班-{where}", starts_on=day,
                                           ends_on=day)
        Session.objects.create(training_class=cls, on=day, hours=8, subject="党章")
        return cls

    return env.once(("learning-class", where), make)


def _external(env, where: str):
    from chuxin.learning.models import ExternalTraining

    def make():
        row = ExternalTraining(member=env.member(where), title="党校培训", provider="市委党校",
                               on=datetime.date(2026, 3, 1), hours=8, certificate_name="证书.pdf")
        row.certificate.save("c.pdf", ContentFile(b"%PDF-1.4"), save=False)
        row.save()
        return row

    return env.once(("learning-external", where), make)


def _draft(env, where: str):
    from chuxin.learning.models import ImportDraft

    return env.once(("learning-draft", where), lambda: ImportDraft.objects.create(
        organization=env.org(where), original="标题\n\n正文。", clean_text="标题\n\n正文。",
        article={"title": "标题", "published": None, "authors": [], "source": None, "abstract": None, "keywords": [],
                 "sections": [{"heading": None, "paragraphs": ["正文。"]}], "references": [], "author_bio": None},
        changes=[], created_by=env.users[AUTHORS[where]]))


def routes() -> dict:
    def item(env, where):
        return {"pk": _item(env, where).pk}, {}

    def video(env, where):
        return {"pk": _item(env, where, "video").pk}, {}

    def reading(env, where):
        return {"pk": _reading(env, where).pk}, {}

    def course(env, where):
        return {"pk": _course(env, where).pk}, {}

    def lesson(env, where):
        return {"pk": _course(env, where).lessons.get().pk}, {}

    def training_class(env, where):
        return {"pk": _class(env, where).pk}, {}

    def session(env, where):
        return {"pk": _class(env, where).sessions.get().pk}, {}

    def external(env, where):
        return {"pk": _external(env, where).pk}, {}

    def draft(env, where):
        return {"pk": _draft(env, where).pk}, {}

    def member(env, where):
        return {"pk": env.member(where).pk}, {}

    def org_query(env, where):
        return {}, {"organization": env.org(where).pk}

    def member_query(env, where):
        return {}, {"member": env.member(where).pk}

    not_author = {("worker", "B1"): NOT_FOUND}
    # Marking a lesson done needs a member file: those standing at the place without one are refused.
    no_file_there = {(role, where): FORBIDDEN for role, where in (
        ("committee", "B1"), ("secretary", "B1"), ("viewer", "B1"), ("worker", "B1"), ("outsider", "B2"),
        ("superuser", "X2"))}
    # One's own training elsewhere: only an account with a member file enters it without naming a member.
    own_only = {(role, ""): FORBIDDEN for role in NO_FILE}
    return {
        "learning:library": [anywhere("get", P)],
        "learning:item-create": [*get_and_post(anywhere("get", M)), *get_and_post(obj("get", M, org_query))],
        "learning:item": [obj("get", P, item)],
        "learning:item-edit": get_and_post(obj("get", M, item)),
        "learning:media": [obj("get", P, video)],
        "learning:reading-create": get_and_post(obj("get", M, item)),
        "learning:taxonomy": [*get_and_post(anywhere("get", M)), *get_and_post(obj("get", M, org_query))],
        "learning:import": [*get_and_post(anywhere("get", M)), *get_and_post(obj("get", M, org_query))],
        "learning:import-review": get_and_post(obj("get", M, draft, special=not_author)),
        "learning:readings": [anywhere("get", P)],
        "learning:reading": [obj("get", R, reading)],
        "learning:courses": [anywhere("get", P)],
        "learning:course-create": [*get_and_post(anywhere("get", M)), *get_and_post(obj("get", M, org_query))],
        "learning:course": [obj("get", P, course)],
        "learning:lesson-add": [obj("post", M, course)],
        "learning:course-progress": [obj("get", R, course)],
        "learning:lesson-done": [obj("post", P, lesson, special=no_file_there)],
        "learning:class-create": [*get_and_post(anywhere("get", M)), *get_and_post(obj("get", M, org_query))],
        "learning:class": [obj("get", R, training_class)],
        "learning:class-enroll": [obj("post", M, training_class)],
        "learning:class-exam": [obj("post", M, training_class)],
        "learning:session-add": [obj("post", M, training_class)],
        "learning:attendance": get_and_post(obj("get", M, session)),
        "learning:hours": [login_only("get")],
        "learning:hours-org": [anywhere("get", R), obj("get", R, org_query)],
        "learning:hours-member": [obj("get", R, member)],
        "learning:external-add": [*get_and_post(login_only("get", special=own_only)),
                                  *get_and_post(obj("get", M, member_query))],
        "learning:certificate": [obj("get", R, external)],
    }
