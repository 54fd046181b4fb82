from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chuxin.core import rules
from chuxin.core.access import Need, can, has_any
from chuxin.core.forms import add_service_errors, run_service
from chuxin.orgs.selectors import access_organization

from . import selectors, services
from .access import PARTICIPANT, SEAT, participant_for
from .apps import EXCELLENT_SHARE
from .forms import BallotForm, DecisionForm, OpenForm, ProposalForm, SelfAssessmentForm, TalkForm
from .models import Evaluation
from .states import STAGES, may_propose

S = Evaluation.Stage
PAGE_SIZE = 50


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None


# ---------------------------------------------------------------------------------------------------------------
# The evaluations


@login_required
@require_GET
def index_view(request):
    """My own parts in evaluations, and the evaluations of the organizations I read."""
    page = Paginator(selectors.evaluation_list(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "mine": list(selectors.my_participations(request.user)[:20]), "page_obj": page, "querystring_base": "",
        "can_read": has_any(request.user, Need.READ), "can_open": selectors.branches_to_open(request.user).exists(),
    }
    return render(request, "evaluation/index.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def create_view(request):
    if request.GET.get("org"):
        org = access_organization(request.user, _int(request.GET["org"]), need=Need.MANAGE)
    else:
        if not has_any(request.user, Need.MANAGE):
            raise PermissionDenied
        choices = list(selectors.branches_to_open(request.user)[:201])
        if len(choices) != 1:
            return render(request, "evaluation/choose_branch.html", {
                "choices": choices[:200], "pick": selectors.branches_to_open(request.user) if len(choices) > 200 else None})
        org = choices[0]
    form = OpenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            evaluation = services.evaluation_open(actor=request.user, organization=org, token=form.token,
                                                  **{k: v for k, v in form.cleaned_data.items() if k != "token"})
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The member evaluation has been opened; the members have been told."))
            return redirect("evaluation:detail", pk=evaluation.pk)
    return render(request, "evaluation/open.html", {"form": form, "organization": org})


@login_required
@require_GET
def detail_view(request, pk: int):
    """The evaluation as the branch's officers and readers see it: stage, progress, and once concluded the result
    list (the statutory result for the branch; never a ranking)."""
    evaluation = selectors.access_evaluation(request.user, pk, need=Need.READ)
    context = {
        "evaluation": evaluation, "progress": selectors.progress(evaluation),
        "rows": selectors.participant_rows(evaluation),
        "can_manage": can(request.user, evaluation.organization, Need.MANAGE),
        "can_propose": evaluation.stage == S.PROPOSAL and may_propose(request.user, evaluation),
        "steps": STAGES.allowed(evaluation.stage),
        "results": selectors.result_counts(evaluation) if evaluation.is_concluded else [],
        "mine": participant_for(evaluation, request.user),
    }
    return render(request, "evaluation/detail.html", context)


def _mine_page(request, evaluation, *, self_form=None, ballot_form=None, status: int = 200):
    me = participant_for(evaluation, request.user)
    voted = me is not None and evaluation.voters.filter(voter=me).exists()
    others = []
    if me is not None and evaluation.stage == S.GRADING and not voted:
        others = [p for p in evaluation.participants.filter(graded=True).exclude(pk=me.pk).select_related("member")]
    context = {
        "evaluation": evaluation, "me": me, "voted": voted,
        "self_form": self_form or (SelfAssessmentForm(initial={"text": me.self_assessment})
                                   if me is not None and evaluation.stage == S.SELF_ASSESSMENT else None),
        "ballot_form": ballot_form or (BallotForm(participants=others) if others else None),
        "can_read": can(request.user, evaluation.organization, Need.READ),
    }
    return render(request, "evaluation/mine.html", context, status=status)


@login_required
@require_GET
def mine_view(request, pk: int):
    """My own part: the self-assessment, the ballot, and once concluded my grade and the committee's comment."""
    evaluation = selectors.access_evaluation(request.user, pk, need=Need.PUBLIC)
    return _mine_page(request, evaluation)


@login_required
@require_POST
def self_assess_view(request, pk: int):
    evaluation = selectors.access_evaluation(request.user, pk, need=Need.MANAGE, relations=[PARTICIPANT])
    if participant_for(evaluation, request.user) is None:
        raise PermissionDenied
    form = SelfAssessmentForm(request.POST)
    if form.is_valid():
        try:
            services.self_assessment_write(actor=request.user, evaluation=evaluation, text=form.cleaned_data["text"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your self-assessment has been saved."))
            return redirect("evaluation:mine", pk=evaluation.pk)
    return _mine_page(request, evaluation, self_form=form)


@login_required
@require_POST
def ballot_view(request, pk: int):
    evaluation = selectors.access_evaluation(request.user, pk, need=Need.MANAGE, relations=[PARTICIPANT])
    me = participant_for(evaluation, request.user)
    if me is None:
        raise PermissionDenied
    others = list(evaluation.participants.filter(graded=True).exclude(pk=me.pk).select_related("member"))
    form = BallotForm(request.POST, participants=others)
    if form.is_valid():
        try:
            services.ballot_cast(actor=request.user, evaluation=evaluation, grades=form.grades())
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("evaluation:mine", pk=evaluation.pk)
        messages.success(request, _("Your ballot has been cast. It is anonymous: nobody can see how you graded."))
        return redirect("evaluation:mine", pk=evaluation.pk)
    if evaluation.stage != S.GRADING or evaluation.voters.filter(voter=me).exists():
        messages.error(request, _("Peer grading is not open, or you have already cast your ballot."))
        return redirect("evaluation:mine", pk=evaluation.pk)
    return _mine_page(request, evaluation, ballot_form=form)


@login_required
@require_POST
def advance_view(request, pk: int):
    evaluation = selectors.access_evaluation(request.user, pk, need=Need.MANAGE)
    step = request.POST.get("step", "")
    success = {"start_grading": _("Peer grading is open; the members have been told."),
               "close_grading": _("Peer grading is closed; the committee can now propose grades.")}.get(step, "")
    run_service(request, lambda: services.evaluation_advance(actor=request.user, evaluation=evaluation, step=step),
                success=success)
    return redirect("evaluation:detail", pk=evaluation.pk)


def _cap_context(evaluation, graded: int) -> dict:
    return {"cap": selectors.excellent_cap(evaluation, graded), "graded": graded,
            "share": rules.value(EXCELLENT_SHARE, evaluation.organization)}


@login_required
@require_http_methods(["GET", "POST"])
def propose_view(request, pk: int):
    """The committee's proposal: the tally of peer grades beside each graded member, a proposed grade and a
    comment for each; saved as a draft or handed to the meeting."""
    evaluation = selectors.access_evaluation(request.user, pk, need=Need.MANAGE, relations=[SEAT])
    shown = selectors.tally_shown(evaluation)
    rows = selectors.participant_rows(evaluation, with_tally=shown)
    graded = [r.participant for r in rows if r.participant.graded]
    editable = evaluation.stage == S.PROPOSAL
    form = ProposalForm(request.POST if request.method == "POST" and editable else None, participants=graded,
                        everyone=[r.participant for r in rows])
    if request.method == "POST" and editable and form.is_valid():
        submit = "submit" in request.POST
        try:
            services.grades_propose(actor=request.user, evaluation=evaluation, grades=form.grades(),
                                    comments=form.comments(), submit=submit)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The proposal has been handed to the branch general meeting.") if submit
                             else _("The proposal has been saved."))
            return redirect("evaluation:detail" if submit else "evaluation:propose", pk=evaluation.pk)
    elif request.method == "POST":
        messages.error(request, _("The committee's proposal can only be written after peer grading has closed."))
        return redirect("evaluation:detail", pk=evaluation.pk)
    for row in rows:
        row.grade_field = form[f"grade_{row.participant.pk}"] if row.participant.graded else None
        row.comment_field = form[f"comment_{row.participant.pk}"]
    context = {"evaluation": evaluation, "rows": rows, "form": form, "editable": editable, "tally_shown": shown,
               "min_voters": selectors.MIN_VOTERS_FOR_TALLY, **_cap_context(evaluation, len(graded))}
    return render(request, "evaluation/propose.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def decide_view(request, pk: int):
    """The branch general meeting's decision, recorded by the secretary: final grades (the proposal filled in),
    the meeting's date and a note. Recording it concludes the evaluation and tells each member."""
    evaluation = selectors.access_evaluation(request.user, pk, need=Need.MANAGE)
    shown = selectors.tally_shown(evaluation)
    rows = selectors.participant_rows(evaluation, with_tally=shown)
    graded = [r.participant for r in rows if r.participant.graded]
    editable = evaluation.stage == S.DECISION
    form = DecisionForm(request.POST if request.method == "POST" and editable else None, participants=graded)
    if request.method == "POST" and editable and form.is_valid():
        data = form.cleaned_data
        try:
            services.evaluation_conclude(actor=request.user, evaluation=evaluation, grades=form.grades(),
                                         meeting_on=data["meeting_on"], meeting_note=data["meeting_note"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The final grades have been recorded; each member has been told."))
            return redirect("evaluation:detail", pk=evaluation.pk)
    elif request.method == "POST":
        messages.error(request, _("The final grades can only be recorded after the committee's proposal."))
        return redirect("evaluation:detail", pk=evaluation.pk)
    for row in rows:
        row.grade_field = form[f"grade_{row.participant.pk}"] if row.participant.graded else None
    context = {"evaluation": evaluation, "rows": rows, "form": form, "editable": editable, "tally_shown": shown,
               "min_voters": selectors.MIN_VOTERS_FOR_TALLY, **_cap_context(evaluation, len(graded))}
    return render(request, "evaluation/decide.html", context)


# ---------------------------------------------------------------------------------------------------------------
# Talks


def _year(request) -> int:
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        return today.year
    return year if 2000 <= year <= today.year + 1 else today.year


@login_required
@require_GET
def talks_start_view(request):
    """Which organization's talks: that branch's page itself when the user reads only one."""
    if not has_any(request.user, Need.READ):
        raise PermissionDenied
    choices = list(selectors.talk_branches(request.user)[:201])
    if len(choices) == 1:
        return _talks_page(request, choices[0])
    return render(request, "evaluation/talks_start.html", {"choices": choices[:200]})


@login_required
@require_GET
def talks_view(request, pk: int):
    return _talks_page(request, selectors.access_talk_organization(request.user, pk, need=Need.READ, seat=True))


def _talks_page(request, org):
    year = _year(request)
    page = Paginator(selectors.talk_list(org, year), PAGE_SIZE).get_page(request.GET.get("page"))
    for talk in page:
        talk.note_visible = selectors.talk_note_visible(request.user, talk)
    context = {
        "organization": org, "year": year, "page_obj": page, "querystring_base": f"year={year}&",
        "can_manage": can(request.user, org, Need.MANAGE),
        "can_record": can(request.user, org, Need.MANAGE) or selectors.holds_seat(request.user, org),
        "years": list(range(timezone.localdate().year, timezone.localdate().year - 5, -1)),
    }
    return render(request, "evaluation/talks.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def talk_create_view(request, pk: int):
    org = selectors.access_talk_organization(request.user, pk, need=Need.MANAGE, seat=True)
    people = selectors.members_on_roll(org)
    manager = can(request.user, org, Need.MANAGE)
    talkers = people if manager else people.filter(user=request.user)
    form = TalkForm(request.POST or None, people=people, talkers=talkers)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.talk_record(actor=request.user, organization=org, talker=data["talker"], member=data["member"],
                                 held_on=data["held_on"], kind=data["kind"], note=data["note"], token=form.token)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The talk has been recorded."))
            return redirect("evaluation:talks", pk=org.pk)
    return render(request, "evaluation/talk_form.html", {"form": form, "organization": org})


@login_required
@require_GET
def coverage_view(request, pk: int):
    """For the secretary: committee members x members this year, who has not yet talked with whom."""
    org = selectors.access_talk_organization(request.user, pk, need=Need.MANAGE)
    year = _year(request)
    context = {"organization": org, "year": year, "coverage": selectors.coverage(org, year),
               "years": list(range(timezone.localdate().year, timezone.localdate().year - 5, -1))}
    return render(request, "evaluation/coverage.html", context)
