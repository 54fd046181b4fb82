from django.urls import path

from . import views

app_name = "responsibilities"
urlpatterns = [
    path("", views.mine_view, name="mine"),
    path("lists/<int:pk>/", views.list_view, name="list"),
    path("items/<int:pk>/mark/", views.item_mark_view, name="item-mark"),
    path("items/<int:pk>/undo/", views.item_undo_view, name="item-undo"),
    path("overview/", views.overview_start_view, name="overview-start"),
    path("overview/<int:pk>/", views.overview_view, name="overview"),
    path("overview/<int:pk>/export/", views.overview_export_view, name="overview-export"),
    path("templates/<int:pk>/", views.templates_view, name="templates"),
    path("templates/<int:pk>/adopt/", views.templates_adopt_view, name="templates-adopt"),
    path("templates/<int:pk>/items/new/", views.template_item_create_view, name="template-item-create"),
    path("template-items/<int:pk>/edit/", views.template_item_edit_view, name="template-item-edit"),
    path("template-items/<int:pk>/delete/", views.template_item_delete_view, name="template-item-delete"),
]
