"""The public site's URLs for the role matrix. At each place (B1, B2, X2): an open site, a draft article (by nobody
in the matrix, so any committee member may review it) with its first version. Writing and reviewing are committee
work: a superior's read-only viewer (READ like a committee member) is refused; a plain member reads the public site,
not the drafts; only a story's own member gives consent (nobody in the matrix is one)."""

from __future__ import annotations

from chuxin.testing import FORBIDDEN, P, R, Route, anywhere, get_and_post, obj


def _profile(env, where):
    from chuxin.site.models import SiteProfile

    return env.once(("site-profile", where), lambda: SiteProfile.objects.create(
        organization=env.org(where), slogan=f"口号-{where}"))


def _article(env, where):
    from chuxin.site.models import Article, ArticleVersion

    def make():
        org = env.org(where)
        article = Article.objects.create(organization=org, organization_path=org.path, title=f"新闻-{where}",
                                         body="<p>正文</p>")
        ArticleVersion.objects.create(article=article, number=1, title=article.title, body=article.body)
        return article

    return env.once(("site-article", where), make)


def _published(env, where):
    from django.utils import timezone

    from chuxin.site.models import Article

    def make():
        org = env.org(where)
        _profile(env, where)
        return Article.objects.create(organization=org, organization_path=org.path, title=f"已发布-{where}",
                                      body="<p>正文</p>", status="published", publish_at=timezone.now())

    return env.once(("site-published", where), make)


def routes() -> dict:
    def org_query(env, where):
        return {}, {"organization": env.org(where).pk}

    def article(env, where):
        return {"pk": _article(env, where).pk}, {}

    def version(env, where):
        return {"pk": _article(env, where).versions.get().pk}, {}

    def site(env, where):
        return {"key": _profile(env, where).key}, {}

    def public_article(env, where):
        return {"key": _profile(env, where).key, "pk": _published(env, where).pk}, {}

    viewer = {("viewer", "B1"): FORBIDDEN}
    only_subject = {(role, where): FORBIDDEN for role, where in (
        ("member", "B1"), ("committee", "B1"), ("secretary", "B1"), ("outsider", "B2"), ("viewer", "B1"),
        ("worker", "B1"), ("superuser", "X2"))}
    return {
        "site:manage": [anywhere("get", R), obj("get", R, org_query)],
        "site:profile": get_and_post(obj("get", R, org_query, special=viewer)),
        "site:article-create": get_and_post(obj("get", R, org_query, special=viewer)),
        "site:article": [obj("get", R, article, special=viewer)],
        "site:article-edit": get_and_post(obj("get", R, article, special=viewer)),
        "site:article-step": [obj("post", R, article, special=viewer)],
        "site:article-versions": [obj("get", R, article, special=viewer)],
        "site:version-restore": [obj("post", R, version, special=viewer)],
        "site:consent": [obj("post", P, article, special=only_subject)],
        "site:public-home": [Route("get", None, "public", site)],
        "site:public-article": [Route("get", None, "public", public_article)],
        "site:feed-rss": [Route("get", None, "public", site)],
        "site:feed-atom": [Route("get", None, "public", site)],
        "site:sitemap": [Route("get", None, "public", site)],
    }
