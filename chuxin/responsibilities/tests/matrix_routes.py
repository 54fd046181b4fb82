"""The responsibility lists' URLs in the role matrix.

A list (and its items) opens for its holder as well as for whoever has the need on its organization: "OWN" is a
list held by the plain member (the B1 discipline member), which they may read and mark although a plain member
has no standing to read other lists of B1."""

from chuxin.testing import OK, anywhere, get_and_post, login_only, obj, pk_of


def routes() -> dict:
    import datetime

    from django.utils import timezone

    from chuxin.core.access import Need
    from chuxin.orgs.models import Position
    from chuxin.orgs.services import position_create
    from chuxin.responsibilities.models import PostKind, TemplateItem
    from chuxin.responsibilities.services import committee_list_ensure, templates_create_defaults

    R, M = Need.READ, Need.MANAGE
    year = timezone.localdate().year

    def a_list(env, where):
        if where == "OWN":
            def held():
                position = position_create(
                    actor=None, organization=env.org("B1"), kind=Position.Kind.DISCIPLINE, member=env.world.member,
                    started_on=datetime.date(year, 1, 1),
                )
                return position.responsibility_lists.get()
            return env.once(("rlist", "OWN"), held)
        return env.once(("rlist", where), lambda: committee_list_ensure(organization=env.org(where), year=year))

    def list_pk(env, where):
        return {"pk": a_list(env, where).pk}, {}

    def item_pk(env, where):
        return {"pk": a_list(env, where).items.order_by("pk").first().pk}, {}

    def template(env, where):
        def made():
            templates_create_defaults(env.org(where))
            return env.org(where).responsibility_templates.get(post_kind=PostKind.COMMITTEE)
        return env.once(("template", where), made)

    def template_pk(env, where):
        return {"pk": template(env, where).pk}, {}

    def template_item_pk(env, where):
        return {"pk": template(env, where).items.order_by("pk").first().pk}, {}

    def fresh_template_item_pk(env, where):
        # Fresh each time: a successful delete removes it.
        return {"pk": TemplateItem.objects.create(template=template(env, where), text="临时职责").pk}, {}

    own = {"special": {("member", "OWN"): OK}, "extra_targets": ("OWN",)}
    return {
        "responsibilities:mine": [login_only("get")],
        "responsibilities:list": [obj("get", R, list_pk, **own)],
        "responsibilities:item-mark": [obj("post", M, item_pk, **own)],
        "responsibilities:item-undo": [obj("post", M, item_pk, **own)],
        "responsibilities:overview-start": [anywhere("get", R)],
        "responsibilities:overview": [obj("get", R, pk_of("org"))],
        "responsibilities:overview-export": [obj("get", R, pk_of("org"))],  # the overview as .xlsx: as the page
        "responsibilities:templates": [obj("get", M, pk_of("org"))],
        "responsibilities:templates-adopt": [obj("post", M, pk_of("org"))],
        "responsibilities:template-item-create": [obj("get", M, template_pk), obj("post", M, template_pk)],
        "responsibilities:template-item-edit": get_and_post(obj("get", M, template_item_pk)),
        "responsibilities:template-item-delete": [obj("post", M, fresh_template_item_pk)],
    }
