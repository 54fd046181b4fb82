from django.urls import path

from . import course_views, views

app_name = "learning"
urlpatterns = [
    path("", views.library_view, name="library"),
    path("items/new/", views.item_create_view, name="item-create"),
    path("items/<int:pk>/", views.item_view, name="item"),
    path("items/<int:pk>/edit/", views.item_edit_view, name="item-edit"),
    path("items/<int:pk>/media/", views.media_view, name="media"),
    path("items/<int:pk>/require/", views.reading_create_view, name="reading-create"),
    path("categories/", views.taxonomy_view, name="taxonomy"),
    path("import/", views.import_view, name="import"),
    path("import/<int:pk>/", views.import_review_view, name="import-review"),
    path("readings/", views.readings_view, name="readings"),
    path("readings/<int:pk>/", views.reading_view, name="reading"),
    path("courses/", course_views.courses_view, name="courses"),
    path("courses/new/", course_views.course_create_view, name="course-create"),
    path("courses/<int:pk>/", course_views.course_view, name="course"),
    path("courses/<int:pk>/lessons/", course_views.lesson_add_view, name="lesson-add"),
    path("courses/<int:pk>/progress/", course_views.course_progress_view, name="course-progress"),
    path("lessons/<int:pk>/done/", course_views.lesson_done_view, name="lesson-done"),
    path("classes/new/", course_views.class_create_view, name="class-create"),
    path("classes/<int:pk>/", course_views.class_view, name="class"),
    path("classes/<int:pk>/roster/", course_views.class_enroll_view, name="class-enroll"),
    path("classes/<int:pk>/exam/", course_views.class_exam_view, name="class-exam"),
    path("classes/<int:pk>/sessions/", course_views.session_add_view, name="session-add"),
    path("sessions/<int:pk>/attendance/", course_views.attendance_view, name="attendance"),
    path("hours/", course_views.hours_view, name="hours"),
    path("hours/organization/", course_views.hours_org_view, name="hours-org"),
    path("hours/members/<int:pk>/", course_views.hours_member_view, name="hours-member"),
    path("hours/elsewhere/new/", course_views.external_add_view, name="external-add"),
    path("hours/elsewhere/<int:pk>/certificate/", course_views.certificate_view, name="certificate"),
]
