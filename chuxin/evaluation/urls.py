from django.urls import path

from . import views

app_name = "evaluation"
urlpatterns = [
    path("", views.index_view, name="index"),
    path("new/", views.create_view, name="create"),
    path("<int:pk>/", views.detail_view, name="detail"),
    path("<int:pk>/me/", views.mine_view, name="mine"),
    path("<int:pk>/me/self-assessment/", views.self_assess_view, name="self-assess"),
    path("<int:pk>/me/ballot/", views.ballot_view, name="ballot"),
    path("<int:pk>/advance/", views.advance_view, name="advance"),
    path("<int:pk>/proposal/", views.propose_view, name="propose"),
    path("<int:pk>/decision/", views.decide_view, name="decide"),
    path("talks/", views.talks_start_view, name="talks-start"),
    path("talks/<int:pk>/", views.talks_view, name="talks"),
    path("talks/<int:pk>/new/", views.talk_create_view, name="talk-create"),
    path("talks/<int:pk>/coverage/", views.coverage_view, name="coverage"),
]
