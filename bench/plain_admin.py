"""The reference point of the changelist figures: ``Permit`` on a plain ``ModelAdmin`` with default settings.

The only setting given names Django's own changelist template: the project overrides
``admin/permits/permit/change_list.html`` for the product admin (with links that exist only there),
and Django would pick that override for any admin site.
"""

from django.contrib import admin

from permits.models import Permit

site = admin.AdminSite(name="bench_plain_admin")


class PlainPermitAdmin(admin.ModelAdmin):
    change_list_template = "admin/change_list.html"


site.register(Permit, PlainPermitAdmin)
