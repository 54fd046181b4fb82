from django.urls import path

from . import views

app_name = "dues"
urlpatterns = [
    path("", views.home_view, name="home"),
    path("branch/", views.branch_view, name="branch"),
    path("branch/bills/", views.generate_view, name="generate"),
    path("branch/close/", views.close_view, name="close"),
    path("branch/month.xlsx", views.month_xlsx_view, name="month-xlsx"),
    path("reconciliation/", views.reconcile_view, name="reconcile"),
    path("summary/", views.summary_view, name="summary"),
    path("summary.xlsx", views.summary_xlsx_view, name="summary-xlsx"),
    path("members/<int:pk>/", views.member_view, name="member"),
    path("members/<int:pk>/base/", views.base_view, name="base"),
    path("members/<int:pk>/pay/", views.pay_view, name="pay"),
    path("members/<int:pk>/reduction/", views.reduction_add_view, name="reduction-add"),
    path("bills/<int:pk>/reason/", views.reason_view, name="reason"),
    path("reductions/", views.reductions_view, name="reductions"),
    path("reductions/<int:pk>/decide/", views.reduction_decide_view, name="reduction-decide"),
]
