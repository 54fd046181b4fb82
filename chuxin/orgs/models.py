import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chuxin.core.models import TimeStampedModel
from chuxin.core.paths import PATH_MAX_LEN, STEP_LEN


class WorkUnit(TimeStampedModel):
    """The administrative unit (company, school, agency) in which Party organizations sit."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    code = models.CharField(_("unified social credit code"), max_length=30, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("Party organization"),
        on_delete=models.PROTECT,
        related_name="work_units",
        help_text=_("The Party organization that manages this unit's Party work."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("work unit")
        verbose_name_plural = _("work units")

    def __str__(self) -> str:
        return self.name


class Department(TimeStampedModel):
    work_unit = models.ForeignKey(
        WorkUnit, verbose_name=_("work unit"), on_delete=models.CASCADE, related_name="departments"
    )
    name = models.CharField(_("name"), max_length=100)
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["work_unit_id", "sort_order", "name"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        constraints = [
            models.UniqueConstraint(fields=["work_unit", "name"], name="department_unique_name_in_unit")
        ]

    def __str__(self) -> str:
        return f"{self.work_unit.name} / {self.name}"


class Organization(TimeStampedModel):
    class Kind(models.TextChoices):
        SUPERIOR_COMMITTEE = "superior_committee", _("superior committee")
        GRASSROOTS_COMMITTEE = "grassroots_committee", _("grassroots committee")
        GENERAL_BRANCH = "general_branch", _("general branch")
        BRANCH = "branch", _("branch")
        JOINT_BRANCH = "joint_branch", _("joint branch")
        TEMPORARY_BRANCH = "temporary_branch", _("temporary branch")
        PARTY_GROUP = "party_group", _("Party group")

    class Status(models.TextChoices):
        ACTIVE = "active", _("active")
        DEACTIVATED = "deactivated", _("deactivated")

    BRANCH_KINDS = (Kind.BRANCH, Kind.JOINT_BRANCH, Kind.TEMPORARY_BRANCH)

    name = models.CharField(_("name"), max_length=100)
    code = models.CharField(
        _("organization code"),
        max_length=30,
        unique=True,
        help_text=_("Letters, digits and dashes; used in imports to name the organization."),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent organization"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    # Materialized path (see paths.py); kept in step with `parent` by the services only.
    path = models.CharField(max_length=PATH_MAX_LEN, unique=True, editable=False)
    depth = models.PositiveSmallIntegerField(editable=False)
    established_on = models.DateField(_("established on"), null=True, blank=True)
    term_start = models.DateField(_("term start"), null=True, blank=True)
    term_end = models.DateField(_("term end"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE)
    work_unit = models.ForeignKey(
        WorkUnit,
        verbose_name=_("work unit"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="party_organizations",
    )
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["path"]
        verbose_name = _("Party organization")
        verbose_name_plural = _("Party organizations")
        indexes = [
            # The member list's organization filter offers the upper levels of a scope: depth first, then the
            # tree order, read from this index up to 300 rows instead of sorting 100,000 organizations.
            models.Index(fields=["depth", "path"], name="org_depth_path"),
            # The home page counts the active organizations of a scope from this index alone.
            models.Index(fields=["path"], condition=Q(status="active"), name="org_active_path"),
            # The tree pages an organization's children by path (orgs.selectors.organization_children_page): a
            # range of this index. Without it the planner walked the path index from `after` to the end of the
            # whole tree, filtering on the parent (the last page of 1,000 branches read 100,000 rows: 47 ms).
            models.Index(fields=["parent", "path"], name="org_parent_path"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(term_end__isnull=True) | Q(term_start__isnull=True) | Q(term_end__gt=models.F("term_start")),
                name="organization_term_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    @property
    def is_branch(self) -> bool:
        return self.kind in self.BRANCH_KINDS

    @property
    def ancestor_paths(self) -> list[str]:
        return [self.path[:end] for end in range(STEP_LEN, len(self.path), STEP_LEN)]

    def term_days_left(self, today: datetime.date | None = None) -> int | None:
        if not self.term_end:
            return None
        return (self.term_end - (today or timezone.localdate())).days


class PartnerUnit(TimeStampedModel):
    """Another unit whose Party organization cooperates with ours under the joint committee system."""

    host = models.ForeignKey(
        Organization,
        verbose_name=_("host organization"),
        on_delete=models.PROTECT,
        related_name="partner_units",
        help_text=_("The organization whose joint committee this unit sits on."),
    )
    name = models.CharField(_("unit name"), max_length=100)
    party_organization_name = models.CharField(_("its Party organization"), max_length=100, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    agreement_on = models.DateField(_("partnership agreed on"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("partner unit")
        verbose_name_plural = _("partner units")
        constraints = [
            models.UniqueConstraint(fields=["host", "name"], name="partner_unit_unique_name_per_host")
        ]

    def __str__(self) -> str:
        return self.name


class PositionQuerySet(models.QuerySet):
    def in_office_order(self, *first) -> "PositionQuerySet":
        """Seats as a committee is listed: the secretary, the deputy secretary, then the members by office
        (Position.Kind's order), earlier holders first. `first` orders before the office (a term, a place)."""
        return self.alias(office_rank=Position.office_rank_expression()).order_by(
            *first, "office_rank", "started_on", "pk"
        )


class Position(TimeStampedModel):
    """A seat on an organization's committee held by a person for a stretch of time."""

    class Kind(models.TextChoices):
        SECRETARY = "secretary", _("secretary")
        DEPUTY_SECRETARY = "deputy_secretary", _("deputy secretary")
        ORGANIZATION = "organization", _("organization committee member")
        PUBLICITY = "publicity", _("publicity committee member")
        DISCIPLINE = "discipline", _("discipline committee member")
        YOUTH = "youth", _("youth committee member")
        MEMBER = "member", _("committee member")
        PART_TIME = "part_time", _("part-time member")

    # Seats beyond these make a body a committee (支委会) rather than a lone secretary (+ deputy).
    LEADER_KINDS = (Kind.SECRETARY, Kind.DEPUTY_SECRETARY)

    objects = PositionQuerySet.as_manager()

    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.CASCADE, related_name="positions"
    )
    kind = models.CharField(_("position"), max_length=30, choices=Kind.choices)
    member = models.ForeignKey(
        "members.Member",
        verbose_name=_("member"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="positions",
    )
    # Part-time members from partner units are usually not in our member files.
    person_name = models.CharField(_("name (if not in our member files)"), max_length=50, blank=True)
    partner_unit = models.ForeignKey(
        PartnerUnit,
        verbose_name=_("partner unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="positions",
    )
    started_on = models.DateField(_("start date"))
    ended_on = models.DateField(_("end date"), null=True, blank=True)

    class Meta:
        ordering = ["organization_id", "ended_on", "kind", "started_on"]
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        constraints = [
            models.CheckConstraint(
                condition=Q(member__isnull=False) | ~Q(person_name=""),
                name="position_has_a_person",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="position_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.holder_name}"

    @property
    def holder_name(self) -> str:
        return self.member.name if self.member_id else self.person_name

    # The order of offices on a committee is the order of Kind: 书记, 副书记, 组织委员, 宣传委员, 纪检委员, 青年委员,
    # 委员, 兼职委员. Lists of seats use in_office_order() (a query) or office_rank() (seats already loaded).
    @classmethod
    def office_rank(cls, kind: str) -> int:
        values = cls.Kind.values
        return values.index(kind) if kind in values else len(values)

    @classmethod
    def office_rank_expression(cls) -> models.Case:
        return models.Case(
            *(models.When(kind=kind, then=models.Value(rank)) for rank, kind in enumerate(cls.Kind.values)),
            default=models.Value(len(cls.Kind.values)), output_field=models.IntegerField(),
        )

    def is_current(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.started_on <= today and (self.ended_on is None or self.ended_on >= today)


class RuleSetting(models.Model):
    """An organization's own value for a configurable rule (chuxin.core.rules): it holds for the organization and
    everything under it, unless an organization nearer down the path sets its own. Written by the services only
    (rule_set, rule_clear), which check the value against the rule's type and bounds."""

    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.CASCADE, related_name="rule_settings"
    )
    code = models.CharField(_("rule"), max_length=64)
    value = models.JSONField(_("value"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("set by"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    set_at = models.DateTimeField(_("set at"), auto_now=True)

    class Meta:
        ordering = ["organization_id", "code"]
        verbose_name = _("rule setting")
        verbose_name_plural = _("rule settings")
        constraints = [
            models.UniqueConstraint(fields=["organization", "code"], name="rule_setting_one_per_organization"),
        ]

    def __str__(self) -> str:
        return f"{self.organization_id}:{self.code}"
