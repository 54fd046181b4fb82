"""The committee's side of the public site: the brand, articles through review, versions; a member's consent.
Thin: access, form, service, render or redirect."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chuxin.core.access import Need, has_any
from chuxin.core.forms import add_service_errors, run_service
from chuxin.orgs.selectors import access_organization

from . import selectors, services
from .access import SUBJECT, is_committee
from .forms import ArticleForm, ProfileForm, PublishForm
from .models import Article, SiteProfile
from .states import ARTICLES


def _organization(request, need: Need = Need.READ):
    return access_organization(request.user, request.GET.get("organization"), need=need)


def _committee(user, organization) -> None:
    if not is_committee(user, organization):
        raise PermissionDenied


@login_required
@require_GET
def manage_view(request):
    if not request.GET.get("organization"):
        if not has_any(request.user, Need.READ):
            raise PermissionDenied
        page = Paginator(selectors.sites_in_scope(request.user), 50).get_page(request.GET.get("page"))
        return render(request, "site/choose.html", {"page": page,
                                                    "waiting": selectors.waiting_review(request.user)[:20]})
    organization = _organization(request)
    status = request.GET.get("status", "") if request.GET.get("status") in Article.Status.values else ""
    page = Paginator(selectors.article_list(request.user, organization, status=status), 30).get_page(
        request.GET.get("page"))
    return render(request, "site/manage.html", {
        "organization": organization, "profile": SiteProfile.objects.filter(organization=organization).first(),
        "page": page, "status": status, "statuses": Article.Status.choices,
        "may_write": is_committee(request.user, organization),
        "qs": f"organization={organization.pk}&status={status}&"})


@login_required
@require_http_methods(["GET", "POST"])
def profile_view(request):
    organization = _organization(request)
    _committee(request.user, organization)
    profile = SiteProfile.objects.filter(organization=organization).first()
    form = ProfileForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        try:
            services.profile_save(actor=request.user, organization=organization,
                                  **{k: form.cleaned_data[k] for k in ProfileForm.Meta.fields})
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The public site is saved."))
            return redirect(f"{_manage_url(organization)}")
    return render(request, "site/profile.html", {"organization": organization, "form": form, "profile": profile})


def _manage_url(organization) -> str:
    from django.urls import reverse

    return f"{reverse('site:manage')}?organization={organization.pk}"


def _save_article(request, form, organization, article=None):
    """Store the picture (if any), then the article; errors go back onto the form."""
    fields = form.article_fields()
    try:
        upload = form.cleaned_data.get("picture")
        if upload:
            fields["image"] = services.image_upload(actor=request.user, organization=organization, upload=upload,
                                                    alt=form.cleaned_data.get("picture_alt", ""))
        if article is None:
            return services.article_create(actor=request.user, organization=organization, token=form.token,
                                           **fields)
        return services.article_update(actor=request.user, article=article, **fields)
    except ValidationError as error:
        if error.code in ("too_large", "not_image"):
            form.add_error("picture", error)
        else:
            add_service_errors(form, error)
    return None


@login_required
@require_http_methods(["GET", "POST"])
def create_view(request):
    organization = _organization(request)
    _committee(request.user, organization)
    form = ArticleForm(request.POST or None, request.FILES or None, organization=organization)
    if request.method == "POST" and form.is_valid():
        article = _save_article(request, form, organization)
        if article is not None:
            messages.success(request, _("The draft is saved."))
            return redirect("site:article", pk=article.pk)
    return render(request, "site/form.html", {"organization": organization, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def edit_view(request, pk: int):
    article = selectors.access_article(request.user, pk, need=Need.READ)
    _committee(request.user, article.organization)
    form = ArticleForm(request.POST or None, request.FILES or None, instance=Article.objects.get(pk=article.pk),
                       organization=article.organization)
    if (request.method == "POST" and form.is_valid()
            and _save_article(request, form, article.organization, article) is not None):
        messages.success(request, _("Saved as a new version."))
        return redirect("site:article", pk=article.pk)
    return render(request, "site/form.html", {"organization": article.organization, "form": form,
                                              "article": article})


@login_required
@require_GET
def detail_view(request, pk: int):
    article = selectors.access_article(request.user, pk, need=Need.PUBLIC)
    may_write = is_committee(request.user, article.organization)
    if not may_write and not SUBJECT.holds(request.user, article, Need.PUBLIC):
        raise PermissionDenied  # a plain member reads the public site, not the drafts
    steps = ARTICLES.allowed(article.status, user=request.user, obj=article)
    consented = article.member_id and article.consents.filter(member_id=article.member_id).exists()
    return render(request, "site/detail.html", {
        "article": article, "organization": article.organization, "steps": steps, "may_write": may_write,
        "is_subject": SUBJECT.holds(request.user, article, Need.PUBLIC), "consented": consented,
        "publish_form": PublishForm(), "profile": SiteProfile.objects.filter(
            organization=article.organization).first()})


STEPS = {"submit": (services.article_submit, _("Submitted for review.")),
         "return": (services.article_return, _("Sent back to its author as a draft.")),
         "withdraw": (services.article_withdraw, _("Withdrawn from the public site.")),
         "redraft": (services.article_redraft, _("Taken up again as a draft."))}


@login_required
@require_POST
def step_view(request, pk: int):
    article = selectors.access_article(request.user, pk, need=Need.READ)
    _committee(request.user, article.organization)
    step = request.POST.get("step", "")
    if step == "publish":
        form = PublishForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
            return redirect("site:article", pk=article.pk)
        run_service(request, lambda: services.article_publish(
            actor=request.user, article=article, publish_at=form.cleaned_data["publish_at"]),
            success=_("Published on the public site."))
    elif step in STEPS:
        call, success = STEPS[step]
        run_service(request, lambda: call(actor=request.user, article=article), success=success)
    else:
        messages.error(request, _("Choose what to do with the article."))
    return redirect("site:article", pk=article.pk)


@login_required
@require_GET
def versions_view(request, pk: int):
    article = selectors.access_article(request.user, pk, need=Need.READ)
    _committee(request.user, article.organization)
    return render(request, "site/versions.html", {"article": article, "organization": article.organization,
                                                  "versions": selectors.article_versions(article)})


@login_required
@require_POST
def restore_view(request, pk: int):
    version = selectors.access_version(request.user, pk, need=Need.READ)
    _committee(request.user, version.article.organization)
    run_service(request, lambda: services.article_restore(actor=request.user, version=version),
                success=_("The earlier version is restored as the newest one."))
    return redirect("site:article", pk=version.article_id)


@login_required
@require_POST
def consent_view(request, pk: int):
    article = selectors.access_article(request.user, pk, need=Need.PUBLIC)
    if not SUBJECT.holds(request.user, article, Need.PUBLIC):
        raise PermissionDenied
    with transaction.atomic():
        if request.POST.get("consent") == "yes":
            services.consent_give(actor=request.user, article=article)
            messages.success(request, _("Thank you: your name may be shown with this story."))
        else:
            services.consent_withdraw(actor=request.user, article=article)
            messages.success(request, _("Your name will not be shown with this story."))
    return redirect("site:article", pk=article.pk)
