from django.urls import path

from . import views

app_name = "audit"
urlpatterns = [
    path("", views.list_view, name="list"),
    path("export/", views.export_view, name="export"),
]
