from django import template

from chuxin.meetings import rules

register = template.Library()


@register.filter
def period(value: str) -> str:
    """A period key ("2026-Q1") as people say it ("2026年第1季度"); anything else as it is."""
    try:
        rules.period_bounds(value)
    except ValueError:
        return value
    return rules.period_label(value)
