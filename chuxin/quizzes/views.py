"""The pages of quizzes: practice (daily, challenge, wrong-answer book), the question bank and its import, exams
and their attempts, points. Thin: access, form, service, render or redirect.

No page or fragment carries a right answer or an explanation of a question before that person has answered it:
the question partial shows them only for an answer already saved (practice) or a paper already handed in."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chuxin.core import registry, versions
from chuxin.core.access import Need, can, has_any, require
from chuxin.core.forms import add_service_errors, run_service
from chuxin.core.models import IdempotencyKey
from chuxin.orgs.selectors import access_organization, organization_choices

from . import importing, selectors, services
from .forms import ExamForm, ImportForm, PointRuleForm, QuestionForm, member_choices
from .grading import letters
from .models import Answer, Attempt, Exam, PointRule, PracticeSession, Question, QuestionKind, WrongAnswer

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _int(value) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise Http404 from None
    if not 0 < number < 2**63:
        raise Http404
    return number


def _need_somewhere(user, need: Need) -> None:
    if not has_any(user, need):
        raise PermissionDenied


def shown(version, answer: Answer | None, *, reveal: bool) -> dict:
    """A question as a page shows it. `right`/`explanation` only when `reveal` (answered, or the paper handed in)."""
    kind = version.question.kind
    item = {"version": version, "kind": kind, "answer": answer, "reveal": reveal,
            "options": [(i, chr(65 + i), text) for i, text in enumerate(version.options)],
            "picked": [str(x) for x in (answer.response if answer else [])]}
    if reveal:
        item["right"] = (pgettext("list separator", ", ").join(letters(version.answer)) if kind in ("single", "multiple")
                         else (_("true") if version.answer == ["true"] else _("false")) if kind == "true_false"
                         else " / ".join(version.answer))
        item["explanation"] = version.explanation
        item["source"] = version.question.source
    return item


# ---------------------------------------------------------------------------------------------------------------
# Home and practice


@login_required
@require_GET
def home_view(request):
    _need_somewhere(request.user, Need.PUBLIC)
    today = timezone.localdate()
    session = selectors.practice_today(request.user, today)
    exams = list(selectors.assigned_exams(request.user).filter(closes_at__gt=timezone.now()).order_by("closes_at")[:20])
    org = selectors.home_organization(request.user)
    total = selectors.my_points(request.user)[0] if selectors.points_enabled(org) else None
    return render(request, "quizzes/home.html", {
        "session": session, "exams": exams, "attempts": selectors.attempts_of(request.user, exams),
        "wrong": WrongAnswer.objects.filter(user=request.user).count(), "points": total, "organization": org,
        "may_manage": has_any(request.user, Need.MANAGE), "now": timezone.now()})


def _session_items(session: PracticeSession) -> list[dict]:
    # `answered` counts the answers (the service keeps it, under the session's lock): none yet, nothing to read.
    answers = selectors.answers_of(session) if session.answered else {}
    return [shown(v, answers.get(v.pk), reveal=v.pk in answers) for v in selectors.versions_in_order(session.versions)]


@login_required
@require_GET
def daily_view(request):
    _need_somewhere(request.user, Need.PUBLIC)
    session = services.daily_practice(user=request.user, day=timezone.localdate())
    items = _session_items(session) if session else []
    return render(request, "quizzes/daily.html", {"session": session, "items": items})


def _answer_view(request, session: PracticeSession, version_pk: int, template: str):
    try:
        answer, _created = services.practice_answer(user=request.user, session=session, version_id=version_pk,
                                                    raw=request.POST.getlist("response"))
    except ValidationError as error:
        if not request.htmx:
            messages.error(request, " ".join(error.messages))
            return redirect(session.get_absolute_url())
        version = selectors.versions_in_order([version_pk])
        if not version:
            raise Http404 from None
        item = shown(version[0], None, reveal=False)
        return render(request, "quizzes/_question.html", {"item": item, "session": session,
                                                           "error": " ".join(error.messages)})
    if not request.htmx:
        return redirect(session.get_absolute_url())
    item = shown(answer.version, answer, reveal=True)
    return render(request, template, {"item": item, "session": session})


@versions.leaves_work_alone  # a practice or an exam in progress: no one's open work changes
@login_required
@require_POST
def daily_answer_view(request, version: int):
    session = selectors.practice_today(request.user, timezone.localdate())
    if session is None or version not in session.versions:
        raise Http404
    return _answer_view(request, session, version, "quizzes/_question.html")


@login_required
@require_GET
def challenge_view(request):
    _need_somewhere(request.user, Need.PUBLIC)
    session = PracticeSession.objects.filter(user=request.user, kind=PracticeSession.Kind.CHALLENGE).order_by(
        "-pk").first()
    item = None
    if session is not None and session.finished_at is None:
        answered = set(session.answers.values_list("version_id", flat=True))
        left = [v for v in session.versions if v not in answered]
        if left:
            item = shown(selectors.versions_in_order([left[0]])[0], None, reveal=False)
    best = PracticeSession.objects.filter(user=request.user, kind=PracticeSession.Kind.CHALLENGE,
                                          finished_at__isnull=False).order_by("-correct").values_list(
        "correct", flat=True).first()
    return render(request, "quizzes/challenge.html", {"session": session, "item": item, "best": best})


@versions.leaves_work_alone  # a practice or an exam in progress: no one's open work changes
@login_required
@require_POST
def challenge_start_view(request):
    _need_somewhere(request.user, Need.PUBLIC)
    if services.challenge_start(user=request.user) is None:
        messages.error(request, _("There are no questions to practise yet."))
    return redirect("quizzes:challenge")


@versions.leaves_work_alone  # a practice or an exam in progress: no one's open work changes
@login_required
@require_POST
def challenge_answer_view(request, pk: int, version: int):
    session = PracticeSession.objects.filter(pk=_int(pk), user=request.user,
                                             kind=PracticeSession.Kind.CHALLENGE).first()
    if session is None or version not in session.versions:
        raise Http404
    return _answer_view(request, session, version, "quizzes/_challenge_step.html")


@login_required
@require_GET
def wrong_book_view(request):
    _need_somewhere(request.user, Need.PUBLIC)
    rows = WrongAnswer.objects.filter(user=request.user).select_related("question__current")
    page = Paginator(rows, 20).get_page(request.GET.get("page"))
    items = [(row, shown(_with_question(row.question), None, reveal=False)) for row in page]
    return render(request, "quizzes/wrong_book.html", {"page_obj": page, "items": items})


def _with_question(question: Question):
    version = question.current
    version.question = question
    return version


@versions.leaves_work_alone  # a practice or an exam in progress: no one's open work changes
@login_required
@require_POST
def wrong_review_view(request, pk: int):
    row = WrongAnswer.objects.filter(user=request.user, question_id=_int(pk)).select_related(
        "question__current").first()
    if row is None:
        raise Http404
    version = _with_question(row.question)
    try:
        right = services.wrong_review(user=request.user, question=row.question, raw=request.POST.getlist("response"))
    except ValidationError as error:
        item = shown(version, None, reveal=False)
        return render(request, "quizzes/_review.html", {"item": item, "row": row, "error": " ".join(error.messages)})
    fake = Answer(version=version, response=request.POST.getlist("response"), correct=right)
    if not request.htmx:
        return redirect("quizzes:wrong-book")
    return render(request, "quizzes/_review.html", {"item": shown(version, fake, reveal=True), "row": row,
                                                    "right": right})


# ---------------------------------------------------------------------------------------------------------------
# The bank


@login_required
@require_GET
def bank_view(request):
    _need_somewhere(request.user, Need.MANAGE)
    topic = request.GET.get("topic", "")[:60]
    kind = request.GET.get("kind", "") if request.GET.get("kind") in QuestionKind.values else ""
    search = request.GET.get("q", "")[:50]
    rows = selectors.question_list(request.user, topic=topic, kind=kind, search=search)
    page = Paginator(rows, 30).get_page(request.GET.get("page"))
    for q in page:
        q.editable = can(request.user, q.organization, Need.MANAGE)
    return render(request, "quizzes/bank.html", {
        "page_obj": page, "topics": selectors.topics(request.user), "topic": topic, "kind": kind, "q": search,
        "kinds": QuestionKind.choices})


def _question_call(form: QuestionForm) -> dict:
    data = form.cleaned_data
    answer = data["answer"]
    kind = data.get("kind")
    return {"topic": data["topic"], "text": data["text"], "options": form.option_list(),
            "answer": answer, "explanation": data["explanation"], "source": data["source"],
            "difficulty": data["difficulty"], "_kind": kind}


def _answer_of(kind: str, written: str, options: list[str]) -> list:
    return importing.parse_answer(kind, written, options)


@login_required
@require_http_methods(["GET", "POST"])
def question_create_view(request):
    _need_somewhere(request.user, Need.MANAGE)
    orgs = organization_choices(request.user, need=Need.MANAGE)
    form = QuestionForm(request.POST or None, organizations=orgs)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            answer = _answer_of(data["kind"], data["answer"], form.option_list())
            IdempotencyKey.objects.create_once(
                actor=request.user, token=form.token, model=Question, create=lambda: services.question_create(
                    actor=request.user, organization=data["organization"], kind=data["kind"], topic=data["topic"],
                    text=data["text"], options=form.option_list(), answer=answer, explanation=data["explanation"],
                    source=data["source"], difficulty=data["difficulty"]))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The question is in the bank."))
            return redirect("quizzes:bank")
    return render(request, "quizzes/question_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def question_edit_view(request, pk: int):
    question = selectors.access_question(request.user, pk, need=Need.MANAGE)
    current = question.current
    initial = {"topic": question.topic, "text": current.text, "options": "\n".join(current.options),
               "answer": (letters(current.answer) if question.kind != "fill" else "|".join(current.answer))
               if question.kind != "true_false" else ("对" if current.answer == ["true"] else "错"),
               "explanation": current.explanation, "source": question.source, "difficulty": question.difficulty,
               "active": question.active}
    form = QuestionForm(request.POST or None, initial=initial, organizations=None, editing=True)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            answer = _answer_of(question.kind, data["answer"], form.option_list())
            services.question_edit(actor=request.user, question=question, topic=data["topic"], text=data["text"],
                                   options=form.option_list(), answer=answer, explanation=data["explanation"],
                                   source=data["source"], difficulty=data["difficulty"], active=data["active"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved. Answers already given keep the version they answered."))
            return redirect("quizzes:bank")
    return render(request, "quizzes/question_form.html", {"form": form, "question": question,
                                                          "versions": question.versions.order_by("-number")})


@login_required
@require_http_methods(["GET", "POST"])
def import_view(request):
    _need_somewhere(request.user, Need.MANAGE)
    form = ImportForm(request.POST or None, request.FILES or None,
                      organizations=organization_choices(request.user, need=Need.MANAGE))
    result = None
    if request.method == "POST" and form.is_valid():
        result = importing.import_questions(actor=request.user, organization=form.cleaned_data["organization"],
                                            upload=form.cleaned_data["file"])
        if result.ok:
            messages.success(request, _("%(n)s questions imported.") % {"n": result.created})
            return redirect("quizzes:bank")
    return render(request, "quizzes/import.html", {"form": form, "result": result})


@login_required
@require_GET
def import_template_view(request):
    _need_somewhere(request.user, Need.MANAGE)
    response = HttpResponse(importing.build_template(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="questions-template.xlsx"'
    return response


# ---------------------------------------------------------------------------------------------------------------
# Exams


@login_required
@require_GET
def exam_list_view(request):
    _need_somewhere(request.user, Need.PUBLIC)
    mine = list(selectors.assigned_exams(request.user).order_by("-closes_at")[:50])
    managed = list(selectors.managed_exams(request.user).order_by("-opens_at")[:50]) \
        if has_any(request.user, Need.MANAGE) else []
    return render(request, "quizzes/exams.html", {"mine": mine, "managed": managed, "now": timezone.now(),
                                                  "may_manage": has_any(request.user, Need.MANAGE),
                                                  "attempts": selectors.attempts_of(request.user, mine)})


def _exam_form(request, exam: Exam | None, organization=None):
    orgs = organization_choices(request.user, need=Need.MANAGE)
    where = exam.organization if exam else organization
    pool = selectors.Question.objects.filter(active=True, current__isnull=False).select_related("current")
    if where is not None:
        pool = pool.filter(organization_path__in=selectors.ancestor_paths(where.path))
    else:
        pool = pool.filter(organization_path__in=selectors.pool_paths(request.user))
    return ExamForm(request.POST or None, instance=exam, organizations=orgs, questions=pool.order_by("topic", "pk"),
                    members=member_choices(orgs), topics=sorted(set(pool.values_list("topic", flat=True))))


def _exam_save(request, form: ExamForm, exam: Exam | None):
    data = form.cleaned_data
    organization = exam.organization if exam else data["organization"]
    fields = {name: data[name] for name in ("title", "instructions", "mode", "opens_at", "closes_at",
                                            "time_limit", "pass_mark", "max_attempts")}
    fields["draw"] = form.draw()

    def save():
        return services.exam_save(actor=request.user, organization=organization, exam=exam, fields=fields,
                                  questions=list(data["questions"]), audience_orgs=list(data["audience_orgs"]),
                                  audience_members=list(data["audience_members"]))
    if exam is None:
        return IdempotencyKey.objects.create_once(actor=request.user, token=form.token, model=Exam, create=save)
    return save()


@login_required
@require_http_methods(["GET", "POST"])
def exam_create_view(request):
    _need_somewhere(request.user, Need.MANAGE)
    form = _exam_form(request, None)
    if request.method == "POST" and form.is_valid():
        try:
            exam = _exam_save(request, form, None)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The exam is saved as a draft. Publish it when it is ready."))
            return redirect(exam.get_absolute_url())
    return render(request, "quizzes/exam_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def exam_edit_view(request, pk: int):
    exam = selectors.access_exam(request.user, pk, need=Need.MANAGE)
    form = _exam_form(request, exam)
    if request.method == "POST" and form.is_valid():
        try:
            _exam_save(request, form, exam)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(exam.get_absolute_url())
    return render(request, "quizzes/exam_form.html", {"form": form, "exam": exam})


@login_required
@require_POST
def exam_publish_view(request, pk: int):
    exam = selectors.access_exam(request.user, pk, need=Need.MANAGE)
    run_service(request, lambda: services.exam_publish(actor=request.user, exam=exam),
                success=_("Published: the members it names see it on their workbench."))
    return redirect(exam.get_absolute_url())


@login_required
@require_GET
def exam_view(request, pk: int):
    exam = selectors.access_exam(request.user, pk, need=Need.PUBLIC)
    organizer = can(request.user, exam.organization, Need.READ)
    mine = list(Attempt.objects.filter(exam=exam, user=request.user).order_by("number"))
    services.attempts_expire_for(mine)
    context = {"exam": exam, "organizer": organizer, "may_manage": can(request.user, exam.organization, Need.MANAGE),
               "may_take": selectors.may_take(request.user, exam), "mine": mine, "now": timezone.now(),
               "open_attempt": next((a for a in mine if not a.is_over()), None)}
    if organizer:
        services.attempts_expire_for(list(exam.attempts.filter(submitted_at__isnull=True)))
        results = selectors.exam_results(exam)
        context.update(results=results, analysis=selectors.item_analysis(exam),
                       passed=sum(1 for a in results if a.passed))
    return render(request, "quizzes/exam.html", context)


@login_required
@require_POST
def exam_start_view(request, pk: int):
    exam = selectors.access_exam(request.user, pk, need=Need.PUBLIC)
    if not selectors.may_take(request.user, exam):
        raise PermissionDenied
    try:
        attempt = services.attempt_start(user=request.user, exam=exam)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(exam.get_absolute_url())
    return redirect(attempt.get_absolute_url())


def _own_attempt(request, pk: int) -> Attempt:
    attempt = Attempt.objects.filter(pk=_int(pk)).select_related("exam__organization").first()
    if attempt is None:
        raise Http404
    if attempt.user_id != request.user.pk:
        if can(request.user, attempt.exam.organization, Need.READ):
            raise PermissionDenied  # the organizer reads results on the exam's page, never takes a paper
        raise Http404
    return attempt


@login_required
@require_GET
def attempt_view(request, pk: int):
    """The paper while the time runs; the result (with the right answers) once it is handed in."""
    attempt = _own_attempt(request, pk)
    if attempt.submitted_at is None and attempt.is_over():
        services.attempts_expire_for([attempt])
        attempt.refresh_from_db()
    answers = {a.version_id: a for a in attempt.answers.all()}
    done = attempt.submitted_at is not None
    items = [shown(v, answers.get(v.pk), reveal=done) for v in selectors.versions_in_order(attempt.versions)]
    for item in items:
        item["field"] = f"q{item['version'].pk}"
    return render(request, "quizzes/attempt.html", {"attempt": attempt, "exam": attempt.exam, "items": items,
                                                    "done": done, "seconds_left": max(0, int(
                                                        (attempt.deadline - timezone.now()).total_seconds()))})


@versions.leaves_work_alone  # a practice or an exam in progress: no one's open work changes
@login_required
@require_POST
def attempt_save_view(request, pk: int, version: int):
    attempt = _own_attempt(request, pk)
    try:
        services.attempt_save(user=request.user, attempt=attempt, version_id=version,
                              raw=request.POST.getlist(f"q{version}"))
    except ValidationError as error:
        return render(request, "quizzes/_saved.html", {"error": " ".join(error.messages)}, status=409)
    return render(request, "quizzes/_saved.html", {"saved_at": timezone.now()})


@login_required
@require_POST
def attempt_submit_view(request, pk: int):
    attempt = _own_attempt(request, pk)
    responses = {v: request.POST.getlist(f"q{v}") for v in attempt.versions if f"q{v}" in request.POST}
    attempt, graded = services.attempt_submit(user=request.user, attempt=attempt, responses=responses,
                                              auto=request.POST.get("auto") == "1")
    if graded:
        messages.success(request, _("Your paper is handed in."))
    else:
        messages.info(request, _("This paper was already handed in; it is scored once."))
    return redirect(attempt.get_absolute_url())


# ---------------------------------------------------------------------------------------------------------------
# Points


@login_required
@require_GET
def points_view(request):
    _need_somewhere(request.user, Need.PUBLIC)
    org = selectors.home_organization(request.user)
    total, entries = selectors.my_points(request.user)
    page = Paginator(entries, 30).get_page(request.GET.get("page"))
    kinds = registry.record_kinds()
    for entry in page:
        entry.kind_label = kinds[entry.kind].label if entry.kind in kinds else entry.kind
    return render(request, "quizzes/points.html", {
        "organization": org, "enabled": selectors.points_enabled(org), "total": total, "page_obj": page,
        "rules": sorted(selectors.point_rules_for(org).values(), key=lambda r: r.kind) if org else [],
        "kinds": kinds, "ranking": selectors.rankings_enabled(org)})


def _org_from_query(request, need: Need):
    if request.GET.get("organization"):
        return access_organization(request.user, request.GET["organization"], need=need)
    _need_somewhere(request.user, need)
    org = selectors.home_organization(request.user)
    if org is None or not can(request.user, org, need):
        org = organization_choices(request.user, need=need).order_by("path").first()
    if org is None:
        raise PermissionDenied
    return org


@login_required
@require_http_methods(["GET", "POST"])
def point_settings_view(request):
    org = _org_from_query(request, Need.MANAGE)
    kinds = registry.record_kinds()
    form = PointRuleForm(request.POST or None, kinds=kinds)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.point_rule_save(actor=request.user, organization=org, kind=data["kind"], points=data["points"],
                                     daily_cap=data["daily_cap"], weekly_cap=data["weekly_cap"],
                                     once_only=data["once_only"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(f"{request.path}?organization={org.pk}")
    rules = PointRule.objects.filter(organization=org)
    for rule in rules:
        rule.label = kinds[rule.kind].label if rule.kind in kinds else rule.kind
    inherited = [r for r in selectors.point_rules_for(org).values() if r.organization_id != org.pk]
    for rule in inherited:
        rule.label = kinds[rule.kind].label if rule.kind in kinds else rule.kind
    return render(request, "quizzes/point_settings.html", {
        "organization": org, "form": form, "rules": rules, "inherited": inherited,
        "enabled": selectors.points_enabled(org), "ranking": selectors.rankings_enabled(org),
        "organizations": organization_choices(request.user, need=Need.MANAGE).order_by("path")})


@login_required
@require_POST
def point_rule_delete_view(request, pk: int):
    rule = PointRule.objects.filter(pk=_int(pk)).select_related("organization").first()
    if rule is None:
        raise Http404
    require(request.user, rule.organization, Need.MANAGE)
    run_service(request, lambda: services.point_rule_delete(actor=request.user, rule=rule),
                success=_("Removed. Points already earned stay in the ledger."))
    return redirect(f"{reverse('quizzes:point-settings')}?organization={rule.organization_id}")


@login_required
@require_GET
def ranking_view(request):
    org = _org_from_query(request, Need.PUBLIC)
    if not selectors.rankings_enabled(org):
        return render(request, "quizzes/ranking.html", {"organization": org, "enabled": False})
    year = timezone.localdate().year
    return render(request, "quizzes/ranking.html", {"organization": org, "enabled": True, "year": year,
                                                    "rows": selectors.top_points(org, year=year),
                                                    "top": selectors.TOP})
