"""The "large text" switch in "me": remembered on the person's account, audited, and drawn on every page."""

from __future__ import annotations

from chuxin.accounts.models import User
from chuxin.audit.models import AuditEntry


def test_large_text_is_set_in_me_remembered_and_shown_on_every_page(world, client_for):
    client = client_for(world.member_user)
    me = client.get("/me/").content.decode()
    assert 'data-testid="large-text"' in me and "cx-large-text" not in me
    response = client.post("/me/display/", {"large_text": "on"}, follow=True)
    assert response.redirect_chain == [("/me/", 302)]
    html = response.content.decode()
    assert '<html lang="zh-hans" class="cx-large-text">' in html
    assert "已开启大字模式。" in html
    assert User.objects.get(pk=world.member_user.pk).large_text
    assert 'class="cx-large-text"' in client.get("/workbench/").content.decode()
    entry = AuditEntry.objects.filter(actor=world.member_user, action=AuditEntry.Action.UPDATE).latest("at")
    assert entry.changes == {"large_text": ["False", "True"]}

    # Sent again, nothing changes and nothing more is audited; unticked (or anything but "on") turns it off.
    count = AuditEntry.objects.count()
    client.post("/me/display/", {"large_text": "on"})
    assert AuditEntry.objects.count() == count
    response = client.post("/me/display/", {"large_text": "<script>"}, follow=True)
    assert "已关闭大字模式。" in response.content.decode()
    assert not User.objects.get(pk=world.member_user.pk).large_text


def test_large_text_is_the_persons_own_and_only_by_post(world, client_for):
    client_for(world.secretary).post("/me/display/", {"large_text": "on"})
    assert User.objects.get(pk=world.secretary.pk).large_text
    assert not User.objects.get(pk=world.member_user.pk).large_text  # nobody else's changes
    assert client_for(world.secretary).get("/me/display/").status_code == 405
