from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from chuxin.core.access import Need, fetch
from chuxin.core.forms import run_service
from chuxin.orgs.selectors import access_organization

from . import services
from .forms import LoginForm, PasswordChangeForm, RoleGrantForm
from .models import RoleGrant


@sensitive_post_parameters("password")
@require_http_methods(["GET", "POST"])
def login_view(request):
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.login_attempt(
                identifier=form.cleaned_data["identifier"], password=form.cleaned_data["password"]
            )
        except services.LoginRefused as refused:
            form.add_error(None, refused.message)
        else:
            login(request, user)
            target = request.POST.get("next") or request.GET.get("next")
            if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
                return redirect(target)
            return redirect(settings.LOGIN_REDIRECT_URL)  # each person lands on the page with their work
    return render(request, "accounts/login.html", {"form": form, "next": request.GET.get("next", "")})


@require_POST
def logout_view(request):
    logout(request)
    return redirect("accounts:login")


@login_required
@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
def password_change_view(request):
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.password_change(user=request.user, new_password=form.cleaned_data["new_password1"])
        update_session_auth_hash(request, request.user)
        messages.success(request, _("Your password has been changed."))
        return redirect(settings.LOGIN_REDIRECT_URL)  # the first password change ends the first login
    return render(request, "accounts/password_change.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def org_access_view(request, pk: int):
    organization = access_organization(request.user, pk, need=Need.ADMIN)
    form = RoleGrantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.role_grant(
                actor=request.user, user=form.user, organization=organization, role=form.cleaned_data["role"],
                token=form.token,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The role has been granted."))
            return redirect("accounts:org-access", pk=organization.pk)
    grants = organization.role_grants.select_related("user", "granted_by").order_by("role", "user__username")
    return render(
        request, "accounts/org_access.html", {"organization": organization, "grants": grants, "form": form}
    )


@login_required
@require_POST
def grant_revoke_view(request, pk: int):
    grant = fetch(request.user, RoleGrant.objects.select_related("organization", "user"), pk, need=Need.ADMIN)
    run_service(request, lambda: services.role_revoke(actor=request.user, grant=grant),
                success=_("The role has been revoked."))
    return redirect("accounts:org-access", pk=grant.organization_id)
