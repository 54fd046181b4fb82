from django.urls import path

from . import compliance_views, views

app_name = "meetings"
urlpatterns = [
    path("", views.list_view, name="list"),
    path("new/", views.create_view, name="create"),
    path("themed-day/new/", views.batch_view, name="batch-create"),
    path("<int:pk>/", views.detail_view, name="detail"),
    path("<int:pk>/edit/", views.edit_view, name="edit"),
    path("<int:pk>/convene/", views.convene_view, name="convene"),
    path("<int:pk>/cancel/", views.cancel_view, name="cancel"),
    path("<int:pk>/attendance/", views.attendance_view, name="attendance"),
    path("<int:pk>/observers/", views.observer_add_view, name="observer-add"),
    path("<int:pk>/leave/", views.leave_view, name="leave"),
    path("<int:pk>/leave/ask/", views.leave_ask_view, name="leave-ask"),
    path("leave/<int:pk>/decide/", views.leave_decide_view, name="leave-decide"),
    path("<int:pk>/check-in/screen/", views.checkin_screen_view, name="checkin-screen"),
    path("<int:pk>/check-in/toggle/", views.checkin_toggle_view, name="checkin-toggle"),
    path("<int:pk>/check-in/", views.checkin_view, name="checkin"),
    path("<int:pk>/resolutions/", views.resolution_add_view, name="resolution-add"),
    path("<int:pk>/finalize/", views.finalize_view, name="finalize"),
    path("<int:pk>/amend/", views.amend_view, name="amend"),
    path("<int:pk>/review/", views.review_view, name="review"),
    path("<int:pk>/preparation/", views.preparation_view, name="preparation"),
    path("<int:pk>/criticism/", views.criticism_view, name="criticism"),
    path("<int:pk>/rectifications/", views.rectification_add_view, name="rectification-add"),
    path("rectifications/<int:pk>/task/", views.rectification_task_view, name="rectification-task"),
    path("<int:pk>/minutes.pdf", compliance_views.minutes_pdf_view, name="minutes-pdf"),
    path("compliance/", compliance_views.compliance_view, name="compliance"),
    path("exemptions/new/", compliance_views.exemption_add_view, name="exemption-add"),
    path("exemptions/<int:pk>/remove/", compliance_views.exemption_remove_view, name="exemption-remove"),
    path("arrangements/", compliance_views.arrangements_view, name="arrangements"),
    path("arrangements/<int:pk>/end/", compliance_views.arrangement_end_view, name="arrangement-end"),
    path("register.xlsx", compliance_views.register_view, name="register"),
    path("record-book.pdf", compliance_views.record_book_view, name="record-book"),
]
