"""Every write service of the responsibilities app checks its actor itself, whoever calls it (a page, an API, a
job): an actor without standing (a stranger; the sibling branch's secretary) is refused, and nothing is written.
A list's holder ticks their own duties off wherever their standing lies; another seat's holder does not."""

from __future__ import annotations

from chuxin.responsibilities import services
from chuxin.responsibilities.models import ListItem, ResponsibilityList, TemplateItem
from chuxin.testing import not_refused, service_functions

HOUSEKEEPING = "the house's own bookkeeping, with no actor: made from records, seats and the daily run"
NO_WRITE = {
    "post_kind_for": "which template a seat takes",
    "template_item_snapshot": "a duty's fields before an edit",
    **{name: HOUSEKEEPING for name in (
        "committee_list_ensure", "responsibility_list_ensure", "lists_ensure_for_year", "lists_ensure_housekeeping",
        "lists_from_record", "evidence_record", "evidence_from_record", "evidence_replay", "template_for",
        "templates_create_defaults")},
}


def test_every_write_service_refuses_an_actor_without_standing(world, seats):
    own = ResponsibilityList.objects.get(organization=world.b1, holder_member=seats.secretary_member, year__gt=0)
    item = own.items.order_by("pk").first()
    services.templates_adopt(actor=world.secretary, organization=world.b1)
    duty = TemplateItem.objects.filter(template__organization=world.b1).first()
    tried = {
        "list_item_mark_done": lambda a: services.list_item_mark_done(actor=a, item=item, note="已做"),
        "list_item_undo": lambda a: services.list_item_undo(actor=a, item=item),
        "templates_adopt": lambda a: services.templates_adopt(actor=a, organization=world.b1),
        "template_item_save": lambda a: services.template_item_save(
            actor=a, item=TemplateItem(template=duty.template, text="新职责", evidence_kind="manual")),
        "template_item_delete": lambda a: services.template_item_delete(actor=a, item=duty),
    }
    assert set(tried) | set(NO_WRITE) == service_functions(services)
    assert not_refused(tried, world.stranger, world.outsider) == []
    # The committee member holds a list of their own on B1, and reads there: not another holder's duties.
    assert not_refused({k: tried[k] for k in ("list_item_mark_done", "list_item_undo")}, world.committee) == []
    assert not ListItem.objects.get(pk=item.pk).is_done
    # Their own duty they tick off themselves, though they only read on B1: the holder's relation lets them.
    theirs = ListItem.objects.filter(list__holder_member=seats.committee_member).select_related(
        "list__organization", "list__holder_member").first()
    assert services.list_item_mark_done(actor=world.committee, item=theirs, note="已做").is_done
