from django.urls import path

from . import views

app_name = "members"
urlpatterns = [
    path("", views.list_view, name="list"),
    path("new/", views.create_view, name="create"),
    path("import/", views.import_view, name="import"),
    path("import/jobs/<int:pk>/", views.import_job_view, name="import-job"),
    path("import/jobs/<int:pk>/confirm/", views.import_confirm_view, name="import-confirm"),
    path("import/template.xlsx", views.import_template_view, name="import-template"),
    path("export.xlsx", views.export_view, name="export"),
    path("logins/<int:pk>/", views.logins_view, name="logins"),  # pk: the organization
    path("<int:pk>/", views.detail_view, name="detail"),
    path("<int:pk>/edit/", views.edit_view, name="edit"),
    path("<int:pk>/reveal-id/", views.reveal_view, name="reveal-id"),
    path("<int:pk>/account/", views.account_create_view, name="account-create"),
    path("<int:pk>/account/unlock/", views.account_unlock_view, name="account-unlock"),
    path("<int:pk>/account/reset/", views.account_reset_view, name="account-reset"),
]
