"""Courses (ordered lessons from the library, completion per person, progress for an organization), training
classes (roster, sessions, attendance by the organizer) and the study-hours ledger."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chuxin.core import rules as core_rules
from chuxin.core.access import Need, can, has_any, scope_q
from chuxin.core.attachments import download_response
from chuxin.core.forms import add_service_errors, run_service
from chuxin.core.paths import subtree_q
from chuxin.members.models import Member
from chuxin.members.selectors import access_member
from chuxin.orgs.models import Organization
from chuxin.orgs.selectors import access_organization

from . import selectors, services
from .apps import CANDIDATE_DAYS, CANDIDATE_HOURS
from .forms import ClassForm, CourseForm, EnrollForm, ExternalForm, FinalExamForm, LessonForm, SessionForm
from .models import Item, TrainingClass
from .views import _managed, _org_from


def _year(request) -> int:
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
    except (TypeError, ValueError):
        year = today.year
    return year if 2000 <= year <= today.year + 1 else today.year


# ---------------------------------------------------------------------------------------------------------------
# Courses


@login_required
@require_GET
def courses_view(request):
    if not has_any(request.user, Need.PUBLIC):
        raise PermissionDenied
    return render(request, "learning/courses.html", {
        "courses": selectors.course_list(request.user)[:100], "classes": selectors.class_list(request.user)[:100],
        "can_add": has_any(request.user, Need.MANAGE)})


@login_required
@require_http_methods(["GET", "POST"])
def course_create_view(request):
    organization = _org_from(request)
    form = CourseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            course = services.course_create(actor=request.user, organization=organization, token=form.token,
                                            **{k: form.cleaned_data[k] for k in ("title", "description")})
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect(course)
    return render(request, "learning/simple_form.html", {
        "form": form, "organization": organization, "managed": _managed(request.user),
        "title": _("New course"), "back": reverse("learning:courses")})


def _library_for(course):
    from chuxin.core.paths import ancestor_paths

    return Item.objects.filter(
        organization_path__in=[*ancestor_paths(course.organization_path), course.organization_path]
    ).order_by("-created_at")[:300]


@login_required
@require_GET
def course_view(request, pk: int):
    course = selectors.access_course(request.user, pk)
    member = selectors.own_member(request.user)
    done = selectors.completed_lessons(member, course)
    lessons = list(course.lessons.select_related("item"))
    manage = can(request.user, course.organization, Need.MANAGE)
    return render(request, "learning/course.html", {
        "course": course, "lessons": lessons, "done": done, "member": member, "manage": manage,
        "lesson_form": LessonForm(items=_library_for(course)) if manage else None,
        "follows": can(request.user, course.organization, Need.READ) or has_any(request.user, Need.READ),
        "n_done": len(done)})


@login_required
@require_POST
def lesson_add_view(request, pk: int):
    course = selectors.access_course(request.user, pk, need=Need.MANAGE)
    form = LessonForm(request.POST, items=_library_for(course))
    if form.is_valid():
        run_service(request, lambda: services.lesson_add(actor=request.user, course=course,
                                                         item=form.cleaned_data["item"]), success=_("Lesson added."))
    else:
        messages.error(request, _("Choose an item of the library."))
    return redirect(course)


@login_required
@require_POST
def lesson_done_view(request, pk: int):
    lesson = selectors.access_lesson(request.user, pk)
    if selectors.own_member(request.user) is None:
        raise PermissionDenied
    services.lesson_complete(actor=request.user, lesson=lesson)
    return redirect(lesson.course)


@login_required
@require_GET
def course_progress_view(request, pk: int):
    course = selectors.access_course(request.user, pk)
    raw = request.GET.get("organization")
    if raw:
        organization = access_organization(request.user, raw, need=Need.READ)
    else:
        organization = Organization.objects.filter(scope_q(request.user, Need.READ)).order_by("path").first()
        if organization is None:
            raise PermissionDenied
    rows = selectors.course_progress(course, organization)
    total = course.lessons.count()
    finished = sum(1 for _m, n in rows if total and n >= total)
    return render(request, "learning/course_progress.html", {
        "course": course, "organization": organization, "rows": rows, "total": total, "finished": finished,
        "orgs": Organization.objects.filter(scope_q(request.user, Need.READ)).order_by("path")})


# ---------------------------------------------------------------------------------------------------------------
# Training classes


@login_required
@require_http_methods(["GET", "POST"])
def class_create_view(request):
    organization = _org_from(request)
    form = ClassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            cls = services.class_create(actor=request.user, organization=organization, token=form.token,
                                        **{k: form.cleaned_data[k] for k in ("kind", "title", "starts_on", "ends_on",
                                                                             "description")})
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect(cls)
    return render(request, "learning/simple_form.html", {
        "form": form, "organization": organization, "managed": _managed(request.user),
        "title": _("New training class"), "back": reverse("learning:courses")})


def _people_for(cls: TrainingClass):
    return Member.objects.filter(subtree_q(cls.organization_path, "organization__path"),
                                 status=Member.Status.ACTIVE).select_related("organization").order_by("name_pinyin")


@login_required
@require_GET
def class_view(request, pk: int):
    cls = selectors.access_class(request.user, pk, need=Need.READ)  # or a person on its roster
    member = selectors.own_member(request.user)
    manage = can(request.user, cls.organization, Need.MANAGE)
    reads = can(request.user, cls.organization, Need.READ)
    sessions = list(cls.sessions.prefetch_related("attended"))
    days, hours = selectors.class_hours(cls)
    roster = list(cls.roster.select_related("organization").order_by("name_pinyin")) if reads else []
    attended = {s.pk: {m.pk for m in s.attended.all()} for s in sessions}
    need_days = core_rules.value(CANDIDATE_DAYS, cls.organization)
    need_hours = core_rules.value(CANDIDATE_HOURS, cls.organization)
    mine = [s for s in sessions if member is not None and member.pk in attended[s.pk]]
    exam_results = selectors.final_exam_results(cls, roster) if reads and cls.final_exam_id else {}
    for person in roster:
        person.exam_attempt = exam_results.get(person.pk)
    return render(request, "learning/class.html", {
        "exam_form": FinalExamForm(initial={"exam": cls.final_exam_id}, exams=selectors.class_exam_choices(cls))
        if manage else None,
        "cls": cls, "sessions": sessions, "roster": roster, "attended": attended, "manage": manage, "reads": reads,
        "days": days, "hours": hours, "need_days": need_days, "need_hours": need_hours,
        "meets": days >= need_days or hours >= need_hours, "member": member, "mine": mine,
        "enroll_form": EnrollForm(people=_people_for(cls)) if manage else None,
        "session_form": SessionForm(initial={"on": cls.starts_on, "hours": 8}) if manage else None})


@login_required
@require_POST
def class_exam_view(request, pk: int):
    """Link or unlink the class's final exam (an exam of the class's organization)."""
    cls = selectors.access_class(request.user, pk, need=Need.MANAGE)
    form = FinalExamForm(request.POST, exams=selectors.class_exam_choices(cls))
    if form.is_valid():
        run_service(request, lambda: services.class_set_exam(actor=request.user, training_class=cls,
                                                             exam=form.cleaned_data["exam"]),
                    success=_("The final exam is saved."))
    else:
        messages.error(request, _("Choose one of the organization's exams."))
    return redirect(cls.get_absolute_url())


@login_required
@require_POST
def class_enroll_view(request, pk: int):
    cls = selectors.access_class(request.user, pk, need=Need.MANAGE)
    form = EnrollForm(request.POST, people=_people_for(cls))
    if form.is_valid():
        run_service(request, lambda: services.class_enroll(actor=request.user, training_class=cls,
                                                           members=form.cleaned_data["members"]),
                    success=_("Added to the roster."))
    else:
        messages.error(request, _("Choose the people to add."))
    return redirect(cls)


@login_required
@require_POST
def session_add_view(request, pk: int):
    cls = selectors.access_class(request.user, pk, need=Need.MANAGE)
    form = SessionForm(request.POST)
    if form.is_valid():
        run_service(request, lambda: services.session_add(actor=request.user, training_class=cls,
                                                          **form.cleaned_data), success=_("Session added."))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect(cls)


@login_required
@require_http_methods(["GET", "POST"])
def attendance_view(request, pk: int):
    session = selectors.access_session(request.user, pk, need=Need.MANAGE)
    cls = session.training_class
    roster = list(cls.roster.select_related("organization").order_by("name_pinyin"))
    if request.method == "POST":
        chosen = {str(v) for v in request.POST.getlist("present")}
        present = [m for m in roster if str(m.pk) in chosen]
        if run_service(request, lambda: services.session_attendance_set(actor=request.user, session=session,
                                                                        present=present),
                       success=_("Attendance saved.")):
            return redirect(cls)
    present = {m.pk for m in session.attended.all()}
    return render(request, "learning/attendance.html", {"session": session, "cls": cls, "roster": roster,
                                                        "present": present})


# ---------------------------------------------------------------------------------------------------------------
# Study hours


@login_required
@require_GET
def hours_view(request):
    """The member's own ledger (only theirs; time in the app is never shown or counted)."""
    member = selectors.own_member(request.user)
    year = _year(request)
    ledger = selectors.ledger_of(member, year) if member else None
    return render(request, "learning/hours.html", {"ledger": ledger, "year": year, "own": True,
                                                    "years": _years()})


def _years() -> list[int]:
    this = timezone.localdate().year
    return [this - 2, this - 1, this]


@login_required
@require_GET
def hours_member_view(request, pk: int):
    member = access_member(request.user, pk, need=Need.READ)
    if member.user_id == request.user.pk:
        return redirect("learning:hours")
    year = _year(request)
    return render(request, "learning/hours.html", {"ledger": selectors.ledger_of(member, year), "year": year,
                                                    "own": False, "years": _years(),
                                                    "manage": can(request.user, member.organization, Need.MANAGE)})


@login_required
@require_GET
def hours_org_view(request):
    raw = request.GET.get("organization")
    if raw:
        organization = access_organization(request.user, raw, need=Need.READ)
    else:
        organization = Organization.objects.filter(scope_q(request.user, Need.READ)).order_by("path").first()
        if organization is None:
            raise PermissionDenied
    year = _year(request)
    ledgers = selectors.ledgers(selectors.members_of(organization), year)
    below_only = request.GET.get("below") == "1"
    shown = [x for x in ledgers if x.below] if below_only else ledgers
    return render(request, "learning/hours_org.html", {
        "organization": organization, "year": year, "ledgers": shown, "below_only": below_only,
        "n_below": sum(1 for x in ledgers if x.below), "n_all": len(ledgers), "years": _years(),
        "orgs": Organization.objects.filter(scope_q(request.user, Need.READ)).order_by("path"),
        "year_open": year >= timezone.localdate().year})


@login_required
@require_http_methods(["GET", "POST"])
def external_add_view(request):
    raw = request.GET.get("member")
    if raw:
        member = access_member(request.user, raw, need=Need.PUBLIC)
        if member.user_id != request.user.pk and not can(request.user, member.organization, Need.MANAGE):
            raise PermissionDenied
    else:
        member = selectors.own_member(request.user)
        if member is None:
            raise PermissionDenied
    form = ExternalForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and _sent_before(request):
        # The same form again (a double click, a retry): its file is not sent twice, the first answer stands.
        return _after_external(request, member, timezone.localdate().year)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.external_training_add(actor=request.user, member=member, title=data["title"],
                                           provider=data["provider"], on=data["on"], hours=data["hours"],
                                           certificate=data["certificate"], token=form.token)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Training recorded."))
            return _after_external(request, member, data["on"].year)
    return render(request, "learning/simple_form.html", {
        "form": form, "title": _("Training elsewhere: %(name)s") % {"name": member.name}, "multipart": True,
        "member": member, "back": reverse("learning:hours")})


def _sent_before(request) -> bool:
    from chuxin.core.models import IdempotencyKey

    token = request.POST.get("token", "")
    return bool(token) and 0 < len(token) <= 64 and IdempotencyKey.objects.filter(
        user=request.user, token=token, object_id__gt="").exists()


def _after_external(request, member, year: int):
    if member.user_id == request.user.pk:
        return redirect(f"{reverse('learning:hours')}?year={year}")
    return redirect(f"{reverse('learning:hours-member', args=[member.pk])}?year={year}")


@login_required
@require_GET
def certificate_view(request, pk: int):
    row = selectors.access_external(request.user, pk)
    return download_response(row.certificate, row.certificate_name)

