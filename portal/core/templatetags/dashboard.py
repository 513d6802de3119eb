"""``{% admin_dashboard as dashboard %}``: the admin index panels for the signed-in user."""

from django import template

from ..admin_dashboard import dashboard_context

register = template.Library()


@register.simple_tag(takes_context=True)
def admin_dashboard(context) -> dict:
    request = context.get("request")
    if request is None or not request.user.is_staff:
        return {}
    return dashboard_context(request)


@register.simple_tag
def chart_svg(chart, aria_label: str):
    """``{% chart_svg chart _("…") %}``: a ``BarChart`` drawn as SVG (``BarChart.svg``)."""
    return chart.svg(aria_label)
