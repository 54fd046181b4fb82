from django.urls import path

from . import views

app_name = "transfers"
urlpatterns = [
    path("", views.list_view, name="list"),
    path("new/", views.create_view, name="create"),
    path("incoming/", views.incoming_view, name="incoming"),
    path("<int:pk>/", views.detail_view, name="detail"),
    path("<int:pk>/approve/", views.approve_view, name="approve"),
    path("<int:pk>/accept/", views.accept_view, name="accept"),
    path("<int:pk>/refuse/", views.refuse_view, name="refuse"),
    path("<int:pk>/withdraw/", views.withdraw_view, name="withdraw"),
    path("<int:pk>/return-slip/", views.return_slip_view, name="return-slip"),
    path("<int:pk>/letter.pdf", views.letter_view, name="letter"),
]
