from django.urls import path

from . import views

app_name = "directives"
urlpatterns = [
    path("", views.inbox_view, name="inbox"),
    path("sent/", views.sent_view, name="sent"),
    path("new/", views.create_view, name="create"),
    path("<int:pk>/", views.detail_view, name="detail"),
    path("<int:pk>/export/", views.export_view, name="export"),
    path("<int:pk>/remind/", views.remind_view, name="remind"),
    path("<int:pk>/close/", views.close_view, name="close"),
    path("<int:pk>/withdraw/", views.withdraw_view, name="withdraw"),
    path("<int:pk>/attachments/", views.attach_view, name="attach"),
    path("received/<int:pk>/", views.recipient_view, name="recipient"),
    path("received/<int:pk>/acknowledge/", views.acknowledge_view, name="acknowledge"),
    path("received/<int:pk>/actions/", views.action_add_view, name="action-add"),
    path("received/<int:pk>/tasks/new/", views.task_add_view, name="task-add"),
    path("received/<int:pk>/complete/", views.complete_view, name="complete"),
    path("received/<int:pk>/attachments/", views.recipient_attach_view, name="recipient-attach"),
    path("attachments/<int:pk>/", views.attachment_view, name="attachment"),
    path("attachments/<int:pk>/remove/", views.attachment_remove_view, name="attachment-remove"),
    path("actions/<int:pk>/toggle/", views.action_toggle_view, name="action-toggle"),
]
