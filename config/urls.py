from django.urls import include, path
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from chuxin.core.views import healthz_view

urlpatterns = [
    path("healthz", healthz_view, name="healthz"),
    # Django's view answers any method; the language is changed only by the form's POST.
    path("i18n/setlang/", require_POST(set_language), name="set_language"),
    path("accounts/", include("chuxin.accounts.urls")),
    path("orgs/", include("chuxin.orgs.urls")),
    path("members/", include("chuxin.members.urls")),
    path("audit/", include("chuxin.audit.urls")),
    path("notifications/", include("chuxin.notifications.urls")),
    path("responsibilities/", include("chuxin.responsibilities.urls")),
    path("plans/", include("chuxin.plans.urls")),
    path("directives/", include("chuxin.directives.urls")),
    path("reports/", include("chuxin.reports.urls")),
    path("meetings/", include("chuxin.meetings.urls")),
    path("recruitment/", include("chuxin.recruitment.urls")),
    path("transfers/", include("chuxin.transfers.urls")),
    path("quizzes/", include("chuxin.quizzes.urls")),
    path("evaluation/", include("chuxin.evaluation.urls")),
    path("dues/", include("chuxin.dues.urls")),
    path("learning/", include("chuxin.learning.urls")),
    path("campaigns/", include("chuxin.campaigns.urls")),
    path("activities/", include("chuxin.activities.urls")),
    path("notices/", include("chuxin.notices.urls")),
    path("workbench/", include("chuxin.workbench.urls")),
    path("joint/", include("chuxin.joint.urls")),
    path("", include("chuxin.site.urls")),
    path("", include("chuxin.portal.urls")),
]

handler400 = "chuxin.core.errors.bad_request"
handler403 = "chuxin.core.errors.permission_denied"
handler404 = "chuxin.core.errors.page_not_found"
handler500 = "chuxin.core.errors.server_error"
