"""The input rules at their boundaries: phones per region, e-mails, Emirates IDs and passports,
plates, the NOC's issue date in Dubai time, the maximum permit length."""

import datetime
import zoneinfo

import pytest
from django.core.exceptions import ValidationError

from permits import validators as v
from permits.rules import PermitFacts, Stage, check_permit_rules
from portal.core import contact
from tests.factories import CommunityFactory

DUBAI = zoneinfo.ZoneInfo("Asia/Dubai")


class TestPhones:
    @pytest.mark.parametrize(
        ("typed", "region", "stored"),
        [
            ("050 555 1234", "AE", "+971505551234"),
            ("0505551234", "AE", "+971505551234"),
            ("+971 50 555 1234", "AE", "+971505551234"),
            ("00971 50 555 1234", "AE", "+971505551234"),
            ("+971505551234", "SA", "+971505551234"),  # an international number ignores the region
            ("050 123 4567", "SA", "+966501234567"),  # the same digits are a Saudi mobile in Saudi Arabia
            ("04 345 6789", "AE", "+97143456789"),  # a Dubai landline
            ("07911 123456", "GB", "+447911123456"),
        ],
    )
    def test_a_number_is_stored_in_e164_read_in_the_region(self, typed, region, stored):
        assert contact.normalize_phone(typed, region=region) == stored

    @pytest.mark.parametrize("typed", ["abc", "123", "050 555 123", "050 555 12345", "+971 12 345 6789", "", "  "])
    def test_an_impossible_number_is_refused(self, typed):
        with pytest.raises(ValidationError, match="is not a phone number that can be dialled") as raised:
            contact.normalize_phone(typed, region="AE")
        assert raised.value.code == "invalid_phone"

    def test_an_optional_phone_may_be_empty(self):
        assert contact.normalize_optional_phone("  ", region="AE") == ""
        assert contact.normalize_optional_phone("050 555 1234", region="AE") == "+971505551234"

    def test_e164_is_left_as_it_is(self):
        assert contact.normalize_phone("+971505551234") == "+971505551234"


class TestEmailsAndContacts:
    def test_an_email_is_trimmed_and_lower_cased(self):
        assert contact.normalize_email("  Omar.Haddad@AlNoor.Example ") == "omar.haddad@alnoor.example"

    @pytest.mark.parametrize("typed", ["not-an-email", "a@", "@b.com", ""])
    def test_a_bad_email_is_refused(self, typed):
        with pytest.raises(ValidationError):
            contact.normalize_email(typed)

    def test_a_contact_is_a_phone_or_an_email(self):
        assert contact.normalize_contact("050 555 1234", region="AE") == "+971505551234"
        assert contact.normalize_contact(" Site@Alnoor.example", region="AE") == "site@alnoor.example"
        with pytest.raises(ValidationError, match="is not a valid e-mail address"):
            contact.normalize_contact("site@", region="AE")
        with pytest.raises(ValidationError, match="is not a phone number"):
            contact.normalize_contact("call the office", region="AE")

    def test_the_representative_contact_may_stay_empty_until_submission(self):
        assert v.normalize_representative_contact("", region="AE") == ""

    @pytest.mark.parametrize(("code", "ok"), [("AE", True), ("SA", True), ("ae", False), ("XX", False), ("", False)])
    def test_a_community_country_is_a_known_region(self, code, ok):
        if ok:
            contact.validate_country(code)
        else:
            with pytest.raises(ValidationError):
                contact.validate_country(code)

    def test_the_country_of_the_first_community_else_ae(self):
        assert contact.country_of([]) == "AE"
        saudi, emirati = CommunityFactory.build(country="SA"), CommunityFactory.build(country="AE")
        assert contact.country_of([saudi, emirati]) == "SA"


class TestEmiratesIdsAndPassports:
    VALID = "784-1990-1234567-6"

    @pytest.mark.parametrize(
        "typed", ["784-1990-1234567-6", "784199012345676", " 784 1990 1234567 6 ", "784–1990–1234567–6"]
    )
    def test_an_emirates_id_is_stored_with_its_dashes(self, typed):
        assert v.normalize_id_number(typed) == self.VALID

    @pytest.mark.parametrize("wrong", [0, 1, 2, 3, 4, 5, 7, 8, 9])
    def test_every_other_check_digit_is_refused(self, wrong):
        with pytest.raises(ValidationError, match="its last digit does not match") as raised:
            v.normalize_id_number(f"784-1990-1234567-{wrong}")
        assert raised.value.code == "invalid_emirates_id"

    @pytest.mark.parametrize("typed", ["784-1990-123456", "7841990123456761", "784-1990-1234567"])
    def test_an_emirates_id_of_the_wrong_length_is_refused(self, typed):
        with pytest.raises(ValidationError, match="is not a valid Emirates ID"):
            v.normalize_id_number(typed)

    def test_the_check_digit_is_luhn(self):
        # A known-good number and its neighbours: one changed digit always changes the check digit.
        assert v.emirates_id_check_digit("78419901234567") == 6
        assert v.emirates_id_check_digit("78419901234568") == 4
        assert v.make_emirates_id(1985, 7654321) == "784-1985-7654321-3"

    @pytest.mark.parametrize(
        ("typed", "stored"), [("n1234567", "N1234567"), ("AB 123456", "AB123456"), ("123456789", "123456789")]
    )
    def test_a_passport_is_6_to_9_letters_and_digits(self, typed, stored):
        assert v.normalize_id_number(typed) == stored

    @pytest.mark.parametrize("typed", ["123", "12345", "ABCDEFGH", "A12345678X", "N123-456!", ""])
    def test_anything_else_is_refused(self, typed):
        with pytest.raises(ValidationError, match="is not a valid ID number"):
            v.normalize_id_number(typed)

    def test_a_worker_is_refused_field_by_field(self):
        with pytest.raises(ValidationError) as raised:
            v.normalize_worker(name=" ", id_number="123", phone="abc", region="AE")
        assert set(raised.value.error_dict) == {"name", "id_number", "phone"}

    def test_a_worker_in_one_spelling(self):
        worker = v.normalize_worker(name=" Ravi Kumar ", id_number="784199012345676", phone="050 555 1234", region="AE")
        assert worker == {"name": "Ravi Kumar", "id_number": self.VALID, "phone": "+971505551234"}

    def test_names_compare_as_people_read_them(self):
        assert v.same_person_name("Ravi  Kumar", "ravi kumar ")
        assert not v.same_person_name("Ravi Kumar", "Ravi Kumaran")


class TestPlates:
    @pytest.mark.parametrize("typed", ["DXB A 12345", "DXB-A-12345", "dxba12345", " dxb.a.12345 ", "DXB – A – 12345"])
    def test_every_spelling_is_one_plate(self, typed):
        assert v.clean_plate(typed) == "DXBA12345"

    def test_twenty_five_characters_and_no_more(self):
        assert v.clean_plate("A" * 24 + "1") == "A" * 24 + "1"
        with pytest.raises(ValidationError, match="at most 25 characters"):
            v.clean_plate("A" * 25 + "1")

    @pytest.mark.parametrize("typed", ["abc", "DXB#1", "---", "", "دبي 123"])
    def test_a_plate_needs_letters_and_digits_only_and_one_digit(self, typed):
        with pytest.raises(ValidationError, match="is not a valid plate") as raised:
            v.clean_plate(typed)
        assert f"“{typed.strip()}”" in raised.value.messages[0]  # quoted as typed


class TestNocIssueDate:
    def test_today_in_dubai_is_accepted_and_tomorrow_refused(self):
        # 21:30 UTC on 31 July is already 1 August in Dubai.
        now = datetime.datetime(2026, 7, 31, 21, 30, tzinfo=datetime.UTC)
        today = v.local_date(now, DUBAI)
        assert today == datetime.date(2026, 8, 1)
        v.validate_noc_issued(datetime.date(2026, 8, 1), today=today)
        v.validate_noc_issued(datetime.date(2026, 7, 1), today=today)
        with pytest.raises(ValidationError, match=r"issue date 02 Aug 2026 is in the future \(today is 01 Aug 2026\)"):
            v.validate_noc_issued(datetime.date(2026, 8, 2), today=today)


class TestMaximumLength:
    @staticmethod
    def window(days: int):
        start = datetime.datetime(2026, 9, 1, 7, 0, tzinfo=DUBAI)
        end = datetime.datetime.combine(start.date() + datetime.timedelta(days=days - 1), datetime.time(18), DUBAI)
        return start, end

    def test_n_days_are_accepted_and_n_plus_one_refused(self):
        v.validate_max_length(*self.window(90), tz=DUBAI, max_days=90, community_name="DAMAC Hills")
        with pytest.raises(ValidationError, match="may cover at most 90 days; 01 Sep 2026 to 30 Nov 2026 is 91 days"):
            v.validate_max_length(*self.window(91), tz=DUBAI, max_days=90, community_name="DAMAC Hills")

    def test_days_are_counted_in_the_community_time_zone(self):
        # 20:30 UTC is already the next day in Dubai: one calendar day more than in UTC.
        start = datetime.datetime(2026, 9, 1, 4, 0, tzinfo=datetime.UTC)
        end = datetime.datetime(2026, 9, 1, 20, 30, tzinfo=datetime.UTC)
        v.validate_max_length(start, end, tz=DUBAI, max_days=2, community_name="X")
        with pytest.raises(ValidationError):
            v.validate_max_length(start, end, tz=DUBAI, max_days=1, community_name="X")

    @pytest.mark.django_db
    @pytest.mark.parametrize("stage", list(Stage))
    def test_the_rule_runs_at_every_stage_with_the_community_limit(self, stage):
        community = CommunityFactory(max_permit_days=30)
        start, end = self.window(31)
        facts = PermitFacts(community=community, valid_from=start, valid_till=end, blackout_dates={})
        with pytest.raises(ValidationError) as raised:
            check_permit_rules(facts, stage=stage, now=start - datetime.timedelta(days=1))
        assert [e.code for e in raised.value.error_dict["valid_till"]] == ["permit_too_long"]
        facts.valid_till = self.window(30)[1]
        check_permit_rules(facts, stage=stage, now=start - datetime.timedelta(days=1))
