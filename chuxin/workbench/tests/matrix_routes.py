"""The workbench's URLs in the role matrix. Every account has a workbench (empty when nothing waits); the
calendar feed is public (calendar apps can't log in): its token stands for its user, an unknown one is 404
(tested in test_feed.py)."""

from chuxin.testing import Outcome, Route, login_only, query


def routes() -> dict:
    # The landing redirects every account: to the workbench or to the home page, depending on its work.
    lands = Outcome("lands on the workbench or home", 302)

    def feed_token(env, where):
        from chuxin.workbench.services import feed_token_regenerate

        feed = env.once("feed-token", lambda: feed_token_regenerate(actor=env.world.secretary))
        return {"token": feed.token}, {}

    return {
        "workbench:home": [login_only("get")],
        "workbench:landing": [login_only("get", logged_in_outcome=lands)],
        "workbench:badge": [login_only("get")],
        "workbench:calendar": [login_only("get"), login_only("get", query(month="2026-02"))],
        "workbench:feed-settings": [login_only("get"), login_only("post")],
        "workbench:feed": [Route("get", None, "public", feed_token)],
    }
