"""id_url: the URL reverse() gives, by formatting (lists that link hundreds of rows reverse once)."""

import pytest
from django.urls import reverse, set_script_prefix

from chuxin.core.links import id_url


def test_it_gives_what_reverse_gives_for_any_id():
    task_url, recipient_url = id_url("plans:task"), id_url("directives:recipient")
    for pk in (1, 42, 987654321, 10**12):
        assert task_url(pk) == reverse("plans:task", kwargs={"pk": pk})
        assert recipient_url(pk) == reverse("directives:recipient", kwargs={"pk": pk})


def test_it_keeps_the_script_prefix_and_takes_only_integers():
    set_script_prefix("/chuxin/")
    try:
        assert id_url("plans:task")(7) == "/chuxin/plans/tasks/7/"
    finally:
        set_script_prefix("/")
    with pytest.raises(ValueError):
        id_url("plans:task")("7/../../admin")


def test_several_ids_go_where_reverse_puts_them_in_the_order_named():
    from chuxin.core.links import ids_url

    write_url = ids_url("reports:write", "period", "org")
    for period, org in ((1, 2), (2, 1), (987654322, 987654321), (10**12, 3)):
        assert write_url(period, org) == reverse("reports:write", kwargs={"period": period, "org": org})
    # Named the other way round, the ids are taken the other way round.
    assert ids_url("reports:write", "org", "period")(5, 9) == reverse("reports:write", kwargs={"period": 9, "org": 5})
    set_script_prefix("/chuxin/")
    try:
        assert ids_url("reports:write", "period", "org")(3, 4) == "/chuxin/reports/periods/3/write/4/"
    finally:
        set_script_prefix("/")
    with pytest.raises(ValueError):
        write_url(3, "4/../../admin")
