"""The recruitment pages as people use them: the secretary records an application and steps, a refusal shows in
the user's words and nothing is saved, hostile text stays text, a person sees only their own record."""

from __future__ import annotations

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile

from chuxin.core.attachments import ATTACHMENT_MAX_BYTES
from chuxin.recruitment.models import Applicant, StepRecord
from chuxin.testing import valid_citizen_id

from .conftest import BORN, apply

TODAY = datetime.date.today()


def form_data(**extra) -> dict:
    return {"name": "林晓", "gender": "female", "ethnicity": "汉族", "birth_date": BORN.isoformat(),
            "citizen_id": valid_citizen_id(BORN, male=False), "phone": "", "education": "",
            "unit": "办公室", "applied_on": (TODAY - datetime.timedelta(days=2)).isoformat(), **extra}


def test_the_secretary_records_an_application_once_even_sent_twice(world, client):
    client.force_login(world.secretary)
    data = form_data(token="tok-1")
    first = client.post(f"/recruitment/new/?organization={world.b1.pk}", data)
    second = client.post(f"/recruitment/new/?organization={world.b1.pk}", data)
    a = Applicant.objects.get()
    assert first["Location"] == second["Location"] == f"/recruitment/{a.pk}/"
    page = client.get(first["Location"]).content.decode()
    assert "Talk with the applicant" in page and "due by" in page


def test_hostile_text_stays_text(world, client):
    client.force_login(world.secretary)
    client.post(f"/recruitment/new/?organization={world.b1.pk}",
                form_data(name="<script>x()</script>", unit="<img src=x onerror=alert(1)>"))
    a = Applicant.objects.get()
    client.post(f"/recruitment/{a.pk}/step/2/", {"on": TODAY.isoformat(), "note": "<script>y()</script>"})
    page = client.get(f"/recruitment/{a.pk}/").content.decode()
    assert "<script>x()" not in page and "<script>y()" not in page and "&lt;script&gt;" in page
    listing = client.get(f"/recruitment/?organization={world.b1.pk}").content.decode()
    assert "<script>x()" not in listing


def test_an_out_of_order_step_shows_why_and_saves_nothing(world, client):
    a = apply(world, on=TODAY - datetime.timedelta(days=400))
    client.force_login(world.secretary)
    response = client.post(f"/recruitment/{a.pk}/step/7/", {"on": TODAY.isoformat()})
    assert response.status_code == 200
    assert "step 2 (Talk with the applicant) comes first" in response.content.decode()
    assert StepRecord.objects.filter(applicant=a).count() == 1


def test_an_oversized_file_is_refused_and_the_step_not_saved(world, client):
    a = apply(world, on=TODAY - datetime.timedelta(days=3))
    client.force_login(world.secretary)
    big = SimpleUploadedFile("谈话记录.pdf", b"%PDF" + b"0" * ATTACHMENT_MAX_BYTES)
    response = client.post(f"/recruitment/{a.pk}/step/2/", {"on": TODAY.isoformat(), "files": [big]})
    assert response.status_code == 200 and "larger than" in response.content.decode()
    assert not StepRecord.objects.filter(applicant=a, number=2).exists()
    ok = SimpleUploadedFile("谈话记录.pdf", b"%PDF-1.4 talk")
    client.post(f"/recruitment/{a.pk}/step/2/", {"on": TODAY.isoformat(), "files": [ok]})
    record = StepRecord.objects.get(applicant=a, number=2)
    assert record.attachments.get().name == "谈话记录.pdf"


def test_a_person_sees_only_their_own_record(world, client):
    mine = apply(world, on=TODAY - datetime.timedelta(days=3), user=world.stranger)
    other = apply(world, on=TODAY - datetime.timedelta(days=3), name="别人",
                  number=valid_citizen_id(BORN, male=False))
    client.force_login(world.stranger)
    assert client.get("/recruitment/")["Location"] == f"/recruitment/{mine.pk}/"
    assert client.get(f"/recruitment/{mine.pk}/").status_code == 200
    assert client.get(f"/recruitment/{other.pk}/").status_code == 404
    assert client.get(f"/recruitment/{mine.pk}/step/2/").status_code == 404
    client.force_login(world.member_user)  # a member of the branch reads no one's record
    assert client.get(f"/recruitment/{other.pk}/").status_code == 403


def test_a_forged_id_from_another_branch_is_not_found(world, client):
    a = apply(world, on=TODAY - datetime.timedelta(days=3))
    client.force_login(world.outsider)
    for method in ("get", "post"):
        assert getattr(client, method)(f"/recruitment/{a.pk}/step/2/").status_code == 404
        assert getattr(client, method)(f"/recruitment/{a.pk}/stop/").status_code == 404
    assert client.put(f"/recruitment/{a.pk}/").status_code == 405
