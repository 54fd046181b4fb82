from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("password/", views.password_change_view, name="password_change"),
    path("orgs/<int:pk>/access/", views.org_access_view, name="org-access"),
    path("grants/<int:pk>/revoke/", views.grant_revoke_view, name="grant-revoke"),
]
