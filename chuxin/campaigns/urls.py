from django.urls import path

from . import project_views, study_views, views

app_name = "campaigns"
urlpatterns = [
    path("", views.index_view, name="index"),
    path("new/", views.create_view, name="create"),
    path("<int:pk>/", views.detail_view, name="detail"),
    path("<int:pk>/stages/", views.stage_add_view, name="stage-add"),
    path("<int:pk>/end/", views.end_view, name="end"),
    path("<int:pk>/summary/", views.summary_view, name="summary"),
    path("checklists/<int:pk>/", views.checklist_view, name="checklist"),
    path("checklists/<int:pk>/tick/", views.tick_view, name="tick"),
    path("study/", study_views.plans_view, name="plans"),
    path("study/new/", study_views.plan_create_view, name="plan-create"),
    path("study/<int:pk>/", study_views.plan_view, name="plan"),
    path("study/<int:pk>/topics/", study_views.topic_add_view, name="topic-add"),
    path("study/topics/<int:pk>/", study_views.topic_view, name="topic"),
    path("study/topics/<int:pk>/meetings/", study_views.topic_link_view, name="topic-link"),
    path("study/materials/<int:pk>/", study_views.material_view, name="material"),
    path("innovation/", project_views.projects_view, name="projects"),
    path("innovation/calls/new/", project_views.call_create_view, name="call-create"),
    path("innovation/calls/<int:pk>/", project_views.call_view, name="call"),
    path("innovation/calls/<int:pk>/propose/", project_views.propose_view, name="propose"),
    path("innovation/<int:pk>/", project_views.project_view, name="project"),
    path("innovation/<int:pk>/review/", project_views.review_view, name="review"),
    path("innovation/<int:pk>/decide/", project_views.decide_view, name="decide"),
    path("innovation/<int:pk>/start/", project_views.start_view, name="start"),
    path("innovation/<int:pk>/milestones/", project_views.milestone_add_view, name="milestone-add"),
    path("innovation/milestones/<int:pk>/done/", project_views.milestone_done_view, name="milestone-done"),
    path("innovation/<int:pk>/updates/", project_views.update_add_view, name="update-add"),
    path("innovation/<int:pk>/close/", project_views.close_view, name="close"),
]
