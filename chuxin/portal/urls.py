from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [
    path("", views.home_view, name="home"),
    path("me/", views.me_view, name="me"),
    path("me/display/", views.me_display_view, name="me-display"),
    path("summary/", views.summary_view, name="summary"),
    path("badges/", views.badges_view, name="badges"),
]
