"""The activities app's URLs for the role matrix (chuxin/portal/tests/test_role_matrix.py).

At each target organization (B1, B2, X2) the objects are: an open activity tomorrow with the place's member
signed up, a published wish, a wish waiting for review and a wish claimed by the place's member (who has no login).
A member reads, signs up and checks in at their own organization's activities (need PUBLIC); the organizer's
pages need MANAGE. The public wish pages answer everyone, logged in or not.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from chuxin.testing import M, P, Route, anywhere, get_and_post, obj


def _activity(env, where: str):
    from chuxin.activities.models import Activity

    def make():
        org = env.org(where)
        start = timezone.now() + datetime.timedelta(days=1)
        return Activity.objects.create(organization=org, organization_path=org.path, title=f"活动-{where}",
                                       place="社区", starts_at=start, ends_at=start + datetime.timedelta(hours=2),
                                       capacity=10)

    return env.once(("activity", where), make)


def _participant(env, where: str):
    from chuxin.activities.models import Participant

    return env.once(("participant", where), lambda: Participant.objects.create(
        activity=_activity(env, where), member=env.member(where), state="signed_up", queued_at=timezone.now()))


def _wish(env, where: str, state: str):
    from chuxin.activities.models import Wish, token_hash

    def make():
        org = env.org(where)
        return Wish.objects.create(organization=org, organization_path=org.path, wisher_name="王奶奶",
                                   wisher_contact="13800000000", text=f"心愿-{where}-{state}", state=state,
                                   token_hash=token_hash(f"matrix-{where}-{state}-token-0123456789"),
                                   claimed_by=env.member(where) if state == "claimed" else None)

    return env.once(("wish", where, state), make)


def routes() -> dict:
    def activity(env, where):
        return {"pk": _activity(env, where).pk}, {}

    def participant(env, where):
        return {"pk": _participant(env, where).pk}, {}

    def published(env, where):
        return {"pk": _wish(env, where, "published").pk}, {}

    def submitted(env, where):
        return {"pk": _wish(env, where, "submitted").pk}, {}

    def claimed(env, where):
        return {"pk": _wish(env, where, "claimed").pk}, {}

    def org_query(env, where):
        return {}, {"organization": env.org(where).pk}

    def org_code(env, where):
        return {"code": env.org(where).code}, {}

    def follow(env, where):
        _wish(env, "B1", "submitted")
        return {"token": "matrix-B1-submitted-token-0123456789"}, {}

    public = Route("get", None, "public")
    return {
        "activities:list": [anywhere("get", P)],
        "activities:create": [*get_and_post(anywhere("get", M)), *get_and_post(obj("get", M, org_query))],
        "activities:detail": [obj("get", P, activity)],
        "activities:edit": get_and_post(obj("get", M, activity)),
        "activities:cancel": [obj("post", M, activity)],
        "activities:close": [obj("post", M, activity)],  # not begun yet: refused with a message, nothing written
        "activities:signup": [obj("post", P, activity)],  # without a member file there: refused with a message
        "activities:participants": [obj("get", M, activity)],
        "activities:export": [obj("get", M, activity)],
        "activities:checkin-screen": [obj("get", M, activity)],
        "activities:checkin-toggle": [obj("post", M, activity)],
        "activities:checkin": get_and_post(obj("get", P, activity)),  # without a code: the form
        # The participant themself or the organizer; the place's member has no login, so: the organizer.
        "activities:withdraw": [obj("post", M, participant)],
        "activities:participant-checkin": [obj("post", M, participant)],
        "activities:participant-checkout": [obj("post", M, participant)],
        "activities:hours": get_and_post(obj("get", M, participant)),
        "activities:wishes": [anywhere("get", P)],
        "activities:wish": [obj("get", P, published)],
        "activities:wish-review": [obj("post", M, submitted)],
        "activities:wish-claim": [obj("post", P, published)],
        "activities:wish-release": [obj("post", M, claimed)],
        "activities:wish-fulfil": get_and_post(obj("get", M, claimed)),
        "activities:public-wishes": [public],
        "activities:public-new": get_and_post(public),
        "activities:public-org-wishes": [Route("get", None, "public", org_code)],
        "activities:public-org-new": get_and_post(Route("get", None, "public", org_code)),
        "activities:follow": get_and_post(Route("get", None, "public", follow)),
    }
