"""The site's items on "My workbench": articles waiting for the user's review, and stories about the user that
wait for their consent (asked once, never pressed)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from chuxin.core.access import Need, scope_ranges
from chuxin.core.db import Bound
from chuxin.core.protocols import WorkItem

from . import selectors
from .access import is_committee


def workbench_probe(user) -> list[Bound]:
    """What workbench_items reads (the registry's `workbench_probe`): stories about the user, and where they read,
    the articles waiting for review."""
    if not user.is_authenticated:
        return []
    bounds = scope_ranges(user, Need.READ)
    return [selectors.PROBE.bind(user.pk), *([selectors.REVIEW_PROBE.bind(user.pk, bounds)] if bounds else [])]


def workbench_items(user) -> list[WorkItem]:
    items = []
    for article in selectors.waiting_review(user)[:50]:
        if is_committee(user, article.organization):
            items.append(WorkItem(kind="site", title=article.title, url=reverse("site:article", args=[article.pk]),
                                  due=None, state=_("to review"), organization=article.organization.name,
                                  uid=f"site-review-{article.pk}@chuxin"))
    for article in selectors.stories_about(user)[:20]:
        if not article.named:
            items.append(WorkItem(kind="site", title=article.title, url=reverse("site:article", args=[article.pk]),
                                  due=None, state=_("your consent asked"), organization=article.organization.name,
                                  uid=f"site-consent-{article.pk}@chuxin"))
    return items
