import datetime

from django.urls import reverse
from django.utils import timezone

from chuxin.core import registry
from chuxin.orgs.models import Position
from chuxin.orgs.services import position_create
from chuxin.responsibilities.models import EvidenceKind, ListItem, PostKind, ResponsibilityList, TemplateItem
from chuxin.responsibilities.selectors import period_facts, workbench_items
from chuxin.responsibilities.services import evidence_record, list_item_mark_done
from chuxin.testing import make_member

YEAR = timezone.localdate().year


def the_list(org, post_kind):
    return ResponsibilityList.objects.get(organization=org, post_kind=post_kind, year=YEAR)


def manual_item(rlist):
    return rlist.items.filter(evidence_kind=EvidenceKind.MANUAL).order_by("pk").first()


def mark(client, item, note="", htmx=False):
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(reverse("responsibilities:item-mark", args=[item.pk]), {"note": note}, headers=headers)


# --- marking by hand -------------------------------------------------------------------------------------------


def test_the_holder_marks_their_own_duty_with_a_note(world, seats, client_for):
    item = manual_item(the_list(world.b1, PostKind.DISCIPLINE))  # held by the plain member
    response = mark(client_for(world.member_user), item, note="节前廉洁提醒已发")
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.is_done and item.done_note == "节前廉洁提醒已发" and item.marked_by == world.member_user


def test_marking_over_htmx_answers_the_item_alone(world, seats, client_for):
    item = manual_item(the_list(world.b1, PostKind.SECRETARY))
    response = mark(client_for(world.secretary), item, htmx=True)
    assert response.status_code == 200
    body = response.content.decode()
    assert f'id="item-{item.pk}"' in body and "<html" not in body
    assert reverse("responsibilities:item-undo", args=[item.pk]) in body


def test_a_plain_member_cannot_mark_another_persons_duty(world, seats, client_for):
    item = manual_item(the_list(world.b1, PostKind.SECRETARY))
    assert mark(client_for(world.member_user), item).status_code == 403
    item.refresh_from_db()
    assert not item.is_done


def test_a_committee_reader_cannot_mark_the_committees_duty_but_the_secretary_can(world, seats, client_for):
    item = manual_item(the_list(world.b1, PostKind.COMMITTEE))
    assert mark(client_for(world.committee), item).status_code == 403
    assert mark(client_for(world.secretary), item).status_code == 302
    item.refresh_from_db()
    assert item.is_done


def test_another_branchs_duty_is_not_found(world, seats, client_for):
    item = manual_item(the_list(world.b1, PostKind.SECRETARY))
    client = client_for(world.outsider)
    assert mark(client, item).status_code == 404
    assert client.post(reverse("responsibilities:item-undo", args=[item.pk])).status_code == 404
    assert client.get(reverse("responsibilities:list", args=[item.list_id])).status_code == 404


def test_undo_by_hand(world, seats, client_for):
    item = manual_item(the_list(world.b1, PostKind.SECRETARY))
    list_item_mark_done(actor=world.secretary, item=item, note="x")
    response = client_for(world.secretary).post(reverse("responsibilities:item-undo", args=[item.pk]))
    assert response.status_code == 302
    item.refresh_from_db()
    assert not item.is_done and item.done_note == ""


def test_marking_twice_says_so_and_changes_nothing(world, seats, client_for):
    item = manual_item(the_list(world.b1, PostKind.SECRETARY))
    client = client_for(world.secretary)
    mark(client, item, note="第一次")
    response = mark(client, item, note="第二次", htmx=True)
    assert "already marked done" in response.content.decode()
    item.refresh_from_db()
    assert item.done_note == "第一次"


def test_the_list_page_shows_the_source_of_a_duty_done_by_recorded_work(world, seats, client_for):
    evidence_record(kind=EvidenceKind.TASK_DONE, organization=world.b1, user=world.secretary,
                    on=timezone.localdate(), target=seats.committee)
    rlist = the_list(world.b1, PostKind.SECRETARY)
    body = client_for(world.secretary).get(reverse("responsibilities:list", args=[rlist.pk])).content.decode()
    assert str(seats.committee) in body


# --- my lists and the overview ---------------------------------------------------------------------------------


def test_my_lists_show_what_i_hold_and_my_committees_list(world, seats, client_for):
    response = client_for(world.secretary).get(reverse("responsibilities:mine"))
    shown = {rl.post_kind for rl in response.context["lists"]}
    assert shown == {PostKind.SECRETARY, PostKind.COMMITTEE}
    response = client_for(world.committee).get(reverse("responsibilities:mine"))
    assert {rl.post_kind for rl in response.context["lists"]} == {PostKind.LEADER}


def test_the_overview_puts_the_most_behind_first(world, seats, client_for):
    done_all = the_list(world.b1, PostKind.LEADER)
    for item in done_all.items.all():
        list_item_mark_done(actor=world.committee, item=item)
    half = the_list(world.b1, PostKind.DISCIPLINE)
    for item in list(half.items.order_by("pk"))[:3]:
        list_item_mark_done(actor=world.member_user, item=item)
    response = client_for(world.worker).get(reverse("responsibilities:overview", args=[world.pc.pk]))
    rows = list(response.context["lists"])
    assert [r.percent for r in rows] == sorted(r.percent for r in rows)
    assert rows[-1].pk == done_all.pk and rows[-1].percent == 100
    assert rows[0].percent == 0 and rows[0].open_items
    assert {r.organization_id for r in rows} == {world.b1.pk, world.b2.pk}


def test_the_overview_filters_by_post(world, seats, client_for):
    url = reverse("responsibilities:overview", args=[world.pc.pk])
    response = client_for(world.worker).get(url, {"post": PostKind.SECRETARY})
    assert {r.post_kind for r in response.context["lists"]} == {PostKind.SECRETARY}
    response = client_for(world.worker).get(url, {"year": "abc"})  # a bad year falls back to this year
    assert response.status_code == 200 and response.context["year"] == YEAR


def test_a_sibling_branchs_lists_never_show(world, seats, client_for):
    client = client_for(world.outsider)
    response = client.get(reverse("responsibilities:overview", args=[world.b2.pk]))
    assert {r.organization_id for r in response.context["lists"]} == {world.b2.pk}
    assert client.get(reverse("responsibilities:overview", args=[world.b1.pk])).status_code == 404
    assert client.get(reverse("responsibilities:overview", args=[world.pc.pk])).status_code == 404
    start = client.get(reverse("responsibilities:overview-start"))
    assert {r.organization_id for r in start.context["lists"]} == {world.b2.pk}


# --- templates -------------------------------------------------------------------------------------------------


def test_a_branch_defines_its_own_templates_and_new_lists_follow_them(world, seats, client_for):
    client = client_for(world.secretary)
    assert client.post(reverse("responsibilities:templates-adopt", args=[world.b1.pk])).status_code == 302
    own = world.b1.responsibility_templates.get(post_kind=PostKind.LEADER)
    assert own.items.count() == world.pc.responsibility_templates.get(post_kind=PostKind.LEADER).items.count()
    form = client.get(reverse("responsibilities:template-item-create", args=[own.pk])).content.decode()
    assert 'name="sort_order"' not in form  # no order number to type
    response = client.post(reverse("responsibilities:template-item-create", args=[own.pk]), {
        "text": "每季度到分管部门调研党建工作", "evidence_kind": EvidenceKind.MANUAL, "required_count": 4,
        "sort_order": 1,  # sent anyway: ignored, a new duty comes last
    })
    assert response.status_code == 302
    assert list(own.items.order_by("sort_order", "id"))[-1].text == "每季度到分管部门调研党建工作"
    newcomer = make_member(world.b1, "周新")
    position_create(actor=None, organization=world.b1, kind=Position.Kind.YOUTH, member=newcomer,
                    started_on=timezone.localdate())
    new_list = ResponsibilityList.objects.get(holder_member=newcomer)
    assert new_list.template == own
    assert new_list.items.filter(text="每季度到分管部门调研党建工作", required_count=4).exists()
    # Lists already under way keep their duties.
    under_way = seats.committee.responsibility_lists.get()
    assert not under_way.items.filter(text__startswith="每季度到分管部门").exists()
    # One committee list a year, whichever template applies when it is looked for.
    assert ResponsibilityList.objects.filter(organization=world.b1, post_kind=PostKind.COMMITTEE).count() == 1


def test_template_items_of_a_committee_above_are_not_editable_by_a_branch(world, seats, client_for):
    item = world.pc.responsibility_templates.get(post_kind=PostKind.LEADER).items.first()
    client = client_for(world.secretary)
    assert client.get(reverse("responsibilities:template-item-edit", args=[item.pk])).status_code == 404
    assert client.post(reverse("responsibilities:template-item-delete", args=[item.pk])).status_code == 404
    assert TemplateItem.objects.filter(pk=item.pk).exists()


def test_a_bad_template_item_is_refused_with_what_was_typed_kept(world, seats, client_for):
    template = world.pc.responsibility_templates.get(post_kind=PostKind.SECRETARY)
    response = client_for(world.worker).post(reverse("responsibilities:template-item-create", args=[template.pk]), {
        "text": "亲自督导", "evidence_kind": "nonsense", "required_count": 0, "sort_order": 1,
    })
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"evidence_kind", "required_count"}
    assert "亲自督导" in response.content.decode()


# --- for other apps --------------------------------------------------------------------------------------------


def test_the_workbench_shows_only_duties_behind_schedule(world, seats):
    january = datetime.date(YEAR, 1, 5)
    assert workbench_items(world.secretary, today=january) == []
    december = datetime.date(YEAR, 12, 1)
    items = workbench_items(world.secretary, today=december)
    titles = {i.title for i in items}
    reports = the_list(world.b1, PostKind.SECRETARY).items.get(evidence_kind=EvidenceKind.REPORT_FILED,
                                                              required_count=4)
    assert reports.text in titles
    assert all(i.due == datetime.date(YEAR, 12, 31) for i in items)
    # Done enough for the time of year: off the workbench.
    october = datetime.date(YEAR, 10, 1)  # three quarters of the year gone: 3 of 4 reports is on schedule
    assert reports.text in {i.title for i in workbench_items(world.secretary, today=october)}
    ListItem.objects.filter(pk=reports.pk).update(done_count=3)
    assert reports.text not in {i.title for i in workbench_items(world.secretary, today=october)}
    assert workbench_items(world.stranger, today=december) == []


def facts_of(organization, start: datetime.date, end: datetime.date) -> dict:
    """This app's report facts as the reports app gathers them: through the `facts` hook its AppConfig declares."""
    ((label, load),) = [(label, load) for app, label, load in registry.fact_sources() if app == "responsibilities"]
    assert str(label) == "Responsibility list" and load is period_facts
    return {fact.code: fact for fact in load(organization, start, end)}


def test_period_facts_list_the_duties_completed_in_the_period(world, seats):
    item = manual_item(the_list(world.b1, PostKind.COMMITTEE))
    list_item_mark_done(actor=world.secretary, item=item, note="已完成")
    today = timezone.localdate()
    done = facts_of(world.b1, today.replace(day=1), today)["responsibility_items_done"]
    assert done.count == 1
    assert done.items[0] == item.text
    assert done.label == "Responsibility items completed"
    assert done.sentence == "1 responsibility items completed" and done.titles_in_sentence
    assert facts_of(world.b2, today.replace(day=1), today)["responsibility_items_done"].count == 0
    assert facts_of(world.b1, datetime.date(YEAR - 1, 1, 1), datetime.date(YEAR - 1, 12, 31))[
        "responsibility_items_done"].count == 0
