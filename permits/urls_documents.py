"""Access-checked downloads (namespace "documents"): the admin links here too."""

from django.urls import path

from .views import documents

urlpatterns = [
    path("noc/<int:pk>/", documents.noc_download, name="noc"),
    path("noc/<int:pk>/preview/", documents.noc_preview, name="noc_preview"),
    path("contractor/<int:pk>/", documents.contractor_document_download, name="contractor"),
    path("qr/<str:reference>/", documents.qr_image, name="qr"),
]
