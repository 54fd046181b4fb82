"""The review workflow of an article, as declared steps (chuxin.core.states)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from chuxin.core.states import Machine, Transition

from .access import may_review, may_write
from .models import Article

S = Article.Status

ARTICLES = Machine(
    S,
    Transition("submit", [S.DRAFT], S.SUBMITTED, who=may_write,
               refused=_("Only a draft can be submitted for review.")),
    Transition("return", [S.SUBMITTED], S.DRAFT, who=may_review,
               refused=_("Only an article waiting for review can be sent back.")),
    Transition("publish", [S.SUBMITTED], S.PUBLISHED, who=may_review,
               refused=_("Only an article submitted for review can be published."),
               forbidden=_("A committee member other than the author publishes the article.")),
    Transition("withdraw", [S.PUBLISHED], S.WITHDRAWN, who=may_write,
               refused=_("Only a published article can be withdrawn.")),
    Transition("redraft", [S.WITHDRAWN], S.DRAFT, who=may_write,
               refused=_("Only a withdrawn article can be taken up again.")),
)
