"""Writes of the learning app: the library, the import, required reading, courses, training classes and training
elsewhere. Each checks its actor (chuxin.core.access.authorize), validates, saves in a transaction and audits."""

from __future__ import annotations

import datetime
import os
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _

from chuxin.audit.models import AuditEntry
from chuxin.audit.services import audit_record
from chuxin.core import richtext
from chuxin.core.access import Need, authorize, can
from chuxin.core.models import IdempotencyKey
from chuxin.core.paths import is_in_subtree
from chuxin.members.models import Member
from chuxin.quizzes.models import Exam
from chuxin.records.services import record_work

from . import search
from .apps import LESSON_DONE, READ
from .models import (
    MEDIA_EXTENSIONS,
    MEDIA_MAX_BYTES,
    Category,
    Completion,
    Course,
    ExternalTraining,
    ImportDraft,
    Item,
    Lesson,
    Reading,
    Receipt,
    Session,
    Tag,
    Topic,
    TrainingClass,
)
from .restore import restore

IMPORT_MAX_CHARS = 200_000
TAGS_MAX = 10


def _audit(actor, action, target, organization, changes=None) -> None:
    audit_record(actor=actor, action=action, target=target, organization=organization, changes=changes or {})


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


# ---------------------------------------------------------------------------------------------------------------
# Categories, topics, tags


@transaction.atomic
def category_create(*, actor, organization, name: str) -> Category:
    authorize(actor, organization, Need.MANAGE)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Enter a name.")})
    if Category.objects.filter(organization=organization, name=name).exists():
        raise ValidationError({"name": _("This organization already has a category of that name.")})
    category = Category(organization=organization, name=name)
    category.full_clean(exclude=["organization_path"])
    category.save()
    _audit(actor, AuditEntry.Action.CREATE, category, organization, {"name": ["", name]})
    return category


@transaction.atomic
def topic_create(*, actor, organization, name: str, description: str = "") -> Topic:
    authorize(actor, organization, Need.MANAGE)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Enter a name.")})
    if Topic.objects.filter(organization=organization, name=name).exists():
        raise ValidationError({"name": _("This organization already has a special topic of that name.")})
    topic = Topic(organization=organization, name=name, description=(description or "").strip())
    topic.full_clean(exclude=["organization_path"])
    topic.save()
    _audit(actor, AuditEntry.Action.CREATE, topic, organization, {"name": ["", name]})
    return topic


def parse_tags(text: str) -> list[str]:
    """Tags typed as one line, separated by commas, Chinese commas or spaces; unique, at most TAGS_MAX."""
    found: list[str] = []
    for part in (text or "").replace("，", ",").replace("、", ",").replace(" ", ",").split(","):
        part = part.strip()[:30]
        if part and part not in found:
            found.append(part)
    if len(found) > TAGS_MAX:
        raise ValidationError({"tags": _("At most %(n)s tags.") % {"n": TAGS_MAX}})
    return found


def _set_tags(item: Item, names: Iterable[str]) -> None:
    tags = []
    for name in names:
        tag, _created = Tag.objects.get_or_create(name=name)
        tags.append(tag)
    item.tags.set(tags)


def _check_places(organization, category: Category | None, topic: Topic | None) -> None:
    """A category or topic of the publisher's own tree (its own or a superior's), never a stranger's."""
    for thing, field in ((category, "category"), (topic, "topic")):
        if thing is not None and not is_in_subtree(organization.path, thing.organization_path):
            raise ValidationError({field: _("Choose one of your organization's own.")})


# ---------------------------------------------------------------------------------------------------------------
# Library items


def check_media(kind: str, upload) -> None:
    """An uploaded video, audio or PDF: of its kind's extensions, within the size limit, a PDF that is one."""
    if upload is None:
        raise ValidationError({"file": _("Choose the file to upload.")})
    extension = os.path.splitext(upload.name or "")[1].lower().lstrip(".")
    allowed = MEDIA_EXTENSIONS.get(kind, [])
    if extension not in allowed:
        raise ValidationError({"file": _("A file of this kind must end in %(kinds)s.") % {
            "kinds": "、".join(f".{e}" for e in allowed)}})
    if upload.size > MEDIA_MAX_BYTES:
        raise ValidationError({"file": _("The file is larger than %(mb)s MB.") % {"mb": MEDIA_MAX_BYTES // 2**20}})
    if kind == Item.Kind.DOCUMENT:
        upload.seek(0)
        head = upload.read(5)
        upload.seek(0)
        if not head.startswith(b"%PDF"):
            raise ValidationError({"file": _("This file is not a PDF document.")})


def _fill(item: Item, *, title, summary, body, authors, source, published_on, category, topic) -> None:
    item.title = (title or "").strip()
    item.summary = (summary or "").strip()
    item.body = richtext.sanitize(body or "")
    item.authors = (authors or "").strip()
    item.source = (source or "").strip()
    item.published_on = published_on
    item.category, item.topic = category, topic
    if not item.title:
        raise ValidationError({"title": _("Enter a title.")})
    if item.kind == Item.Kind.ARTICLE and richtext.is_blank(item.body):
        raise ValidationError({"body": _("Write the text of the article.")})
    item.search_words = search.index_text(item.title, item.summary, item.body)


@transaction.atomic
def item_create(*, actor, organization, kind: str, title: str, summary: str = "", body: str = "", authors: str = "",
                source: str = "", published_on: datetime.date | None = None, category: Category | None = None,
                topic: Topic | None = None, tags: Iterable[str] = (), upload=None, details: dict | None = None,
                token: str = "") -> Item:
    authorize(actor, organization, Need.MANAGE)
    if kind not in Item.Kind.values:
        raise ValidationError({"kind": _("Choose the kind of item.")})
    _check_places(organization, category, topic)

    def create() -> Item:
        item = Item(organization=organization, kind=kind, created_by=_user(actor), details=details or {})
        _fill(item, title=title, summary=summary, body=body, authors=authors, source=source,
              published_on=published_on, category=category, topic=topic)
        if item.is_media:
            check_media(kind, upload)
            item.file_name = os.path.basename(upload.name)[:200]
            item.file_size = upload.size
            item.file.save(upload.name, upload, save=False)
        item.full_clean(exclude=["organization_path", "file"])
        item.save()
        _set_tags(item, tags)
        _audit(actor, AuditEntry.Action.CREATE, item, organization, {"title": ["", item.title], "kind": ["", kind]})
        return item

    return IdempotencyKey.objects.create_once(actor=actor, token=token, model=Item, create=create)


@transaction.atomic
def item_update(*, actor, item: Item, title: str, summary: str = "", body: str = "", authors: str = "",
                source: str = "", published_on: datetime.date | None = None, category: Category | None = None,
                topic: Topic | None = None, tags: Iterable[str] = ()) -> Item:
    authorize(actor, item.organization, Need.MANAGE)
    item = Item.objects.select_for_update().select_related("organization").get(pk=item.pk)
    _check_places(item.organization, category, topic)
    before = item.title
    _fill(item, title=title, summary=summary, body=body, authors=authors, source=source, published_on=published_on,
          category=category, topic=topic)
    item.full_clean(exclude=["organization_path", "file"])
    item.save()
    _set_tags(item, tags)
    _audit(actor, AuditEntry.Action.UPDATE, item, item.organization, {"title": [before, item.title]})
    return item


def item_open(*, member: Member | None, item: Item) -> bool:
    """The member opened the item: their read receipt, the first time only. True when this was the first."""
    if member is None:
        return False
    if Receipt.objects.filter(item=item, member=member).exists():
        return False
    try:
        with transaction.atomic():
            receipt = Receipt.objects.create(item=item, member=member)
            # Collected once: where an organization has switched points on, a first reading may earn them.
            record_work(kind=READ, organization=member.organization, on=receipt.opened_at, target=receipt,
                        members=[member], label=item.title, url=item.get_absolute_url())
    except IntegrityError:  # the same member opening it twice at once: one receipt
        return False
    return True


# ---------------------------------------------------------------------------------------------------------------
# Article import: restore, review, publish


def _paragraphs_html(article: dict) -> str:
    """The structured article as the library's rich text: abstract, sections with headings, references, the
    author's biography (every piece escaped: pasted text is never markup)."""
    parts: list[str] = []
    for section in article.get("sections") or []:
        if section.get("heading"):
            parts.append(f"<h3>{escape(section['heading'])}</h3>")
        parts.extend(f"<p>{escape(p)}</p>" for p in section.get("paragraphs") or [])
    if article.get("references"):
        parts.append(f"<h4>{escape(_('References'))}</h4>")
        parts.append("<ol>" + "".join(f"<li>{escape(r)}</li>" for r in article["references"]) + "</ol>")
    if article.get("author_bio"):
        parts.append(f"<h4>{escape(_('About the author'))}</h4><p>{escape(article['author_bio'])}</p>")
    return "".join(parts)


@transaction.atomic
def import_draft_create(*, actor, organization, text: str, source_name: str = "") -> ImportDraft:
    """Restore a pasted or uploaded article and keep it for review; nothing reaches the library yet."""
    authorize(actor, organization, Need.MANAGE)
    text = text or ""
    if not text.strip():
        raise ValidationError({"text": _("Paste the article's text or choose a file.")})
    if len(text) > IMPORT_MAX_CHARS:
        raise ValidationError({"text": _("The text is longer than %(n)s characters.") % {"n": IMPORT_MAX_CHARS}})
    result = restore(text)
    article = dict(result.article)
    if not (article.get("title") or "").strip():
        raise ValidationError({"text": _("No title was found: the first line of the text should be its title.")})
    draft = ImportDraft.objects.create(
        organization=organization, source_name=(source_name or "")[:200], original=text, article=article,
        clean_text=result.text, created_by=actor,
        changes=[{"kind": c.kind, "before": c.before, "after": c.after, "line": c.line} for c in result.changes])
    _audit(actor, AuditEntry.Action.CREATE, draft, organization, {"article": ["", article.get("title", "")]})
    return draft


def _date(value) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


@transaction.atomic
def import_publish(*, actor, draft: ImportDraft, category: Category | None = None, topic: Topic | None = None,
                   tags: Iterable[str] = (), reading_organizations: Iterable = (), due_on: datetime.date | None = None
                   ) -> Item:
    """Publish a reviewed import into the library as an article (once: a second click finds the same item), and
    with `reading_organizations` and `due_on` make it required reading for them."""
    authorize(actor, draft.organization, Need.MANAGE)
    draft = ImportDraft.objects.select_for_update(of=("self",)).select_related(  # the draft only (outer join)
        "organization", "item").get(pk=draft.pk)
    if draft.item_id is not None:
        return draft.item
    if draft.created_by_id != getattr(actor, "pk", None) and actor is not None:
        raise PermissionDenied
    reading_organizations = list(reading_organizations)
    if reading_organizations and due_on is None:
        raise ValidationError({"due_on": _("Enter the date it should be read by.")})
    article = draft.article
    authors = article.get("authors") or []
    item = item_create(
        actor=actor, organization=draft.organization, kind=Item.Kind.ARTICLE, title=article.get("title", ""),
        summary=article.get("abstract", ""), body=_paragraphs_html(article),
        authors="、".join(authors) if isinstance(authors, list) else str(authors),
        source=article.get("source", ""), published_on=_date(article.get("published")), category=category,
        topic=topic, tags=list(tags) or list(article.get("keywords") or [])[:TAGS_MAX],
        details={k: article.get(k) for k in ("keywords", "references", "author_bio")})
    draft.item = item
    draft.save(update_fields=["item"])
    if reading_organizations:
        reading_create(actor=actor, item=item, organization=draft.organization, due_on=due_on,
                       organizations=reading_organizations)
    return item


# ---------------------------------------------------------------------------------------------------------------
# Required reading


@transaction.atomic
def reading_create(*, actor, item: Item, organization, due_on: datetime.date, organizations: Iterable = (),
                   members: Iterable[Member] = (), note: str = "", today: datetime.date | None = None,
                   token: str = "") -> Reading:
    """Ask organizations (their members on the roll) or chosen people to read an item by a date. The asking
    organization's managers choose within its subtree."""
    authorize(actor, organization, Need.MANAGE)
    organizations, members = list(organizations), list(members)
    today = today or timezone.localdate()
    if not organizations and not members:
        raise ValidationError(_("Choose the organizations or the people who should read it."))
    if due_on is None or due_on < today:
        raise ValidationError({"due_on": _("The date to read it by cannot be in the past.")})
    for org in organizations:
        if not is_in_subtree(org.path, organization.path):
            raise ValidationError({"organizations": _("Choose organizations within your own.")})
    for member in members:
        if not is_in_subtree(member.organization.path, organization.path):
            raise ValidationError({"members": _("Choose people within your own organization.")})
    if not is_in_subtree(organization.path, item.organization_path) and not is_in_subtree(
            item.organization_path, organization.path):
        raise PermissionDenied

    def create() -> Reading:
        reading = Reading(item=item, organization=organization, due_on=due_on, note=(note or "").strip()[:200],
                          assigned_by=_user(actor))
        reading.full_clean(exclude=["organization_path"])
        reading.save()
        reading.organizations.set(organizations)
        reading.members.set(members)
        _audit(actor, AuditEntry.Action.CREATE, reading, organization,
               {"due_on": ["", str(due_on)], "organizations": ["", "、".join(o.name for o in organizations)]})
        return reading

    return IdempotencyKey.objects.create_once(actor=actor, token=token, model=Reading, create=create)


# ---------------------------------------------------------------------------------------------------------------
# Courses


@transaction.atomic
def course_create(*, actor, organization, title: str, description: str = "", token: str = "") -> Course:
    authorize(actor, organization, Need.MANAGE)

    def create() -> Course:
        course = Course(organization=organization, title=(title or "").strip(),
                        description=(description or "").strip(), created_by=_user(actor))
        if not course.title:
            raise ValidationError({"title": _("Enter a title.")})
        course.full_clean(exclude=["organization_path"])
        course.save()
        _audit(actor, AuditEntry.Action.CREATE, course, organization, {"title": ["", course.title]})
        return course

    return IdempotencyKey.objects.create_once(actor=actor, token=token, model=Course, create=create)


@transaction.atomic
def lesson_add(*, actor, course: Course, item: Item) -> Lesson:
    authorize(actor, course.organization, Need.MANAGE)
    course = Course.objects.select_for_update().get(pk=course.pk)
    if not is_in_subtree(course.organization_path, item.organization_path):
        raise ValidationError({"item": _("Choose an item of the library your organization sees.")})
    existing = Lesson.objects.filter(course=course, item=item).first()
    if existing is not None:
        return existing
    last = course.lessons.order_by("-position").values_list("position", flat=True).first() or 0
    lesson = Lesson.objects.create(course=course, item=item, position=last + 1)
    _audit(actor, AuditEntry.Action.CREATE, lesson, course.organization, {"item": ["", item.title]})
    return lesson


def lesson_complete(*, actor, lesson: Lesson) -> bool:
    """The member marks a lesson done (their own word; no time measured). True when newly marked."""
    member = getattr(actor, "member", None) if getattr(actor, "is_authenticated", False) else None
    if member is None:
        raise PermissionDenied
    try:
        with transaction.atomic():
            row, created = Completion.objects.get_or_create(lesson=lesson, member=member)
            if created:
                record_work(kind=LESSON_DONE, organization=member.organization, on=timezone.localdate(), target=row,
                            members=[member], label=lesson.item.title, url=lesson.course.get_absolute_url())
    except IntegrityError:
        return False
    return created


# ---------------------------------------------------------------------------------------------------------------
# Training classes


@transaction.atomic
def class_create(*, actor, organization, kind: str, title: str, starts_on: datetime.date, ends_on: datetime.date,
                 description: str = "", token: str = "") -> TrainingClass:
    authorize(actor, organization, Need.MANAGE)

    def create() -> TrainingClass:
        if starts_on and ends_on and ends_on < starts_on:
            raise ValidationError({"ends_on": _("The last day cannot be before the first.")})
        cls = TrainingClass(organization=organization, kind=kind, title=(title or "").strip(), starts_on=starts_on,
                            ends_on=ends_on, description=(description or "").strip(), created_by=_user(actor))
        cls.full_clean(exclude=["organization_path"])
        cls.save()
        _audit(actor, AuditEntry.Action.CREATE, cls, organization, {"title": ["", cls.title]})
        return cls

    return IdempotencyKey.objects.create_once(actor=actor, token=token, model=TrainingClass, create=create)


@transaction.atomic
def class_enroll(*, actor, training_class: TrainingClass, members: Iterable[Member]) -> int:
    authorize(actor, training_class.organization, Need.MANAGE)
    members = list(members)
    for member in members:
        if not is_in_subtree(member.organization.path, training_class.organization_path):
            raise ValidationError({"members": _("Choose people within the class's organization.")})
    before = set(training_class.roster.values_list("pk", flat=True))
    new = [m for m in members if m.pk not in before]
    training_class.roster.add(*new)
    exam_id = TrainingClass.objects.filter(pk=training_class.pk).values_list("final_exam_id", flat=True).first()
    if new and exam_id:  # read afresh: the final exam may have been set since this class was read
        Exam.audience_members.through.objects.bulk_create(
            [Exam.audience_members.through(exam_id=exam_id, member_id=m.pk) for m in new], ignore_conflicts=True)
    if new:
        _audit(actor, AuditEntry.Action.UPDATE, training_class, training_class.organization,
               {"roster": ["", "、".join(m.name for m in new)]})
    return len(new)


@transaction.atomic
def class_set_exam(*, actor, training_class: TrainingClass, exam) -> TrainingClass:
    """Make `exam` (an exam of the class's organization) the class's final exam, or None to unlink it. The roster,
    now and as people are added, is among those who take it."""
    authorize(actor, training_class.organization, Need.MANAGE)
    training_class = TrainingClass.objects.select_for_update().get(pk=training_class.pk)
    if exam is not None and exam.organization_id != training_class.organization_id:
        raise ValidationError({"exam": _("Choose an exam of the class's own organization.")})
    before = training_class.final_exam
    training_class.final_exam = exam
    training_class.save(update_fields=["final_exam"])
    if exam is not None:
        exam.audience_members.add(*training_class.roster.all())
    if before != exam:
        _audit(actor, AuditEntry.Action.UPDATE, training_class, training_class.organization,
               {"final_exam": [str(before or ""), str(exam or "")]})
    return training_class


@transaction.atomic
def session_add(*, actor, training_class: TrainingClass, on: datetime.date, hours: Decimal, subject: str) -> Session:
    authorize(actor, training_class.organization, Need.MANAGE)
    if on and not (training_class.starts_on <= on <= training_class.ends_on):
        raise ValidationError({"on": _("The session must fall within the class's days.")})
    subject = (subject or "").strip()
    existing = Session.objects.filter(training_class=training_class, on=on, subject=subject).first()
    if existing is not None:  # sent twice: the session it made
        return existing
    session = Session(training_class=training_class, on=on, hours=hours, subject=subject)
    session.full_clean()
    session.save()
    _audit(actor, AuditEntry.Action.CREATE, session, training_class.organization,
           {"on": ["", str(on)], "hours": ["", str(session.hours)], "subject": ["", session.subject]})
    return session


@transaction.atomic
def session_attendance_set(*, actor, session: Session, present: Iterable[Member]) -> None:
    """The organizer records who attended a session (members of the roster only)."""
    cls = session.training_class
    authorize(actor, cls.organization, Need.MANAGE)
    roster = set(cls.roster.values_list("pk", flat=True))
    present = [m for m in present]
    if any(m.pk not in roster for m in present):
        raise ValidationError(_("Only people on the class's roster can attend its sessions."))
    session.attended.set(present)
    _audit(actor, AuditEntry.Action.UPDATE, session, cls.organization,
           {"attended": ["", "、".join(m.name for m in present)]})


# ---------------------------------------------------------------------------------------------------------------
# Training elsewhere


@transaction.atomic
def external_training_add(*, actor, member: Member, title: str, provider: str, on: datetime.date, hours: Decimal,
                          certificate, today: datetime.date | None = None, token: str = "") -> ExternalTraining:
    """Training elsewhere with its certificate: entered by the member themself or by a manager of their
    organization."""
    own = getattr(actor, "is_authenticated", False) and member.user_id == actor.pk
    if not own:
        authorize(actor, member.organization, Need.MANAGE)
    today = today or timezone.localdate()
    if on and on > today:
        raise ValidationError({"on": _("The training cannot finish on a future day.")})
    if certificate is None:
        raise ValidationError({"certificate": _("Attach the certificate of the training.")})

    def create() -> ExternalTraining:
        row = ExternalTraining(member=member, title=(title or "").strip(), provider=(provider or "").strip(), on=on,
                               hours=hours, certificate_name=os.path.basename(certificate.name or "")[:200],
                               entered_by=_user(actor))
        row.certificate.save(certificate.name, certificate, save=False)
        row.full_clean()
        row.save()
        _audit(actor, AuditEntry.Action.CREATE, row, member.organization,
               {"title": ["", row.title], "hours": ["", str(hours)]})
        return row

    return IdempotencyKey.objects.create_once(actor=actor, token=token, model=ExternalTraining, create=create)


def may_manage(user, organization) -> bool:
    return can(user, organization, Need.MANAGE)
