"""A company sees only itself: everything of another company is a 404, everywhere."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from contractors.models import ContractorDocument
from permits.models import NocVersion, Worker
from portal.core.storage import file_stored_first
from tests.factories import PDF_BYTES, PNG_BYTES, VehicleFactory, permit_in_status

from .conftest import Counts, pdf_upload

pytestmark = pytest.mark.django_db


def _document(contractor, kind="trade_licence"):
    document = ContractorDocument(
        contractor=contractor,
        kind=kind,
        original_name="licence.pdf",
        content_type="application/pdf",
        size=len(PDF_BYTES),
        expiry_date="2030-01-01",
    )
    document.file.save("document", ContentFile(PDF_BYTES), save=False)
    document.save()
    return document


def _active_with_qr(**kwargs):
    from permits import services
    from portal.core.actors import Actor

    permit = permit_in_status("approved", **kwargs)
    with file_stored_first(ContentFile(PNG_BYTES), path=f"passes/{permit.reference}.png") as qr_image:
        return services.permit_pass_issue(
            actor=Actor.system("test"), permit=permit, pass_number="WP-1", access_code="CODE-B-123", qr_image=qr_image
        )


def test_list_shows_only_own_permits(client_a, permit_a, permit_b):
    response = client_a.get(reverse("permits:list"))
    assert response.status_code == 200
    assert permit_a.reference in response.content.decode()
    assert permit_b.reference not in response.content.decode()


@pytest.mark.parametrize("name", ["detail", "edit", "pass", "extension"])
def test_pages_of_another_company_are_404(client_a, permit_b, name):
    assert client_a.get(reverse(f"permits:{name}", args=[permit_b.reference])).status_code == 404


def test_posts_to_another_company_are_404_and_change_nothing(client_a, permit_b):
    worker = permit_b.workers.get()
    vehicle = VehicleFactory(permit=permit_b)
    counts = Counts(Worker, NocVersion)
    ref = permit_b.reference
    posts = [
        (reverse("permits:worker_add", args=[ref]), {"worker-name": "X", "worker-id_number": "1"}),
        (reverse("permits:worker_remove", args=[ref, worker.pk]), {}),
        (reverse("permits:vehicle_add", args=[ref]), {"vehicle-plate": "DXB1"}),
        (reverse("permits:vehicle_remove", args=[ref, vehicle.pk]), {}),
        (reverse("permits:vehicle_plate", args=[ref, vehicle.pk]), {f"plate-{vehicle.pk}-plate": "DXB2"}),
        (reverse("permits:submit", args=[ref]), {}),
        (reverse("permits:cancel", args=[ref]), {}),
        (reverse("permits:edit", args=[ref]), {"permit_type": "fit_out"}),
        (
            reverse("permits:noc_upload", args=[ref]),
            {"noc-noc_number": "N", "noc-issue_date": "2020-01-01", "noc-expiry_date": "2099-01-01"},
        ),
    ]
    for url, data in posts:
        if "noc" in url:
            data["noc-file"] = pdf_upload()
        assert client_a.post(url, data).status_code == 404, url
    assert counts.unchanged()
    permit_b.refresh_from_db()
    assert permit_b.status == "draft"


def test_worker_of_another_permit_cannot_be_removed_through_own_permit(client_a, permit_a, permit_b):
    foreign = permit_b.workers.get()
    url = reverse("permits:worker_remove", args=[permit_a.reference, foreign.pk])
    assert client_a.post(url).status_code == 404
    assert Worker.objects.filter(pk=foreign.pk).exists()


def test_downloads_of_another_company_are_404(client_a, client_b, company_b, community, prop, units):
    permit = _active_with_qr(community=community, property=prop, main_unit=units[1], contractor=company_b)
    noc = permit.noc_versions.get()
    document = _document(company_b)
    urls = [
        reverse("documents:noc", args=[noc.pk]),
        reverse("documents:contractor", args=[document.pk]),
        reverse("documents:qr", args=[permit.reference]),
        reverse("permits:pass", args=[permit.reference]),
    ]
    for url in urls:
        assert client_a.get(url).status_code == 404, url
        assert client_b.get(url).status_code == 200, url
    assert "CODE-B-123" not in client_a.get(reverse("permits:list")).content.decode()


def test_noc_download_headers(client_a, permit_a):
    noc = permit_a.noc_versions.get()
    response = client_a.get(reverse("documents:noc", args=[noc.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF_BYTES


def test_qr_is_inline_png(client_a, company_a, community, prop, units):
    permit = _active_with_qr(community=community, property=prop, main_unit=units[0], contractor=company_a)
    response = client_a.get(reverse("documents:qr", args=[permit.reference]))
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PNG_BYTES


def test_staff_downloads_follow_their_communities(client_for, manager, other_manager, operator, permit_a, company_a):
    noc = permit_a.noc_versions.get()
    document = _document(company_a, kind="insurance")
    urls = [reverse("documents:noc", args=[noc.pk]), reverse("documents:contractor", args=[document.pk])]
    for url in urls:
        assert client_for(manager).get(url).status_code == 200, url
        assert client_for(operator).get(url).status_code == 200, url
        assert client_for(other_manager).get(url).status_code == 404, url


def test_a_user_without_company_gets_404_on_documents(client_for, permit_a):
    from tests.factories import UserFactory

    noc = permit_a.noc_versions.get()
    response = client_for(UserFactory()).get(reverse("documents:noc", args=[noc.pk]))
    assert response.status_code == 404


def test_anonymous_users_are_sent_to_sign_in(client, permit_a):
    noc = permit_a.noc_versions.get()
    for url in (reverse("permits:list"), reverse("documents:noc", args=[noc.pk])):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_staff_on_contractor_pages_go_to_the_admin(client_for, manager, permit_a):
    for url in (reverse("permits:list"), reverse("permits:company"), reverse("permits:detail", args=["x"])):
        response = client_for(manager).get(url)
        assert response.status_code == 302
        assert response["Location"] == "/admin/"


def test_nocs_are_never_under_a_public_media_url(client_a, permit_a):
    noc = permit_a.noc_versions.get()
    page = client_a.get(reverse("permits:detail", args=[permit_a.reference])).content.decode()
    assert noc.file.name not in page
    assert reverse("documents:noc", args=[noc.pk]) in page
