from django.urls import path

from . import views

app_name = "quizzes"
urlpatterns = [
    path("", views.home_view, name="home"),
    path("daily/", views.daily_view, name="daily"),
    path("daily/answer/<int:version>/", views.daily_answer_view, name="daily-answer"),
    path("challenge/", views.challenge_view, name="challenge"),
    path("challenge/start/", views.challenge_start_view, name="challenge-start"),
    path("challenge/<int:pk>/answer/<int:version>/", views.challenge_answer_view, name="challenge-answer"),
    path("wrong/", views.wrong_book_view, name="wrong-book"),
    path("wrong/<int:pk>/", views.wrong_review_view, name="wrong-review"),
    path("bank/", views.bank_view, name="bank"),
    path("bank/new/", views.question_create_view, name="question-create"),
    path("bank/<int:pk>/", views.question_edit_view, name="question-edit"),
    path("bank/import/", views.import_view, name="import"),
    path("bank/import/template/", views.import_template_view, name="import-template"),
    path("exams/", views.exam_list_view, name="exams"),
    path("exams/new/", views.exam_create_view, name="exam-create"),
    path("exams/<int:pk>/", views.exam_view, name="exam"),
    path("exams/<int:pk>/edit/", views.exam_edit_view, name="exam-edit"),
    path("exams/<int:pk>/publish/", views.exam_publish_view, name="exam-publish"),
    path("exams/<int:pk>/start/", views.exam_start_view, name="exam-start"),
    path("attempts/<int:pk>/", views.attempt_view, name="attempt"),
    path("attempts/<int:pk>/save/<int:version>/", views.attempt_save_view, name="attempt-save"),
    path("attempts/<int:pk>/submit/", views.attempt_submit_view, name="attempt-submit"),
    path("points/", views.points_view, name="points"),
    path("points/settings/", views.point_settings_view, name="point-settings"),
    path("points/rules/<int:pk>/delete/", views.point_rule_delete_view, name="point-rule-delete"),
    path("points/ranking/", views.ranking_view, name="ranking"),
]
