"""Demo learning for the demo unit that `manage.py seed_demo` builds: a library with the shared articles imported
through the restoration (one of them required reading for HX-B01 and HX-B02, opened by some), a video-less mix of
categories and a special topic, a course of three lessons, a members' rotation training class of HX-PC with its
sessions and attendance, and training elsewhere for one member. With the meetings' study hours (the demo meetings
carry them) this gives a year in which some members reach their targets and others do not.
Idempotent: nothing is made when HX-PC already has library items."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from pathlib import Path

from django.core.files.base import ContentFile
from django.db import transaction

from chuxin.accounts.models import User
from chuxin.members.models import Member
from chuxin.orgs.models import Organization

from . import services
from .models import Item, Receipt, TrainingClass

FIXTURES = Path(__file__).resolve().parent / "fixtures"
ARTICLES = ("a_sanhui", "b_jifen", "c_plain")


@transaction.atomic
def seed_demo_data(*, today: datetime.date) -> None:
    orgs = {o.code: o for o in Organization.objects.filter(code__in=["HX-PC", "HX-B01", "HX-B02"])}
    pc = orgs.get("HX-PC")
    if pc is None or Item.objects.filter(organization=pc).exists():
        return
    worker = User.objects.filter(username="worker").first()
    category = services.category_create(actor=None, organization=pc, name="党建理论")
    services.category_create(actor=None, organization=pc, name="制度学习")
    topic = services.topic_create(actor=None, organization=pc, name="学习贯彻三会一课制度",
                                  description="围绕“三会一课”制度的理论文章与实践经验。")
    items = []
    for n, name in enumerate(ARTICLES):
        text = (FIXTURES / f"{name}.damaged.txt").read_text(encoding="utf-8")
        draft = services.import_draft_create(actor=worker, organization=pc, text=text, source_name=f"{name}.txt")
        branches = [orgs[c] for c in ("HX-B01", "HX-B02") if c in orgs] if n == 0 else []
        item = services.import_publish(actor=worker, draft=draft, category=category, topic=topic,
                                       reading_organizations=branches,
                                       due_on=today + datetime.timedelta(days=10) if branches else None)
        _full_width_colons(item)
        items.append(item)
    # A copy waiting for the worker's review (the import page lists it).
    services.import_draft_create(actor=worker, organization=pc, source_name="待核对.txt",
                                 text=(FIXTURES / "c_plain.clean.txt").read_text(encoding="utf-8"))
    items.append(services.item_create(
        actor=None, organization=pc, kind=Item.Kind.ARTICLE, title="党员教育培训工作要点",
        summary="党员每年集中学习培训时间一般不少于32学时。", category=category,
        body="<p>各党支部要把党员教育培训纳入年度计划，党员每年集中学习培训时间一般不少于32学时，"
             "基层党组织书记和班子成员每年参加集中培训和集体学习时间一般不少于56学时。</p>",
        tags=["学时", "教育培训"]))
    pdf = ContentFile(_pdf("党员学习手册"), name="handbook.pdf")
    pdf.size = len(pdf.read())
    pdf.seek(0)
    items.append(services.item_create(actor=None, organization=pc, kind=Item.Kind.DOCUMENT, title="党员学习手册",
                                      summary="在页面中直接阅读的 PDF 文档。", upload=pdf))
    course = services.course_create(actor=None, organization=pc, title="“三会一课”专题学习",
                                    description="三篇文章，依次学习，学完点“已学完”。")
    for item in items[:3]:
        services.lesson_add(actor=None, course=course, item=item)
    members = list(Member.objects.filter(organization__code__in=["HX-B01", "HX-B02"], status=Member.Status.ACTIVE)
                   .select_related("organization").order_by("pk"))
    for member in members[::3]:  # some have read the required article, others not yet
        Receipt.objects.get_or_create(item=items[0], member=member)
    for member in members[::4]:
        services.lesson_complete(actor=member.user, lesson=course.lessons.first()) if member.user_id else None
    start = today - datetime.timedelta(days=60)
    cls = services.class_create(actor=None, organization=pc, kind=TrainingClass.Kind.MEMBERS,
                                title=f"{today.year}年党员集中轮训班", starts_on=start,
                                ends_on=start + datetime.timedelta(days=1))
    rotated = members[: len(members) // 2]
    services.class_enroll(actor=None, training_class=cls, members=rotated)
    for day, subject in ((0, "党的二十届三中全会精神"), (1, "《中国共产党纪律处分条例》")):
        session = services.session_add(actor=None, training_class=cls, on=start + datetime.timedelta(days=day),
                                        hours=Decimal("8"), subject=subject)
        services.session_attendance_set(actor=None, session=session, present=rotated[day::1][: len(rotated) - day])
    if members:
        certificate = ContentFile(_pdf("结业证书"), name="certificate.pdf")
        certificate.size = len(certificate.read())
        certificate.seek(0)
        services.external_training_add(actor=None, member=members[0], title="基层党组织书记示范培训班",
                                       provider="市委党校", on=start, hours=Decimal("24"), certificate=certificate,
                                       today=today)


def _full_width_colons(item: Item) -> None:
    """The journals' copies write "研究方向:基层党建" with a half-width colon; the demo's pages are set in Chinese
    typography (the page-language check reads them), so the published copy takes the full-width one."""
    def fix(text: str) -> str:
        return re.sub(r"([\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]) ?:(?!//)", "\\1：", text or "")

    details = {k: [fix(v) for v in value] if isinstance(value, list) else fix(value) if isinstance(value, str)
               else value for k, value in (item.details or {}).items()}
    Item.objects.filter(pk=item.pk).update(body=fix(item.body), summary=fix(item.summary), details=details)


def _pdf(title: str) -> bytes:
    """A one-page PDF, enough for the browser's viewer (the demo ships no binary files)."""
    stream = b"BT /F1 18 Tf 72 720 Td (Chuxin demo) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)
