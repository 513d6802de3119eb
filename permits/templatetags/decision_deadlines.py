"""``{% load decision_deadlines %}``: a permit's decision deadline in any admin template.

- ``{% decision_due permit as due %}``: its deadline, overdue or not, and the time left (no query);
- ``{% decision_waits permit %}``: the permit page's section with its waits, open and past (two queries).
"""

from django import template

from ..selectors.deadlines import due_state, open_waits, past_waits

register = template.Library()


@register.simple_tag
def decision_due(permit):
    return due_state(getattr(permit, "decision_due_at", None))


@register.inclusion_tag("admin/permits/permit/_deadline.html")
def decision_waits(permit) -> dict:
    return {
        "waits": [(wait, due_state(wait.due_at)) for wait in open_waits(permit)],
        "past": past_waits(permit),
        "community": permit.community,
    }
