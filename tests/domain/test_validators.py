"""Every rule at its boundaries: the day (or minute) before, the day of, the day after."""

import datetime
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile

from contractors.validators import documents_expiring, validate_compliance_through, validate_contractor_approved
from permits import validators as v
from permits.rules import submission_missing
from portal.core.uploads import validate_upload
from tests.factories import PDF_BYTES, PNG_BYTES

DUBAI = zoneinfo.ZoneInfo("Asia/Dubai")
NOW = datetime.datetime(2026, 8, 1, 12, 0, tzinfo=datetime.UTC)
SECOND = datetime.timedelta(seconds=1)


def at(day: str, hour: int = 12) -> datetime.datetime:
    return datetime.datetime.combine(datetime.date.fromisoformat(day), datetime.time(hour), tzinfo=DUBAI)


def messages(error: ValidationError) -> list[str]:
    return [message for e in error.error_list for message in e.messages]


class TestValidityWindow:
    def test_end_one_second_after_start_is_accepted(self):
        v.validate_validity_window(NOW, NOW + SECOND)

    @pytest.mark.parametrize("offset", [datetime.timedelta(0), -SECOND])
    def test_end_at_or_before_start_is_refused(self, offset):
        with pytest.raises(ValidationError, match=r"The permit must end after it starts\."):
            v.validate_validity_window(NOW, NOW + offset)

    def test_end_in_the_future_is_accepted(self):
        v.validate_ends_in_future(NOW + SECOND, now=NOW)

    @pytest.mark.parametrize("offset", [datetime.timedelta(0), -SECOND])
    def test_end_now_or_in_the_past_is_refused(self, offset):
        with pytest.raises(ValidationError, match="end date must be in the future"):
            v.validate_ends_in_future(NOW + offset, now=NOW)


class TestDailyTimes:
    def test_end_after_start(self):
        v.validate_daily_times(datetime.time(8), datetime.time(8, 1))

    @pytest.mark.parametrize("end", [datetime.time(8), datetime.time(7, 59)])
    def test_end_at_or_before_start_is_refused(self, end):
        with pytest.raises(ValidationError, match="daily end time must be after"):
            v.validate_daily_times(datetime.time(8), end)

    def test_missing_times_are_left_to_the_submission_check(self):
        v.validate_daily_times(None, datetime.time(8))


class TestWorkingHours:
    HOURS = {"day_start": datetime.time(7), "day_end": datetime.time(19), "community_name": "DAMAC Hills"}

    def test_exactly_the_working_hours_are_accepted(self):
        v.validate_working_hours(datetime.time(7), datetime.time(19), **self.HOURS)

    @pytest.mark.parametrize(
        ("time_in", "time_out"),
        [(datetime.time(6, 59), datetime.time(12)), (datetime.time(8), datetime.time(19, 1))],
    )
    def test_a_minute_outside_is_refused(self, time_in, time_out):
        with pytest.raises(ValidationError) as caught:
            v.validate_working_hours(time_in, time_out, **self.HOURS)
        assert messages(caught.value) == ["Work in DAMAC Hills is allowed between 07:00 and 19:00."]


class TestBlackoutDates:
    BLACKOUT = {datetime.date(2026, 12, 2): "National Day"}

    def check(self, start: str, end: str):
        v.validate_no_blackout(
            at(start), at(end), tz=DUBAI, blackout_dates=self.BLACKOUT, community_name="Palm Gardens"
        )

    def test_window_ending_the_day_before_is_accepted(self):
        self.check("2026-11-20", "2026-12-01")

    def test_window_ending_on_the_day_is_refused(self):
        with pytest.raises(ValidationError) as caught:
            self.check("2026-11-20", "2026-12-02")
        assert messages(caught.value) == [
            "No work is allowed in Palm Gardens on 02 Dec 2026 (National Day); choose dates that avoid it."
        ]

    def test_window_starting_the_day_after_is_accepted(self):
        self.check("2026-12-03", "2026-12-20")

    def test_the_day_is_judged_in_the_community_time_zone(self):
        # 2026-12-01 21:00 UTC is already 2026-12-02 01:00 in Dubai.
        late = datetime.datetime(2026, 12, 1, 21, 0, tzinfo=datetime.UTC)
        with pytest.raises(ValidationError):
            v.validate_no_blackout(
                at("2026-11-20"), late, tz=DUBAI, blackout_dates=self.BLACKOUT, community_name="Palm Gardens"
            )


class TestNoc:
    def test_noc_expiring_the_day_the_permit_ends_is_accepted(self):
        v.validate_noc_covers_permit(datetime.date(2026, 8, 31), at("2026-08-31", 18), tz=DUBAI)

    def test_noc_expiring_the_day_after_is_accepted(self):
        v.validate_noc_covers_permit(datetime.date(2026, 9, 1), at("2026-08-31", 18), tz=DUBAI)

    def test_noc_expiring_the_day_before_is_refused_in_words(self):
        with pytest.raises(ValidationError) as caught:
            v.validate_noc_covers_permit(datetime.date(2026, 8, 30), at("2026-08-31", 18), tz=DUBAI)
        assert messages(caught.value) == ["The NOC expires on 30 Aug 2026, before the permit ends on 31 Aug 2026."]

    def test_issue_and_expiry_on_the_same_day_is_accepted(self):
        v.validate_noc_dates(datetime.date(2026, 8, 1), datetime.date(2026, 8, 1))

    def test_expiry_before_issue_is_refused(self):
        with pytest.raises(ValidationError, match="expiry date is before its issue date"):
            v.validate_noc_dates(datetime.date(2026, 8, 1), datetime.date(2026, 7, 31))


class TestContractorRules:
    UNTIL = datetime.date(2026, 8, 31)

    def test_licence_and_insurance_through_the_last_day_are_accepted(self):
        validate_compliance_through(licence_expiry=self.UNTIL, insurance_expiry=self.UNTIL, until=self.UNTIL)

    def test_licence_lapsing_the_day_before_the_permit_ends_is_refused(self):
        with pytest.raises(ValidationError) as caught:
            validate_compliance_through(
                licence_expiry=self.UNTIL - datetime.timedelta(days=1), insurance_expiry=self.UNTIL, until=self.UNTIL
            )
        assert messages(caught.value) == [
            "The company's trade licence expires on 30 Aug 2026, before the permit ends on 31 Aug 2026."
        ]

    def test_missing_insurance_is_refused(self):
        with pytest.raises(ValidationError, match="insurance expiry date is missing"):
            validate_compliance_through(licence_expiry=self.UNTIL, insurance_expiry=None, until=self.UNTIL)

    @pytest.mark.parametrize("status", ["pending", "revoked", None])
    def test_only_an_approved_contractor_may_work(self, status):
        with pytest.raises(ValidationError, match=r"Acme LLC is not approved to work in DAMAC Hills\."):
            validate_contractor_approved(status=status, company_name="Acme LLC", community_name="DAMAC Hills")

    def test_approved_contractor_passes(self):
        validate_contractor_approved(status="approved", company_name="Acme LLC", community_name="DAMAC Hills")

    def test_expiry_warnings_at_thirty_days(self):
        today = datetime.date(2026, 8, 1)
        warnings = documents_expiring(
            licence_expiry=today + datetime.timedelta(days=30),
            insurance_expiry=today + datetime.timedelta(days=31),
            today=today,
        )
        assert warnings == ["Trade licence expires on 31 Aug 2026, within 30 days."]


class TestPlates:
    def test_plates_are_normalised(self):
        assert v.normalize_plate(" dxb a 12345 ") == "DXBA12345"

    def test_twenty_five_characters_are_accepted(self):
        v.validate_plate("A" * 24 + "1")

    @pytest.mark.parametrize("plate", ["A" * 25 + "1", "DXB_123", "DXB/1", "", "ABC"])
    def test_invalid_plates_are_refused(self, plate):
        with pytest.raises(ValidationError, match="is not a valid plate"):
            v.validate_plate(plate)


class TestUploads:
    @pytest.mark.parametrize(("content", "mime"), [(PDF_BYTES, "application/pdf"), (PNG_BYTES, "image/png")])
    def test_type_is_read_from_the_content(self, content, mime):
        assert validate_upload(ContentFile(content, name="whatever.bin")).content_type == mime

    def test_an_executable_named_pdf_is_refused(self):
        with pytest.raises(ValidationError, match="Only PDF, PNG and JPEG files are accepted"):
            validate_upload(ContentFile(b"MZ\x90\x00" + b"\x00" * 200, name="noc.pdf"))

    def test_size_limit_boundary(self, settings):
        settings.UPLOAD_MAX_BYTES = len(PDF_BYTES)
        validate_upload(ContentFile(PDF_BYTES, name="a.pdf"))
        settings.UPLOAD_MAX_BYTES = len(PDF_BYTES) - 1
        with pytest.raises(ValidationError, match="the limit is"):
            validate_upload(ContentFile(PDF_BYTES, name="a.pdf"))

    def test_empty_file_is_refused(self):
        with pytest.raises(ValidationError, match=r"The file is empty\."):
            validate_upload(ContentFile(b"", name="a.pdf"))


def test_submission_missing_lists_everything_in_words():
    assert submission_missing(
        valid_from=NOW,
        valid_till=NOW,
        time_in=None,
        time_out=None,
        representative_name="",
        representative_contact="",
        worker_count=0,
        has_current_noc=False,
    ) == [
        "the daily start and end times",
        "the representative's name",
        "the representative's contact",
        "at least one worker",
        "the NOC document",
    ]
