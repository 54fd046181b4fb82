import datetime

from chuxin.reports.demo import seed_demo_data


def test_demo_data_is_idempotent_and_harmless_without_the_demo_unit(db):
    seed_demo_data(today=datetime.date(2026, 3, 20))  # no HX-PC: nothing to do


def test_demo_history(db):
    from django.core.management import call_command

    from chuxin.reports.models import Report, ReportRequirement

    call_command("seed_demo", unit_only=True, verbosity=0)
    today = datetime.date(2026, 3, 20)
    seed_demo_data(today=today)
    seed_demo_data(today=today)
    monthly = ReportRequirement.objects.get(title="支部月度工作报告")
    states = sorted(Report.objects.filter(period__requirement=monthly).values_list(
        "period__start", "organization__code", "status"))
    assert states == [
        (datetime.date(2026, 1, 1), "HX-B01", "accepted"), (datetime.date(2026, 1, 1), "HX-B02", "accepted"),
        (datetime.date(2026, 1, 1), "HX-B03", "accepted"),
        (datetime.date(2026, 2, 1), "HX-B01", "returned"), (datetime.date(2026, 2, 1), "HX-B02", "accepted"),
    ]
    quarterly = ReportRequirement.objects.get(title="支部书记季度抓党建工作报告")
    from chuxin.accounts.models import User
    from chuxin.reports.selectors import my_duties

    secretary1 = User.objects.get(username="secretary1")
    owed = {(d.period.requirement_id, d.holder_id) for d in my_duties(secretary1, datetime.date(2026, 3, 28))}
    assert (quarterly.pk, secretary1.pk) in owed and (monthly.pk, None) in owed
