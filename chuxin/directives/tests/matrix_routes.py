"""The directives app's URLs for the role matrix (chuxin/portal/tests/test_role_matrix.py).

At each target organization (B1, B2, X2) the objects are: a directive SENT BY that organization (the sender's
pages need the role on the sender), and a recipient row FOR that organization of a directive sent by its parent
(the recipient's pages need the role on the receiving organization only), with one follow-up action.
"""

from __future__ import annotations

import datetime

from chuxin.testing import FORBIDDEN, M, R, anywhere, get_and_post, obj


def _directive(env, where: str):
    from chuxin.directives.models import Directive, DirectiveRecipient

    def make():
        org = env.org(where)
        directive = Directive.objects.create(
            sender=org, title=f"通知-{where}", body="内容", due_on=datetime.date.today() + datetime.timedelta(days=5)
        )
        child = org.children.first()
        if child is not None:
            DirectiveRecipient.objects.create(directive=directive, organization=child)
        return directive

    return env.once(("directive", where), make)


def _recipient(env, where: str):
    from chuxin.directives.models import Directive, DirectiveRecipient

    def make():
        org = env.org(where)
        directive = Directive.objects.create(
            sender=org.parent, title=f"上级通知-{where}", body="内容",
            due_on=datetime.date.today() + datetime.timedelta(days=5),
        )
        return DirectiveRecipient.objects.create(directive=directive, organization=org)

    return env.once(("directive-recipient", where), make)


def _action(env, where: str):
    from chuxin.directives.models import DirectiveAction

    return env.once(("directive-action", where),
                    lambda: DirectiveAction.objects.create(recipient=_recipient(env, where), text="部署"))


def _file(**owner):
    from django.core.files.base import ContentFile

    from chuxin.directives.models import DirectiveAttachment

    attachment = DirectiveAttachment(name="签到表.pdf", size=8, **owner)
    attachment.file.save("sheet.pdf", ContentFile(b"%PDF-1.4"), save=False)
    attachment.save()
    return attachment


def _sender_file(env, where: str):
    return env.once(("directive-file", where), lambda: _file(directive=_directive(env, where)))


def _recipient_file(env, where: str):
    row = _recipient(env, where)
    return env.once(("recipient-file", where), lambda: _file(directive=row.directive, recipient=row))


# Removing a file: only the person who attached it. Fresh each time (a removal deletes it), attached by the
# manager standing at each place; another manager there (the worker at B1) is refused.
UPLOADERS = {"B1": "secretary", "B2": "outsider", "X2": "superuser"}


def _fresh_file(env, where: str):
    row = _recipient(env, where)
    return _file(directive=row.directive, recipient=row, uploaded_by=env.users[UPLOADERS[where]])


def routes() -> dict:
    def directive(env, where):
        return {"pk": _directive(env, where).pk}, {}

    def recipient(env, where):
        return {"pk": _recipient(env, where).pk}, {}

    def action(env, where):
        return {"pk": _action(env, where).pk}, {}

    def pk(getter):
        return lambda env, where: ({"pk": getter(env, where).pk}, {})

    def sender_query(env, where):
        return {}, {"sender": env.org(where).pk}

    return {
        "directives:inbox": [anywhere("get", R)],
        "directives:sent": [anywhere("get", R)],
        "directives:create": [
            *get_and_post(anywhere("get", M)),  # asks which organization sends, or goes straight to the form
            *get_and_post(obj("get", M, sender_query)),  # from a chosen sender: the need on the sender
        ],
        "directives:detail": [obj("get", R, directive)],  # the matrix: read on the sender
        "directives:export": [obj("get", R, directive)],  # the matrix as .xlsx: as the page
        "directives:remind": [obj("post", M, directive)],
        "directives:close": [obj("post", M, directive)],
        "directives:withdraw": [obj("post", M, directive)],  # once withdrawn, again changes nothing
        "directives:recipient": [obj("get", R, recipient)],  # read on the receiving organization only
        "directives:acknowledge": [obj("post", M, recipient)],
        "directives:action-add": [obj("post", M, recipient)],  # empty: the page again with the errors
        # Make the directive a task of the organization's own plan: the need is on the receiving organization.
        # (No plan there for this year: the page says so, and an empty post gets the same page.)
        "directives:task-add": [obj("get", M, recipient), obj("post", M, recipient)],
        "directives:complete": [obj("post", M, recipient)],  # empty answer: the page again with the error
        "directives:action-toggle": [obj("post", M, action)],
        "directives:attach": [obj("post", M, directive)],  # no file chosen: back to the page with the error
        "directives:recipient-attach": [obj("post", M, recipient)],  # the page again with the error
        # The sender's files: read on the sender (or a recipient); a recipient's: read there (or on the sender).
        "directives:attachment": [obj("get", R, pk(_sender_file)), obj("get", R, pk(_recipient_file))],
        "directives:attachment-remove": [obj("post", M, pk(_fresh_file), special={("worker", "B1"): FORBIDDEN})],
    }
