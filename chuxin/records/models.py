"""A work record (工作纪实): one piece of work done, written once by the service that did it.

Scores, points, dashboards, responsibility lists and report facts read records; none of them asks the producer.
The kind says what was done (declared by the producing app in the registry, with its label and payload fields);
the organization and its path say where, so "kind, subtree, date range" is one indexed range query.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from chuxin.core.paths import PATH_MAX_LEN


class WorkRecord(models.Model):
    kind = models.CharField(_("kind"), max_length=40)
    organization = models.ForeignKey(
        "orgs.Organization", verbose_name=_("organization"), on_delete=models.PROTECT, related_name="+"
    )
    # Copied from the organization when written: a subtree is a range on it (chuxin.core.paths).
    organization_path = models.CharField(max_length=PATH_MAX_LEN)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    # The people the work concerns: login accounts for work (an assignee, a report's author), member files for
    # Party facts (attendance, study hours, dues); see docs/architecture.md, "Who a person is".
    users = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="work_records")
    members = models.ManyToManyField("members.Member", blank=True, related_name="work_records")
    on = models.DateField(_("date"))
    # What the work is about, as app_label.model and its id (a task, a report, a directive's recipient row).
    target_type = models.CharField(max_length=100)
    target_id = models.CharField(max_length=40)
    # Distinguishes records of one kind about one target where the work can recur (a seat taken by a new holder).
    key = models.CharField(max_length=100, blank=True, default="")
    label = models.CharField(_("title"), max_length=200)
    url = models.CharField(max_length=300, blank=True)
    payload = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("work record")
        verbose_name_plural = _("work records")
        ordering = ["-on", "-pk"]
        constraints = [
            # Recorded once: a retried or raced write finds the record it already made.
            models.UniqueConstraint(fields=["kind", "target_type", "target_id", "key"], name="record_once"),
        ]
        indexes = [models.Index(fields=["kind", "organization_path", "on"], name="record_kind_subtree_date")]

    def __str__(self) -> str:
        return self.label

    def get_absolute_url(self) -> str:
        return self.url
