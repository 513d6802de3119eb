import pytest

from permits.choices import PermitStatus
from tests.factories import permit_in_status


@pytest.mark.django_db
@pytest.mark.parametrize("status", [s.value for s in PermitStatus])
def test_every_status_is_reachable_through_services(status):
    assert permit_in_status(status).status == status
