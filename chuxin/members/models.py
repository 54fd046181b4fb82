import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from chuxin.audit.display import AuditField
from chuxin.core.models import TimeStampedModel
from chuxin.core.paths import PATH_MAX_LEN
from chuxin.core.validators import no_formula_prefix


class FirstCharacter(models.Func):
    """The first character of a text, with its bounds written into the SQL rather than passed as parameters: SQLite
    uses an index on an expression only when the query's expression is the same text, and `SUBSTR(name, ?, ?)`
    with bound 1s is not `SUBSTR(name, 1, 1)`. SUBSTR is the same function on SQLite and PostgreSQL."""

    template = "SUBSTR(%(expressions)s, 1, 1)"
    output_field = models.CharField()


class Member(TimeStampedModel):
    """A Party member's file (党员档案)."""

    class Gender(models.TextChoices):
        MALE = "male", _("male")
        FEMALE = "female", _("female")

    class Education(models.TextChoices):
        POSTGRADUATE = "postgraduate", _("postgraduate")
        BACHELOR = "bachelor", _("bachelor's degree")
        JUNIOR_COLLEGE = "junior_college", _("junior college")
        SECONDARY = "secondary", _("secondary vocational or high school")
        JUNIOR_HIGH = "junior_high", _("junior high school or below")

    class Category(models.TextChoices):
        FULL = "full", _("full member")
        PROBATIONARY = "probationary", _("probationary member")

    class PartyStanding(models.TextChoices):
        """党籍状态, the national member information system's vocabulary (REFERENCE.md E4)."""

        NORMAL = "normal", _("normal")
        RETAINED = "retained", _("membership retained (保留党籍)")
        SUSPENDED = "suspended", _("membership suspended (停止党籍)")
        RESTORED = "restored", _("membership restored (恢复党籍)")
        EXPELLED = "expelled", _("expelled (开除党籍)")

    class LostContactReason(models.TextChoices):
        """Why a member lost contact: the reason codes of the national collection's forms (REFERENCE.md E4)."""

        MIGRANT_WORK = "migrant_work", _("working or in business away from home")
        UNIT_RESTRUCTURED = "unit_restructured", _("work unit restructured or bankrupt")
        GRADUATED = "graduated", _("whereabouts unknown after graduation")
        CHANGED_EMPLOYER = "changed_employer", _("changed work unit")
        ABROAD = "abroad", _("gone abroad")
        MOVED = "moved", _("moved house")
        OTHER = "other", _("other")

    class Status(models.TextChoices):
        ACTIVE = "active", _("active")
        TRANSFERRED_OUT = "transferred_out", _("transferred out")
        SUSPENDED = "suspended", _("suspended")
        LEFT = "left", _("left the Party")
        DECEASED = "deceased", _("deceased")

    organization = models.ForeignKey(
        "orgs.Organization", verbose_name=_("Party organization"), on_delete=models.PROTECT, related_name="members",
        db_index=False,  # member_org_list starts with it; a second index only lures SQLite into a slower plan
    )
    # The organization's path, copied onto the member row so the member list's scope is a range on the member's
    # own index and no join decides the plan (bench/README.md). Kept exact by every writer: the member services
    # (create, edit, transfer), the import, the seed commands and the organization's move (orgs.services rewrites
    # its subtree's members with its organizations, in the same transaction). `org_paths_mismatched()` checks it.
    org_path = models.CharField(max_length=PATH_MAX_LEN, editable=False, default="")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="member",
    )
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50, validators=[no_formula_prefix])
    # Derived from `name` by the services, for search by pinyin ("zhangsan") or initials ("zs").
    name_pinyin = models.CharField(max_length=200, editable=False, db_index=True)
    name_initials = models.CharField(max_length=50, editable=False, db_index=True)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices)
    ethnicity = models.CharField(_("ethnicity"), max_length=20, default="汉族")
    birth_date = models.DateField(_("birth date"))
    citizen_id_encrypted = models.TextField(editable=False)
    citizen_id_masked = models.CharField(_("citizen ID number"), max_length=18, editable=False)
    citizen_id_digest = models.CharField(max_length=64, unique=True, editable=False)
    phone = models.CharField(_("mobile phone"), max_length=20, blank=True)
    education = models.CharField(_("education"), max_length=20, choices=Education.choices, blank=True)
    work_unit = models.ForeignKey(
        "orgs.WorkUnit",
        verbose_name=_("work unit"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
    )
    department = models.ForeignKey(
        "orgs.Department",
        verbose_name=_("department"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
    )
    post = models.CharField(_("post"), max_length=50, blank=True)
    joined_on = models.DateField(_("date joined (political birthday)"))
    full_member_on = models.DateField(_("date of full membership"), null=True, blank=True)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices, default=Category.FULL)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE)
    # The national member information system's items that the file lacked (REFERENCE.md E4). The home address is
    # personal data: shown only to those who may reveal the ID number (members.views), exported likewise.
    home_address = models.CharField(_("home address"), max_length=200, blank=True, validators=[no_formula_prefix])
    landline = models.CharField(_("landline"), max_length=20, blank=True)
    party_standing = models.CharField(_("membership status"), max_length=20, choices=PartyStanding.choices,
                                      default=PartyStanding.NORMAL)
    party_standing_on = models.DateField(_("membership status since"), null=True, blank=True)
    lost_contact = models.BooleanField(_("lost contact"), default=False)
    lost_contact_on = models.DateField(_("date contact was lost"), null=True, blank=True)
    lost_contact_reason = models.CharField(_("reason contact was lost"), max_length=20,
                                           choices=LostContactReason.choices, blank=True)
    away = models.BooleanField(_("away from home (流动党员)"), default=False)
    away_destination = models.CharField(_("gone to (destination)"), max_length=100, blank=True,
                                        validators=[no_formula_prefix])
    away_organization = models.CharField(_("Party organization there"), max_length=100, blank=True,
                                         validators=[no_formula_prefix])

    # How the audit log shows what members.services records beyond the fields: that the ID number changed
    # (never the number), and which personal data was revealed.
    audit_fields = {
        "citizen_id": AuditField(same_as="members.Member.citizen_id_masked"),
        "field": AuditField(_("what was shown"), values={"citizen_id": _("citizen ID number")}),
    }

    class Meta:
        ordering = ["name_pinyin", "id"]
        verbose_name = _("member")
        verbose_name_plural = _("members")
        indexes = [
            # The member list: members of the organizations in scope, filtered by status and category, in name
            # order. With the name in the index the database picks a page's 50 rows from the index alone and
            # reads only those rows, instead of reading every member in scope to sort them (about 25 ms instead
            # of 170-600 ms for 100,000 members on SQLite; see bench/). It also serves the per-organization
            # counts by status and category, and the foreign key (hence db_index=False on `organization`).
            models.Index(fields=["organization", "status", "category", "name_pinyin", "id"], name="member_org_list"),
            # The member list's scope is a range on org_path (the organization's path copied onto the row), and two
            # plans answer it from this table alone: a small scope (a branch) reads its range here and sorts it;
            # a large one walks member_roll in name order, checking the scope and the filters (category,
            # education, birth date: the age band) inside the index, and stops at a page, reading only the
            # rows it shows. PostgreSQL chooses by its statistics; SQLite is told which (selectors.member_list).
            models.Index(fields=["org_path", "status", "category", "name_pinyin", "id"], name="member_scope"),
            models.Index(fields=["status", "name_pinyin", "id", "org_path", "category", "education", "birth_date"],
                         name="member_roll"),
            models.Index(fields=["name_initials", "id"], name="member_initials"),
            # Search by surname (one character): its members already in list order (members.selectors.name_search).
            models.Index(FirstCharacter("name"), F("name_pinyin"), F("id"), name="member_surname"),
            # Search by the beginning of a name; PostgreSQL needs the pattern operator class for LIKE 'x%'.
            models.Index(fields=["name"], name="member_name", opclasses=["varchar_pattern_ops"]),
            # PostgreSQL also has trigram (pg_trgm) indexes on the name and the phone, for search anywhere in
            # them: migration 0007, not declared here because SQLite has no such index.
        ]
        constraints = [
            models.CheckConstraint(condition=Q(joined_on__gt=models.F("birth_date")), name="member_joined_after_birth"),
            models.CheckConstraint(
                condition=Q(full_member_on__isnull=True) | Q(full_member_on__gte=models.F("joined_on")),
                name="member_full_after_joined",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def age(self, today: datetime.date | None = None) -> int:
        today = today or timezone.localdate()
        born = self.birth_date
        return today.year - born.year - ((today.month, today.day) < (born.month, born.day))

    @property
    def party_standing_years(self) -> int:
        today = timezone.localdate()
        joined = self.joined_on
        return today.year - joined.year - ((today.month, today.day) < (joined.month, joined.day))


class MemberTally(models.Model):
    """The members on the roll (status active) in an organization's subtree, by category, and its active
    organizations (itself included): what the home page shows and the branch rules read, kept up to date by the
    writes (members.tallies) instead of counted on each request (aggregating a million members took 800 ms,
    counting 100,000 organizations 50 ms). `manage.py recount_members` rebuilds them."""

    organization = models.OneToOneField(
        "orgs.Organization", on_delete=models.CASCADE, primary_key=True, related_name="member_tally"
    )
    full = models.IntegerField(default=0)
    probationary = models.IntegerField(default=0)
    organizations = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("member tally")
        verbose_name_plural = _("member tallies")

    def __str__(self) -> str:
        return f"{self.organization_id}: {self.full} + {self.probationary}, {self.organizations}"
