from django.urls import path

from . import views

app_name = "workbench"
urlpatterns = [
    path("", views.home_view, name="home"),
    path("start/", views.landing_view, name="landing"),
    path("count/", views.badge_view, name="badge"),
    path("calendar/", views.calendar_view, name="calendar"),
    path("feed/", views.feed_settings_view, name="feed-settings"),
    path("feed/<slug:token>.ics", views.feed_view, name="feed"),
]
