"""The recruitment app's URLs for the role matrix (chuxin/portal/tests/test_role_matrix.py).

At each target organization (B1, B2, X2): a person who applied three days ago (the talk is next), with a file
attached to the application. Reading a person's record needs READ where they are (the person themself aside: the
world's member is nobody's applicant); recording needs MANAGE; the holiday calendar is kept by the superuser.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from chuxin.testing import M, P, R, Route, anywhere, get_and_post, obj, valid_citizen_id


def _applicant(env, where: str):
    from chuxin.recruitment import services

    born = datetime.date(1999, 4, 5)
    return env.once(("applicant", where), lambda: services.applicant_create(
        actor=None, organization=env.org(where), citizen_id_number=valid_citizen_id(born),
        applied_on=timezone.localdate() - datetime.timedelta(days=3), name=f"申请人{where}", gender="male",
        birth_date=born))


def _file(env, where: str):
    from django.core.files.base import ContentFile

    from chuxin.recruitment.models import StepAttachment

    def make():
        attachment = StepAttachment(record=_applicant(env, where).steps.get(number=1), name="入党申请书.pdf", size=8)
        attachment.file.save("application.pdf", ContentFile(b"%PDF-1.4"), save=False)
        attachment.save()
        return attachment

    return env.once(("applicant-file", where), make)


def routes() -> dict:
    def applicant(env, where):
        return {"pk": _applicant(env, where).pk}, {}

    def step(env, where):
        return {"pk": _applicant(env, where).pk, "number": 2}, {}

    def attachment(env, where):
        return {"pk": _file(env, where).pk}, {}

    def org_query(env, where):
        return {}, {"organization": env.org(where).pk}

    return {
        "recruitment:list": [anywhere("get", P), obj("get", R, org_query)],
        "recruitment:create": [*get_and_post(anywhere("get", M)), *get_and_post(obj("get", M, org_query))],
        "recruitment:holidays": [anywhere("get", R), Route("post", None, "superuser")],
        "recruitment:detail": [obj("get", R, applicant)],
        "recruitment:step": get_and_post(obj("get", M, step)),
        "recruitment:stop": get_and_post(obj("get", M, applicant)),
        "recruitment:attachment": [obj("get", R, attachment)],
    }
