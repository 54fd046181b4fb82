from django.urls import path

from . import views

app_name = "recruitment"
urlpatterns = [
    path("", views.list_view, name="list"),
    path("new/", views.create_view, name="create"),
    path("holidays/", views.holidays_view, name="holidays"),
    path("<int:pk>/", views.detail_view, name="detail"),
    path("<int:pk>/step/<int:number>/", views.step_view, name="step"),
    path("<int:pk>/stop/", views.stop_view, name="stop"),
    path("files/<int:pk>/", views.attachment_view, name="attachment"),
]
