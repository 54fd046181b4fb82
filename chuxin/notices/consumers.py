"""Records of other apps, pushed to the group robots (registry consumers, in the producer's transaction):
meetings and directives never import this app."""

from __future__ import annotations

from django.utils.translation import gettext as _

from chuxin.orgs.models import Organization

from . import delivery, selectors


def push_meeting_convened(record) -> None:
    robots = selectors.robots_for([record.organization], "push_meetings")
    delivery.queue(robots, source=f"record:{record.pk}",
                   title=_("Meeting convened: %(title)s") % {"title": record.label},
                   text=_("%(org)s, %(when)s. Details and leave requests in Chuxin.") % {
                       "org": record.organization.name, "when": record.payload.get("planned_at", "")},
                   url=record.url)


def push_directive_issued(record) -> None:
    organizations = Organization.objects.filter(pk__in=record.payload.get("organizations") or [])
    robots = selectors.robots_for(organizations, "push_directives")
    delivery.queue(robots, source=f"record:{record.pk}",
                   title=_("Directive from %(org)s: %(title)s") % {"org": record.organization.name,
                                                                    "title": record.label},
                   text=_("Due %(due)s. The branch's officers act on it in Chuxin.") % {
                       "due": record.payload.get("due_on", "")},
                   url=record.url)


