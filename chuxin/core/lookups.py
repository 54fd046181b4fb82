"""`__in` on integer columns (ids included) ignores numbers the column cannot hold.

Django already answers `pk=2**63` with "no such row" instead of sending it to the database, but not
`pk__in=[2**63]`: SQLite then fails with OverflowError. A multiple-choice form field (checkboxes of
organizations, people) looks its choices up with `__in`, so a forged huge id became a server error. With this
lookup it is one more id that matches nothing, and the field says "select a valid choice".
"""

from __future__ import annotations

from django.db.models import IntegerField
from django.db.models.lookups import In


class IntegerFieldIn(In):
    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            low, high = connection.ops.integer_field_range(self.lhs.output_field.get_internal_type())
            self.rhs = [
                value for value in self.rhs
                if not isinstance(value, int) or ((low is None or value >= low) and (high is None or value <= high))
            ]
        return super().process_rhs(compiler, connection)


def register() -> None:
    IntegerField.register_lookup(IntegerFieldIn)
