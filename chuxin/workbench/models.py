import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def new_feed_token() -> str:
    # 32 random bytes: unguessable, so the feed can be looked up by the token itself.
    return secrets.token_urlsafe(32)


def feed_token_digest(token: str) -> str:
    """What is stored of a feed token: its SHA-256. The token has 256 random bits, so a plain hash (no salt, no
    slow hashing) is enough to make a leaked table useless and still find the feed in one indexed lookup."""
    return hashlib.sha256(token.encode()).hexdigest()


class FeedToken(models.Model):
    """The secret in a person's calendar feed URL. Calendar apps can't log in, so whoever holds the URL reads
    that person's deadlines; regenerating replaces the token and the old URL stops working.

    Only the token's digest is stored: the URL is shown once, when the token is made, like a password."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="feed_token"
    )
    digest = models.CharField(_("token digest"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    # The token itself, on a FeedToken whose token was just made (new_token); never saved.
    token: str = ""

    class Meta:
        verbose_name = _("calendar feed token")
        verbose_name_plural = _("calendar feed tokens")

    def __str__(self) -> str:
        return _("Calendar feed of %(user)s") % {"user": self.user}

    def new_token(self) -> str:
        """Give the feed a new token: its digest is kept (save the row), the token returned to be shown once."""
        self.token = new_feed_token()
        self.digest = feed_token_digest(self.token)
        return self.token
