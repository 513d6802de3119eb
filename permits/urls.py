"""The contractor's pages and the document downloads everyone uses (namespace "documents")."""

from django.urls import include, path

from .views import calendar, company, drafts, lifecycle, pages, people

permit_patterns = [
    path("", pages.permit_detail, name="detail"),
    path("edit/", drafts.permit_edit, name="edit"),
    path("submit/", lifecycle.permit_submit, name="submit"),
    path("cancel/", lifecycle.permit_cancel, name="cancel"),
    path("extension/", lifecycle.permit_extension, name="extension"),
    path("pass/", pages.permit_pass, name="pass"),
    path("workers/add/", people.worker_add, name="worker_add"),
    path("workers/<int:pk>/remove/", people.worker_remove, name="worker_remove"),
    path("vehicles/add/", people.vehicle_add, name="vehicle_add"),
    path("vehicles/<int:pk>/plate/", people.vehicle_change_plate, name="vehicle_plate"),
    path("vehicles/<int:pk>/remove/", people.vehicle_remove, name="vehicle_remove"),
    path("noc/", people.noc_upload, name="noc_upload"),
]

page_patterns = [
    path("", pages.home, name="home"),
    path("company/", company.company, name="company"),
    path("company/contact/", company.company_contact, name="company_contact"),
    path("company/documents/<str:kind>/", company.company_document_upload, name="company_document_upload"),
    path("permits/", pages.permit_list, name="list"),
    path("permits/new/", drafts.permit_create, name="create"),
    path("permits/calendar/", calendar.calendar, name="calendar"),
    path("permits/calendar/feed/", calendar.calendar_feed, name="calendar_feed"),
    path("calendar/<str:token>.ics", calendar.calendar_ics, name="calendar_ics"),
    path("permits/<str:reference>/", include(permit_patterns)),
]

# Two namespaces: "permits" for the contractor's pages, "documents" for the downloads.
urlpatterns = [
    path("", include((page_patterns, "permits"))),
    path("documents/", include(("permits.urls_documents", "documents"))),
]
