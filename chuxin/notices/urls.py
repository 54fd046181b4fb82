from django.urls import path

from . import views

app_name = "notices"
urlpatterns = [
    path("", views.list_view, name="list"),
    path("sent/", views.sent_view, name="sent"),
    path("new/", views.create_view, name="create"),
    path("<int:pk>/", views.detail_view, name="detail"),
    path("<int:pk>/confirm/", views.confirm_view, name="confirm"),
    path("<int:pk>/readers/", views.matrix_view, name="matrix"),
    path("<int:pk>/remind/", views.remind_view, name="remind"),
    path("attachments/<int:pk>/", views.attachment_view, name="attachment"),
    path("groups/", views.groups_view, name="groups"),
    path("groups/new/", views.group_create_view, name="group-create"),
    path("groups/<int:pk>/", views.group_view, name="group"),
    path("groups/<int:pk>/messages/", views.messages_view, name="messages"),
    path("groups/<int:pk>/search/", views.search_view, name="search"),
    path("groups/files/<int:pk>/", views.message_attachment_view, name="message-attachment"),
    path("quiet-hours/", views.quiet_view, name="quiet"),
    path("robots/", views.robots_view, name="robots"),
    path("robots/new/", views.robot_create_view, name="robot-create"),
    path("robots/<int:pk>/", views.robot_view, name="robot"),
    path("robots/<int:pk>/test/", views.robot_test_view, name="robot-test"),
    path("pushes/<int:pk>/retry/", views.push_retry_view, name="push-retry"),
]
