"""The notification centre's URLs in the role matrix. Every account has its own centre (scope 'login');
a notification opens only for its recipient: the secretary's opens for the secretary and is 404 for everyone
else, the superuser included."""

from chuxin.testing import NOT_FOUND, ROLES, Outcome, Route, login_only


def routes() -> dict:
    from django.urls import reverse

    from chuxin.notifications.services import notify

    def secretarys_notification(env, where):
        notification = env.once("notification", lambda: notify(
            recipient=env.world.secretary, kind="assigned", target=env.org("B1"), title="请审阅支部工作计划",
            url=reverse("orgs:tree"),
        ))
        return {"pk": notification.pk}, {}

    opened = Outcome("redirect to the notification's page", 302, "/orgs/")
    special = {(role, ""): NOT_FOUND for role in ROLES if role != "secretary"}
    special[("secretary", "")] = opened
    return {
        "notifications:list": [login_only("get"), login_only("get", lambda env, where: ({}, {"show": "unread"}))],
        "notifications:badge": [login_only("get")],
        "notifications:mark-all-read": [login_only("post")],
        "notifications:open": [Route("get", None, "login", secretarys_notification, special=special)],
    }
