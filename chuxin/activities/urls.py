from django.urls import path

from . import public_views, views, wish_views

app_name = "activities"
urlpatterns = [
    path("", views.list_view, name="list"),
    path("new/", views.create_view, name="create"),
    path("<int:pk>/", views.detail_view, name="detail"),
    path("<int:pk>/edit/", views.edit_view, name="edit"),
    path("<int:pk>/cancel/", views.cancel_view, name="cancel"),
    path("<int:pk>/close/", views.close_view, name="close"),
    path("<int:pk>/sign-up/", views.signup_view, name="signup"),
    path("<int:pk>/participants/", views.participants_view, name="participants"),
    path("<int:pk>/participants.xlsx", views.export_view, name="export"),
    path("<int:pk>/check-in/screen/", views.checkin_screen_view, name="checkin-screen"),
    path("<int:pk>/check-in/toggle/", views.checkin_toggle_view, name="checkin-toggle"),
    path("<int:pk>/check-in/", views.checkin_view, name="checkin"),
    path("participants/<int:pk>/withdraw/", views.withdraw_view, name="withdraw"),
    path("participants/<int:pk>/check-in/", views.participant_checkin_view, name="participant-checkin"),
    path("participants/<int:pk>/check-out/", views.participant_checkout_view, name="participant-checkout"),
    path("participants/<int:pk>/hours/", views.hours_view, name="hours"),
    path("wishes/", wish_views.wishes_view, name="wishes"),
    path("wishes/<int:pk>/", wish_views.wish_view, name="wish"),
    path("wishes/<int:pk>/review/", wish_views.wish_review_view, name="wish-review"),
    path("wishes/<int:pk>/claim/", wish_views.wish_claim_view, name="wish-claim"),
    path("wishes/<int:pk>/release/", wish_views.wish_release_view, name="wish-release"),
    path("wishes/<int:pk>/fulfil/", wish_views.wish_fulfil_view, name="wish-fulfil"),
    # Without login: the public lists, the form (also reached by an organization's own link), the private link.
    path("wishes/public/", public_views.public_list_view, name="public-wishes"),
    path("wishes/public/new/", public_views.public_new_view, name="public-new"),
    path("wishes/public/<slug:code>/", public_views.public_list_view, name="public-org-wishes"),
    path("wishes/public/<slug:code>/new/", public_views.public_new_view, name="public-org-new"),
    path("wishes/follow/<str:token>/", public_views.follow_view, name="follow"),
]
