"""The personal relations meetings declare to the access policy (chuxin.core.access): an expected attendee reads
the meeting wherever it is (a leader's second organization), the recorder marks its attendance, the host decides
leave requests."""

from __future__ import annotations

from chuxin.core.access import Need, Relation


def _is_person(attribute: str):
    def test(user, meeting) -> bool:
        person = getattr(meeting, attribute, None)
        return bool(user.is_authenticated and person is not None and person.user_id == user.pk)

    return test


def _attends(user, meeting) -> bool:
    if not user.is_authenticated:
        return False
    return meeting.attendances.filter(member__user=user).exists()


ATTENDEE = Relation("an attendee", _attends, Need.PUBLIC)
RECORDER = Relation("the recorder", _is_person("recorder"), Need.MANAGE)
HOST = Relation("the host", _is_person("host"), Need.MANAGE)
