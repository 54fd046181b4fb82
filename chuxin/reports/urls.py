from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.mine_view, name="mine"),
    path("requirements/", views.requirement_list_view, name="requirements"),
    path("requirements/new/", views.requirement_create_view, name="requirement-create"),
    path("requirements/<int:pk>/", views.requirement_view, name="requirement"),
    path("requirements/<int:pk>/export/", views.requirement_export_view, name="requirement-export"),
    path("requirements/<int:pk>/edit/", views.requirement_edit_view, name="requirement-edit"),
    path("periods/<int:period>/write/<int:org>/", views.write_view, name="write"),
    path("<int:pk>/", views.report_view, name="report"),
    path("<int:pk>/review/", views.review_view, name="review"),
    path("<int:pk>/word/", views.word_view, name="word"),
    path("attachments/<int:pk>/", views.attachment_view, name="attachment"),
    path("attachments/<int:pk>/remove/", views.attachment_remove_view, name="attachment-remove"),
]
