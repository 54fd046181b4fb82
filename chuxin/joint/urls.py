from django.urls import path

from . import views

app_name = "joint"
urlpatterns = [
    path("", views.home_view, name="home"),
    path("<int:pk>/", views.committee_view, name="committee"),
    path("<int:pk>/members/", views.seats_view, name="seats"),
    path("members/<int:pk>/end/", views.seat_end_view, name="seat-end"),
    path("<int:pk>/proposals/new/", views.proposal_create_view, name="proposal-create"),
    path("proposals/<int:pk>/", views.proposal_view, name="proposal"),
    path("proposals/<int:pk>/comment/", views.comment_view, name="comment"),
    path("proposals/<int:pk>/vote/", views.vote_view, name="vote"),
    path("proposals/<int:pk>/step/", views.proposal_step_view, name="proposal-step"),
    path("proposals/<int:pk>/task/", views.proposal_task_view, name="proposal-task"),
    path("requests/<int:pk>/", views.request_view, name="request"),
    path("requests/<int:pk>/route/", views.request_route_view, name="request-route"),
    path("requests/<int:pk>/reply/", views.request_reply_view, name="request-reply"),
    path("<int:pk>/resources/new/", views.resource_create_view, name="resource-create"),
    path("resources/<int:pk>/", views.resource_view, name="resource"),
    path("bookings/<int:pk>/decide/", views.booking_decide_view, name="booking-decide"),
    path("bookings/<int:pk>/cancel/", views.booking_cancel_view, name="booking-cancel"),
    # Public, no login: the request form and the requester's private link
    path("ask/<int:pk>/", views.ask_view, name="ask"),
    path("feedback/<str:token>/", views.feedback_view, name="feedback"),
]
