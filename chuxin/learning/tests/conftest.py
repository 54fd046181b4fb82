"""The learning app's test world on top of the root `world`: a few library items published at different levels
(the grassroots committee PC, the branch B1, the sibling B2) and a member of B1 with an account."""

from __future__ import annotations

import pytest

from chuxin.learning import services
from chuxin.learning.models import Item


def article(org, title: str, body: str, **extra) -> Item:
    return services.item_create(actor=None, organization=org, kind=Item.Kind.ARTICLE, title=title,
                                body=f"<p>{body}</p>", **extra)


@pytest.fixture
def library(world):
    return {
        "pc": article(world.pc, "坚持三会一课制度", "各党支部要严格落实三会一课制度，提高组织生活质量。"),
        "b1": article(world.b1, "第一支部学习计划", "本支部今年重点学习党章党规。"),
        "b2": article(world.b2, "第二支部学习心得", "围绕乡村振兴开展调研。"),
    }
