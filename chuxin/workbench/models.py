import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def new_feed_token() -> str:
    # 32 random bytes: unguessable, so the feed can be looked up by the token itself.
    return secrets.token_urlsafe(32)


class FeedToken(models.Model):
    """The secret in a person's calendar feed URL. Calendar apps can't log in, so whoever holds the URL reads
    that person's deadlines; regenerating replaces the token and the old URL stops working."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="feed_token"
    )
    token = models.CharField(_("token"), max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("calendar feed token")
        verbose_name_plural = _("calendar feed tokens")

    def __str__(self) -> str:
        return _("Calendar feed of %(user)s") % {"user": self.user}
