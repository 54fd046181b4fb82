"""Demo: the first grassroots committee and one branch with public sites, published news (one scheduled), a draft
waiting for review and a pioneer story whose member consented."""

from __future__ import annotations

import datetime

from django.utils import timezone

from chuxin.orgs.models import Organization

from .models import Article, SiteProfile, StoryConsent
from .services import article_create, article_publish, article_submit, profile_save

NEWS = [
    ("社区党委开展“红色物业”共建签约仪式", "党委与辖区三家物业企业签订共建协议，推动党建引领基层治理。"),
    ("“七一”主题党日：重温入党誓词", "全体党员在党群服务中心重温入党誓词，并开展志愿服务。"),
    ("党群服务中心延长周末开放时间", "为方便居民办事，党群服务中心周六上午开放。"),
]


def seed_demo_data(*, today: datetime.date) -> None:
    committee = Organization.objects.filter(kind=Organization.Kind.GRASSROOTS_COMMITTEE).order_by("path").first()
    if committee is None or SiteProfile.objects.filter(organization=committee).exists():
        return
    profile_save(actor=None, organization=committee, slug="demo", slogan="不忘初心，牢记使命",
                 history="成立于1998年，现有基层党组织若干个。",
                 characteristics="“红色物业”“党群议事会”等特色工作。", honours="2023年度先进基层党组织")
    now = timezone.now()
    for n, (title, summary) in enumerate(NEWS):
        article = article_create(actor=None, organization=committee, title=title, summary=summary,
                                 body=summary + "\n\n活动现场气氛热烈，党员群众积极参与。")
        article_submit(actor=None, article=article)
        article_publish(actor=None, article=article, publish_at=now - datetime.timedelta(days=10 * (n + 1)))
    scheduled = article_create(actor=None, organization=committee, title="下周：党史学习教育专题讲座",
                               summary="讲座面向辖区全体党员和群众。", body="讲座面向辖区全体党员和群众。")
    article_submit(actor=None, article=scheduled)
    article_publish(actor=None, article=scheduled, publish_at=now + datetime.timedelta(days=2))
    waiting = article_create(actor=None, organization=committee, title="社区志愿服务队成立",
                             body="志愿服务队由在职党员和居民组成。")
    article_submit(actor=None, article=waiting)
    branch = committee.children.filter(kind=Organization.Kind.BRANCH).order_by("path").first()
    if branch is not None:
        profile_save(actor=None, organization=branch, slogan="支部建在一线")
        member = branch.members.order_by("pk").first() if hasattr(branch, "members") else None
        story = article_create(actor=None, organization=branch, kind=Article.Kind.STORY, title="扎根社区二十年的老党员",
                               summary="一位老党员的社区服务故事。", body="他坚持为社区居民义务理发二十年。",
                               member=member)
        article_submit(actor=None, article=story)
        article_publish(actor=None, article=story, publish_at=now - datetime.timedelta(days=3))
        if member is not None:
            StoryConsent.objects.get_or_create(article=story, member=member)
