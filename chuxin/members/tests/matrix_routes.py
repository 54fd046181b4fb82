"""The member file's login management in the role matrix (and creating logins for an organization's members) (the foundation's other member URLs are in the core
table): lifting a login delay and issuing a new one-time password need ADMIN on the file's organization, and are
tried on a file whose member has a login. Confirming a checked import is its uploader's (the worker's) alone, like
its page: anyone else who manages files gets 404."""

from __future__ import annotations

from chuxin.testing import NOT_FOUND, anywhere, get_and_post, make_member, make_user, obj, pk_of


def _member_with_login(env, where: str):
    def make():
        n = next(env.counter)
        user = make_user(f"login-{where}-{n}")
        return make_member(env.org(where), "吴十", user=user, phone=f"1370000{n:04d}")

    return env.once(("member_with_login", where), make)


def routes() -> dict:
    from chuxin.core.access import Need

    def build(env, where):
        return {"pk": _member_with_login(env, where).pk}, {}

    not_yours = {(role, ""): NOT_FOUND for role in ("secretary", "outsider", "superuser")}
    return {
        "members:import-confirm": [anywhere("post", Need.MANAGE, pk_of("import_job"), special=not_yours)],
        "members:account-unlock": [obj("post", Need.ADMIN, build)],
        "members:account-reset": [obj("post", Need.ADMIN, build)],
        # Logins for an organization's members in one go: a worker's (ADMIN on the organization).
        "members:logins": get_and_post(obj("get", Need.ADMIN, pk_of("org"))),
    }
