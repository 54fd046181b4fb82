from django.urls import path

from . import views

app_name = "plans"
urlpatterns = [
    path("", views.list_view, name="list"),
    path("new/<int:pk>/", views.create_view, name="create"),  # pk: the organization
    path("areas/<int:pk>/", views.areas_view, name="areas"),  # pk: the organization
    path("people/<int:pk>/", views.people_view, name="people"),  # pk: the organization; the picker's search
    path("<int:pk>/", views.detail_view, name="detail"),
    path("<int:pk>/edit/", views.edit_view, name="edit"),
    path("<int:pk>/publish/", views.publish_view, name="publish"),
    path("<int:pk>/export/", views.export_view, name="export"),
    path("<int:pk>/items/new/", views.item_create_view, name="item-create"),
    path("items/<int:pk>/edit/", views.item_edit_view, name="item-edit"),
    path("items/<int:pk>/delete/", views.item_delete_view, name="item-delete"),
    path("items/<int:pk>/tasks/new/", views.task_create_view, name="task-create"),
    path("tasks/<int:pk>/", views.task_detail_view, name="task"),
    path("tasks/<int:pk>/edit/", views.task_edit_view, name="task-edit"),
    path("tasks/<int:pk>/delete/", views.task_delete_view, name="task-delete"),
    path("tasks/<int:pk>/progress/", views.progress_view, name="task-progress"),
    path("tasks/<int:pk>/confirm/", views.confirm_view, name="task-confirm"),
    path("tasks/<int:pk>/reopen/", views.reopen_view, name="task-reopen"),
    path("tasks/<int:pk>/milestones/new/", views.milestone_create_view, name="milestone-create"),
    path("milestones/<int:pk>/toggle/", views.milestone_toggle_view, name="milestone-toggle"),
    path("progress/<int:pk>/attachment/", views.attachment_view, name="attachment"),
]
