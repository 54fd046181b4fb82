from django.urls import path

from . import public, views

app_name = "site"
urlpatterns = [
    # The committee's side (login)
    path("site/", views.manage_view, name="manage"),
    path("site/brand/", views.profile_view, name="profile"),
    path("site/articles/new/", views.create_view, name="article-create"),
    path("site/articles/<int:pk>/", views.detail_view, name="article"),
    path("site/articles/<int:pk>/edit/", views.edit_view, name="article-edit"),
    path("site/articles/<int:pk>/step/", views.step_view, name="article-step"),
    path("site/articles/<int:pk>/versions/", views.versions_view, name="article-versions"),
    path("site/versions/<int:pk>/restore/", views.restore_view, name="version-restore"),
    path("site/articles/<int:pk>/consent/", views.consent_view, name="consent"),
    # The public site (no login): /s/<organization number or slug>/
    path("s/<slug:key>/", public.home_view, name="public-home"),
    path("s/<slug:key>/news/<int:pk>/", public.article_view, name="public-article"),
    path("s/<slug:key>/feed/rss/", public.rss_view, name="feed-rss"),
    path("s/<slug:key>/feed/atom/", public.atom_view, name="feed-atom"),
    path("s/<slug:key>/sitemap.xml", public.sitemap_view, name="sitemap"),
]
