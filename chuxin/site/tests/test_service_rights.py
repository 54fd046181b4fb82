"""Every write service of the public site checks its actor itself: a stranger and the sibling branch's secretary
are refused, and nothing is written."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from chuxin.site import services
from chuxin.site.models import Article
from chuxin.testing import not_refused, service_functions

READS = {"cache_name"}


def test_every_write_service_refuses_an_actor_without_standing(world):
    draft = services.article_create(actor=world.secretary, organization=world.b1, title="草稿", body="正文")
    submitted = services.article_create(actor=world.secretary, organization=world.b1, title="待审", body="正文")
    services.article_submit(actor=world.secretary, article=submitted)
    published = services.article_create(actor=world.secretary, organization=world.b1, title="已发布", body="正文",
                                        kind=Article.Kind.STORY, member=world.member)
    services.article_submit(actor=world.secretary, article=published)
    services.article_publish(actor=world.committee, article=published)
    withdrawn = services.article_create(actor=world.secretary, organization=world.b1, title="撤回", body="正文")
    services.article_submit(actor=world.secretary, article=withdrawn)
    services.article_publish(actor=world.committee, article=withdrawn)
    services.article_withdraw(actor=world.committee, article=withdrawn)
    tried = {
        "profile_save": lambda a: services.profile_save(actor=a, organization=world.b1, slogan="口号"),
        "image_upload": lambda a: services.image_upload(actor=a, organization=world.b1,
                                                        upload=SimpleUploadedFile("a.png", b"x")),
        "article_create": lambda a: services.article_create(actor=a, organization=world.b1, title="新", body="文"),
        "article_update": lambda a: services.article_update(actor=a, article=draft, title="改"),
        "article_submit": lambda a: services.article_submit(actor=a, article=draft),
        "article_return": lambda a: services.article_return(actor=a, article=submitted),
        "article_publish": lambda a: services.article_publish(actor=a, article=submitted),
        "article_withdraw": lambda a: services.article_withdraw(actor=a, article=published),
        "article_redraft": lambda a: services.article_redraft(actor=a, article=withdrawn),
        "article_restore": lambda a: services.article_restore(actor=a, version=draft.versions.get()),
        "consent_give": lambda a: services.consent_give(actor=a, article=published),
        "consent_withdraw": lambda a: services.consent_withdraw(actor=a, article=published),
    }
    assert set(tried) | READS == service_functions(services)
    assert not_refused(tried, world.stranger, world.outsider, world.viewer) == []
