"""``{% permit_clashes original %}``: the clash section of the permit's decision page (admin)."""

from django import template

from ..admin.clashes import clash_section

register = template.Library()


@register.inclusion_tag("admin/permits/permit/_clashes.html", takes_context=True)
def permit_clashes(context, permit):
    return clash_section(context["request"], permit)
