"""chuxin.core.db.rows_exist: whether each of several querysets has a row, in one query."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from chuxin.core.db import rows_exist
from chuxin.members.models import Member
from chuxin.orgs.models import Organization


def test_it_answers_each_queryset_in_one_query(world):
    sets = [
        Member.objects.filter(name="李四"),  # there
        Member.objects.filter(name="没有这个人"),  # not there
        Organization.objects.filter(code="B2").select_related("parent").order_by("-path")[:5],  # sliced, ordered
        Member.objects.filter(user=world.member_user).distinct(),
    ]
    with CaptureQueriesContext(connection) as queries:
        assert rows_exist(sets) == [True, False, True, True]
    assert len(queries) == 1


def test_a_queryset_empty_by_its_conditions_costs_no_sql(world):
    with CaptureQueriesContext(connection) as queries:
        assert rows_exist([Member.objects.filter(pk__in=[]), Member.objects.none()]) == [False, False]
        assert rows_exist([]) == []
    assert len(queries) == 0
    with CaptureQueriesContext(connection) as queries:
        assert rows_exist([Member.objects.none(), Member.objects.filter(name="李四")]) == [False, True]
    assert len(queries) == 1


# ---------------------------------------------------------------------------------------------------------------
# Prepared: a fixed-shape query compiled once, run with its one parameter


def test_a_prepared_query_answers_what_the_orm_answers(world):
    import datetime

    from django.utils import timezone

    from chuxin.accounts.models import RoleGrant, User
    from chuxin.core.db import Prepared

    grants = Prepared(lambda user_id: RoleGrant.objects.filter(user_id=user_id)
                      .values_list("organization__path", "role", "created_at"))
    users = Prepared(lambda pk: User.objects.filter(pk=pk))
    world.secretary.last_login = timezone.now() - datetime.timedelta(days=1)
    world.secretary.save()
    for user in (world.worker, world.secretary, world.member_user, world.stranger):
        expected = list(RoleGrant.objects.filter(user=user).values_list("organization__path", "role", "created_at"))
        with CaptureQueriesContext(connection) as queries:
            assert [tuple(row) for row in grants.rows(user.pk)] == expected  # dates converted as the ORM does
        assert len(queries) == 1
        found = users.first_object(user.pk)
        same = User.objects.get(pk=user.pk)
        assert found == same and found._state.adding is False
        assert all(getattr(found, f.attname) == getattr(same, f.attname) for f in User._meta.concrete_fields)
    assert isinstance(users.first_object(world.secretary.pk).last_login, datetime.datetime)
    assert users.first_object(-5) is None and grants.rows(-5) == []


def test_a_prepared_query_must_take_its_value_once_and_objects_whole():
    import pytest

    from chuxin.accounts.models import User
    from chuxin.core.db import Prepared

    with pytest.raises(ValueError, match="exactly one parameter"):
        Prepared(lambda pk: User.objects.filter(pk=pk) | User.objects.filter(id=pk)).rows(1)
    with pytest.raises(ValueError, match="exactly one parameter"):
        Prepared(lambda pk: User.objects.filter(is_active=True)).rows(1)
    with pytest.raises(ValueError, match="own columns only"):
        Prepared(lambda pk: User.objects.filter(pk=pk).only("username")).first_object(1)


def test_prepared_rows_read_what_the_orm_reads_for_any_values_of_the_same_shape(world):
    """PreparedRows: dicts, tuples and objects as the ORM gives them (dates and JSON converted), one query each,
    compiled once per shape (a list of two ids and one of three are two shapes); empty by its conditions: no SQL."""
    import datetime

    import pytest
    from django.db.models.functions import Length

    from chuxin.accounts.models import RoleGrant
    from chuxin.audit.models import AuditEntry
    from chuxin.core.db import PreparedRows

    orgs = PreparedRows(lambda pks, kind: Organization.objects.filter(pk__in=pks, kind=kind).order_by("path")
                        .values("id", "name", "path", "created_at"))
    rows = PreparedRows(lambda pks: Organization.objects.filter(pk__in=pks).order_by("-path").values_list("code",
                                                                                                      "parent_id"))
    objects = PreparedRows(lambda pks: Member.objects.filter(pk__in=pks).order_by("pk"))
    every = list(Organization.objects.order_by("path"))
    for pks in ([every[0].pk, every[1].pk], [o.pk for o in every[:3]], [o.pk for o in every], [-1]):
        for kind in {o.kind for o in every}:
            expected = list(Organization.objects.filter(pk__in=pks, kind=kind).order_by("path")
                            .values("id", "name", "path", "created_at"))
            with CaptureQueriesContext(connection) as queries:
                assert orgs.dicts(pks, kind) == expected
            assert len(queries) == 1
            assert all(isinstance(row["created_at"], datetime.datetime) for row in expected)
        assert rows.tuples(pks) == list(Organization.objects.filter(pk__in=pks).order_by("-path")
                                        .values_list("code", "parent_id"))
    # DISTINCT ordered by a column it does not read: the ORM selects that column too, and cuts it off.
    names = PreparedRows(lambda pks: Member.objects.filter(pk__in=pks).distinct().order_by("-created_at", "pk")
                         .values_list("name", "organization__name"))
    pks = list(Member.objects.values_list("pk", flat=True)[:5])
    assert names.tuples(pks) == list(Member.objects.filter(pk__in=pks).distinct().order_by("-created_at", "pk")
                                     .values_list("name", "organization__name"))
    members = list(Member.objects.order_by("pk")[:4])
    found = objects.objects([m.pk for m in members])
    assert found == members and all(m._state.adding is False for m in found)
    assert [m.name for m in found] == [m.name for m in members] and found[0].organization_id == members[0].organization_id
    assert objects.first_object([-3]) is None
    with CaptureQueriesContext(connection) as queries:
        assert objects.objects([]) == [] and orgs.dicts([], "branch") == []
    assert len(queries) == 0
    # JSON is read as JSON (the ORM's converter on SQLite, the driver's on PostgreSQL).
    entry = AuditEntry.objects.create(action=AuditEntry.Action.UPDATE, changes={"名称": ["旧", "新"], "n": [1, 2]})
    changes = PreparedRows(lambda pk: AuditEntry.objects.filter(pk=pk).values("changes")).dicts(entry.pk)
    assert changes == [{"changes": {"名称": ["旧", "新"], "n": [1, 2]}}]
    # Objects with what select_related joins and annotations, as the ORM makes them: no query for the relation.
    grants = PreparedRows(lambda pks: RoleGrant.objects.filter(pk__in=pks).select_related("user", "organization")
                          .annotate(path_length=Length("organization__path")).order_by("pk"))
    expected = list(RoleGrant.objects.select_related("user", "organization")
                    .annotate(path_length=Length("organization__path")).order_by("pk"))
    assert expected
    found = grants.objects([g.pk for g in expected])
    with CaptureQueriesContext(connection) as queries:
        assert [(g, g.user, g.organization, g.path_length) for g in found] == [
            (g, g.user, g.organization, g.path_length) for g in expected]
        assert found[0].organization.path == expected[0].organization.path
    assert len(queries) == 0
    with pytest.raises(ValueError, match="prefetch_related"):
        PreparedRows(lambda pk: Organization.objects.filter(pk=pk).prefetch_related("members")).objects(1)
    with pytest.raises(ValueError, match="derived from a value"):  # a LIKE pattern made of it
        PreparedRows(lambda name: Member.objects.filter(name__contains=name).values("id")).dicts("张")


def test_prepared_rows_name_values_in_their_order_and_read_pages_of_them(world):
    """.values() mixing columns and annotations is read in the order it names them (as the ORM reads it), and a
    paginator's pages (PreparedRows.pages) are the slices the ORM gives, each one query of one statement."""
    import pytest
    from django.core.paginator import Paginator
    from django.db.models import Count

    from chuxin.core.db import PreparedRows

    def build(kind):
        return (Organization.objects.filter(kind=kind).annotate(n=Count("members")).order_by("path", "id")
                .values("code", "n", "name"))

    kind = Organization.objects.values("kind").annotate(n=Count("id")).order_by("-n").values_list("kind", flat=True)[0]
    expected = list(build(kind))
    assert len(expected) >= 2
    prepared = PreparedRows(build)
    assert prepared.dicts(kind) == expected and list(expected[0]) == ["code", "n", "name"]
    pages = Paginator(prepared.pages(kind, count=len(expected)), 2)
    statements = set()
    for number in pages.page_range:
        with CaptureQueriesContext(connection) as queries:
            rows = list(pages.page(number).object_list)
        assert rows == expected[(number - 1) * 2:number * 2] and len(queries) == 1
        statements.add(queries[0]["sql"].split(" LIMIT ")[0])
    assert len(statements) == 1
    with pytest.raises(ValueError, match="sliced already"):
        PreparedRows(lambda k: build(k)[:1]).dicts(kind, window=(0, 1))


def test_a_deactivated_account_is_logged_out_at_its_next_request(world, client_for):
    """The session's user is read through a Prepared query (accounts.backends): an account made inactive meanwhile
    is no one at the next request, as with Django's own backend."""
    from django.urls import reverse

    client = client_for(world.secretary)
    assert client.get(reverse("portal:me")).status_code == 200
    type(world.secretary).objects.filter(pk=world.secretary.pk).update(is_active=False)
    response = client.get(reverse("portal:me"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


# ---------------------------------------------------------------------------------------------------------------
# PreparedExists: querysets of a fixed shape compiled once per shape, answered with the values put in


def _members_probe(org_id, paths, joined_by, changed_since):
    from chuxin.members.models import Member

    return (Member.objects.filter(organization=org_id, joined_on__lte=joined_by, updated_at__gte=changed_since),
            Member.objects.filter(organization__path__in=paths, joined_on__lte=joined_by))


def test_prepared_exists_answers_what_the_orm_answers_for_every_value(world):
    import datetime

    from django.utils import timezone

    from chuxin.core.db import PreparedExists
    from chuxin.core.paths import ancestor_paths

    built = []

    def build(*values):
        built.append(values)
        return _members_probe(*values)

    probe = PreparedExists(build)
    now = timezone.now()
    joined = sorted(Member.objects.values_list("joined_on", flat=True))
    cases = []
    for org in Organization.objects.all():
        for joined_by in (joined[0] - datetime.timedelta(days=1), joined[0], joined[-1], datetime.date(2999, 1, 1)):
            for since in (now - datetime.timedelta(days=1), now + datetime.timedelta(days=1)):
                cases.append((org.pk, ancestor_paths(org.path), joined_by, since))
                cases.append((org.pk, [], joined_by, since))  # a list of none: its own shape
    assert len(cases) > 20
    for values in cases:
        expected = any(qs.exists() for qs in _members_probe(*values))
        assert rows_exist([probe.bind(*values)]) == [expected], values
    # Two compilations (two sets of stand-ins) per shape: the lists' lengths here, not the values.
    shapes = {len(values[1]) for values in cases}
    assert len(built) == 2 * len(shapes)
    assert any(rows_exist([probe.bind(*values)])[0] for values in cases)
    assert not all(rows_exist([probe.bind(*values)])[0] for values in cases)


def test_prepared_exists_goes_in_one_query_with_querysets(world):
    from chuxin.core.db import PreparedExists

    probe = PreparedExists(lambda name: Member.objects.filter(name=name))
    with CaptureQueriesContext(connection) as queries:
        assert rows_exist([probe.bind("李四"), Member.objects.filter(name="没有这个人"), probe.bind("没有这个人"),
                           Member.objects.filter(pk__in=[])]) == [True, False, False, False]
    assert len(queries) == 1
    # Hostile text is a parameter like any other.
    assert rows_exist([probe.bind("'; DROP TABLE members_member; --"), probe.bind("%")]) == [False, False]
    assert Member.objects.exists()


def test_prepared_exists_refuses_values_it_cannot_put_in_the_sql(world):
    import datetime

    import pytest

    from chuxin.core.db import PreparedExists

    today = datetime.date(2026, 6, 1)
    with pytest.raises(ValueError, match="derived"):  # the year of a date: a value of its own
        rows_exist([PreparedExists(lambda day: Member.objects.filter(joined_on__year__gte=day.year)).bind(today)])
    with pytest.raises(ValueError, match="derived"):
        rows_exist([PreparedExists(lambda day: Member.objects.filter(
            joined_on__gte=day - datetime.timedelta(days=1))).bind(today)])
    with pytest.raises(ValueError, match="derived"):  # made into a LIKE pattern on the way
        rows_exist([PreparedExists(lambda name: Member.objects.filter(name__startswith=name)).bind("李")])
    with pytest.raises(ValueError, match="not passed"):  # never used
        rows_exist([PreparedExists(lambda pk, name: Member.objects.filter(pk=pk)).bind(1, "x")])
    with pytest.raises(TypeError):
        PreparedExists(lambda value: Member.objects.filter(pk=value)).bind(1.5).sql()


def test_loaded_makes_the_object_the_orm_makes_from_those_columns(world):
    """core.db.loaded: the values given, the model's other fields deferred (read on demand), a row of the database
    (saved as an update, equal to the ORM's object); a field the model does not have is refused."""
    import pytest

    from chuxin.core.db import loaded

    org = Organization.objects.order_by("path").last()
    made = loaded(Organization, {"id": org.pk, "path": org.path, "parent_id": org.parent_id})
    orm = Organization.objects.only("id", "path", "parent_id").get(pk=org.pk)
    assert made == orm and made.get_deferred_fields() == orm.get_deferred_fields() and "name" in made.get_deferred_fields()
    assert made._state.adding is False and made._state.db == orm._state.db
    with CaptureQueriesContext(connection) as queries:
        assert made.name == org.name  # deferred: read when asked for
    assert len(queries) == 1
    with pytest.raises(ValueError, match="no field"):
        loaded(Organization, {"id": org.pk, "nonsense": 1})


def test_a_statement_planned_once_is_logged_with_its_text_every_time(world):
    """On PostgreSQL a PreparedRows statement is prepared after a few runs on a connection; its later runs are still
    logged with their SQL (the suite's captured queries, the debug toolbar), not as nothing."""
    from chuxin.core.db import PreparedRows

    names = PreparedRows(lambda pk: Organization.objects.filter(pk=pk).values_list("name"))
    org = Organization.objects.first()
    for _ in range(8):
        with CaptureQueriesContext(connection) as queries:
            assert names.tuples(org.pk) == [(org.name,)]
        assert len(queries) == 1 and "orgs_organization" in (queries[0]["sql"] or "")
