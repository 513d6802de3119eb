"""The reference point of the changelist figures: ``Permit`` on a plain ``ModelAdmin`` a careful user would write.

Only Django's documented switches, no custom code: the portal's page size (50), ``list_select_related`` for
every relation its columns show (``Unit.__str__`` reads the unit's property: no query per row), no second
full count on filtered pages (``show_full_result_count = False``) and the plain filters of the columns the
bench filters on. What it lacks is what the portal adds: its scoping, its review ordering and annotations,
and the paginator that estimates the size of an unfiltered list instead of counting it.

``change_list_template`` names Django's own template: the project overrides
``admin/permits/permit/change_list.html`` for the product admin (with links that exist only there), and
Django would pick that override for any admin site.
"""

from django.contrib import admin

from permits.models import Permit

site = admin.AdminSite(name="bench_plain_admin")


class PlainPermitAdmin(admin.ModelAdmin):
    change_list_template = "admin/change_list.html"
    list_display = [
        "reference",
        "main_unit",
        "contractor",
        "community",
        "permit_type",
        "status",
        "valid_from",
        "valid_till",
    ]
    list_select_related = ["main_unit__property", "contractor", "community"]
    list_filter = ["status", "community", "valid_till"]
    list_per_page = 50
    show_full_result_count = False


site.register(Permit, PlainPermitAdmin)
