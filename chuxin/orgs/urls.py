from django.urls import path

from . import views

app_name = "orgs"
urlpatterns = [
    path("", views.tree_view, name="tree"),
    path("new/", views.create_view, name="create"),
    path("pick/", views.pick_view, name="pick"),
    path("<int:pk>/", views.detail_view, name="detail"),
    path("<int:pk>/children/", views.children_view, name="children"),
    path("<int:pk>/edit/", views.edit_view, name="edit"),
    path("<int:pk>/move/", views.move_view, name="move"),
    path("<int:pk>/deactivate/", views.deactivate_view, name="deactivate"),
    path("<int:pk>/rules/", views.rules_view, name="rules"),
    path("<int:pk>/rules/<slug:code>/", views.rule_set_view, name="rule-set"),
    path("<int:pk>/rules/<slug:code>/clear/", views.rule_clear_view, name="rule-clear"),
    path("<int:pk>/committee/", views.committee_view, name="committee"),
    path("<int:pk>/committee/new/", views.position_create_view, name="position-create"),
    path("positions/<int:pk>/edit/", views.position_edit_view, name="position-edit"),
    path("units/", views.work_units_view, name="work-units"),
    path("units/new/", views.work_unit_form_view, name="work-unit-create"),
    path("units/<int:pk>/", views.work_unit_detail_view, name="work-unit"),
    path("units/<int:pk>/edit/", views.work_unit_form_view, name="work-unit-edit"),
    path("departments/<int:pk>/edit/", views.department_edit_view, name="department-edit"),
    path("partners/", views.partners_view, name="partners"),
    path("partners/new/", views.partner_form_view, name="partner-create"),
    path("partners/<int:pk>/edit/", views.partner_form_view, name="partner-edit"),
]
