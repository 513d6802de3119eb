"""``{% work_queue_nav %}``: the counts of the manager's work queues in the admin navigation (one query, shared
with the dashboard)."""

from django import template

from ..admin.queues import queue_url, request_queues

register = template.Library()


@register.inclusion_tag("admin/includes/work_queue_nav.html", takes_context=True)
def work_queue_nav(context) -> dict:
    request = context.get("request")
    if request is None or not request.user.is_staff or not request.user.has_perm("permits.view_permit"):
        return {"items": []}
    return {"items": [{"queue": queue, "url": queue_url(queue.slug)} for queue in request_queues(request)]}
