"""Citizen ID numbers (GB 11643-1999): validation, masking, encryption at rest and the blind index."""

from __future__ import annotations

import datetime
import random

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import override_settings

from chuxin.audit.models import AuditEntry
from chuxin.members import citizen_id, services
from chuxin.members.models import Member

KNOWN = "11010519491231002X"  # the standard's own example: born 1949-12-31, female, check character X


def with_check(first17: str) -> str:
    return first17 + citizen_id.check_char(first17)


def code_of(value: str, **kwargs) -> str:
    with pytest.raises(ValidationError) as error:
        citizen_id.validate(value, **kwargs)
    return error.value.code


# The check character


def test_the_standards_example_is_valid():
    assert citizen_id.check_char(KNOWN[:17]) == "X"
    assert citizen_id.validate(KNOWN) == KNOWN


@pytest.mark.parametrize("number", ["110105194912310021", "110105194912310029", "110105194912310020"])
def test_a_wrong_check_character_is_refused(number):
    assert code_of(number) == "check_digit"


def test_a_single_mistyped_digit_is_caught():
    mistyped = KNOWN[:5] + "6" + KNOWN[6:]  # 110106... with the original check character
    assert code_of(mistyped) == "check_digit"


def test_a_lower_case_x_and_spaces_are_normalized():
    assert citizen_id.validate(" 110105 19491231 002x ") == KNOWN


def test_full_width_digits_from_a_chinese_input_method_are_normalized():
    full_width = "１１０１０５１９４９１２３１００２ｘ"
    assert citizen_id.validate(full_width) == KNOWN
    assert citizen_id.digest(citizen_id.validate(full_width)) == citizen_id.digest(KNOWN)


@pytest.mark.parametrize("value", ["", "11010519491231002", "1101051949123100200", "11010519491231002Y",
                                   "X10105194912310020", "١١٠١٠٥١٩٤٩١٢٣١٠٠٢X"])
def test_anything_but_17_digits_and_a_digit_or_x_is_refused(value):
    assert code_of(value) == "format"


# The birth date and sex digits


@pytest.mark.parametrize("date_digits", ["19490231", "19491301", "19490000", "18991231", "29991231"])
def test_impossible_birth_dates_are_refused(date_digits):
    assert code_of(with_check(f"110105{date_digits}002")) == "birth_date"


def test_a_leap_day_is_possible():
    number = with_check("11010520000229001")
    assert citizen_id.birth_date_of(number) == datetime.date(2000, 2, 29)
    assert citizen_id.validate(number) == number


def test_the_birth_date_must_match_the_birth_date_field():
    assert code_of(KNOWN, birth_date=datetime.date(1949, 12, 30)) == "birth_mismatch"
    assert citizen_id.validate(KNOWN, birth_date=datetime.date(1949, 12, 31)) == KNOWN


def test_the_mismatch_message_names_both_dates():
    with pytest.raises(ValidationError) as error:
        citizen_id.validate(KNOWN, birth_date=datetime.date(1950, 1, 1))
    assert "1949-12-31" in error.value.messages[0]
    assert "1950-01-01" in error.value.messages[0]


def test_the_sex_digit_must_match_the_gender():
    # The 17th digit is odd for men, even for women; KNOWN's is 2.
    assert code_of(KNOWN, gender="male") == "gender_mismatch"
    assert citizen_id.validate(KNOWN, gender="female") == KNOWN
    male = with_check("11010519491231001")
    assert code_of(male, gender="female") == "gender_mismatch"
    assert citizen_id.validate(male, gender="male") == male


# Made-up numbers for the demo, tests and benchmarks


def _births(rng: random.Random, count: int) -> list[tuple[datetime.date, bool]]:
    start = datetime.date(1930, 1, 1).toordinal()
    end = datetime.date(2006, 12, 31).toordinal()
    return [(datetime.date.fromordinal(rng.randint(start, end)), rng.random() < 0.5) for _ in range(count)]


def test_every_made_up_number_is_valid_with_its_birth_date_and_sex():
    rng = random.Random(1)
    for born, male in _births(random.Random(2), 2000):
        number = citizen_id.fake(rng, born, male)
        gender = "male" if male else "female"
        assert citizen_id.validate(number, birth_date=born, gender=gender) == number
        assert citizen_id.birth_date_of(number) == born
        assert citizen_id.is_male(number) is male
        assert code_of(number, gender="female" if male else "male") == "gender_mismatch"


def test_the_sex_digit_is_odd_for_men_and_even_for_women():
    rng = random.Random(3)
    born = datetime.date(1980, 6, 1)
    assert {int(citizen_id.fake(rng, born, True)[16]) % 2 for _ in range(50)} == {1}
    assert {int(citizen_id.fake(rng, born, False)[16]) % 2 for _ in range(50)} == {0}


def test_a_seeded_rng_makes_the_same_numbers_every_time():
    births = _births(random.Random(4), 20)
    first = [citizen_id.fake(random.Random(9), born, male) for born, male in births]
    again = [citizen_id.fake(random.Random(9), born, male) for born, male in births]
    assert first == again
    assert [citizen_id.fake(random.Random(10), born, male) for born, male in births] != first


def test_the_area_is_the_one_given_or_drawn_from_those_given():
    rng = random.Random(5)
    born = datetime.date(1990, 1, 2)
    assert citizen_id.fake(rng, born, True, "330106").startswith("33010619900102")
    assert {citizen_id.fake(rng, born, True, ("130102", "140105"))[:6] for _ in range(40)} == {"130102", "140105"}
    assert {citizen_id.fake(rng, born, True)[:6] for _ in range(200)} == set(citizen_id.FAKE_AREAS)


def test_serials_give_distinct_numbers_for_the_same_birth_date_and_sex():
    born = datetime.date(1985, 5, 20)
    numbers = {citizen_id.fake(random.Random(0), born, False, "110105", serial=n) for n in range(500)}
    assert len(numbers) == 500
    assert all(citizen_id.validate(n, birth_date=born, gender="female") == n for n in numbers)
    with pytest.raises(ValueError):
        citizen_id.fake(random.Random(0), born, False, serial=500)


# Masking


def test_the_mask_keeps_only_the_last_four_characters():
    # Not the first three too: with the place digits and a birth date shown beside the mask, only the three
    # sequence digits were hidden, and the check digit left about three candidates.
    assert citizen_id.mask(KNOWN) == "**************002X"
    assert len(citizen_id.mask(KNOWN)) == 18
    assert citizen_id.mask("") == ""


def test_stored_masks_are_cut_to_the_last_four_by_the_migration(world):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("chuxin.members.migrations.0004_mask_last_four")
    Member.objects.filter(pk=world.member.pk).update(citizen_id_masked="110***********002X")  # as stored before
    migration.mask_last_four(apps, None)
    assert Member.objects.get(pk=world.member.pk).citizen_id_masked == "**************002X"
    assert Member.objects.get(pk=world.b2_member.pk).citizen_id_masked == world.b2_member.citizen_id_masked


# Encryption and the digest


def test_encryption_round_trips_and_hides_the_number():
    token = citizen_id.encrypt(KNOWN)
    assert citizen_id.decrypt(token) == KNOWN
    assert KNOWN not in token
    assert citizen_id.encrypt(KNOWN) != token  # a fresh IV each time: equal numbers don't look equal


def test_the_digest_is_stable_and_distinguishes_numbers():
    assert citizen_id.digest(KNOWN) == citizen_id.digest(KNOWN)
    assert len(citizen_id.digest(KNOWN)) == 64
    assert citizen_id.digest(KNOWN) != citizen_id.digest(with_check("11010519491231003"))
    assert KNOWN not in citizen_id.digest(KNOWN)


def test_the_digest_is_keyed():
    plain = citizen_id.digest(KNOWN)
    with override_settings(FIELD_ENCRYPTION_KEY="another-key-for-another-deployment"):
        assert citizen_id.digest(KNOWN) != plain


def test_a_separate_field_key_still_decrypts_what_it_encrypted():
    with override_settings(FIELD_ENCRYPTION_KEY="field-key-0123456789"):
        token = citizen_id.encrypt(KNOWN)
        assert citizen_id.decrypt(token) == KNOWN


def test_the_stored_row_never_holds_the_number(world):
    member = services.member_create(
        actor=world.worker, citizen_id_number=KNOWN, organization=world.b1, name="周敏", gender="female",
        birth_date=datetime.date(1949, 12, 31), joined_on=datetime.date(1975, 7, 1),
        full_member_on=datetime.date(1976, 7, 1), category="full",
    )
    table = Member._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table} WHERE id = %s", [member.pk])  # noqa: S608 - our own table name
        row = cursor.fetchone()
    stored = " ".join(str(value) for value in row)
    assert KNOWN not in stored
    assert KNOWN[:17] not in stored
    assert KNOWN[6:14] + KNOWN[14:17] not in stored  # not even the birth date with the sequence digits
    assert "**************002X" in stored  # the mask is kept in clear, for lists
    assert citizen_id.decrypt(Member.objects.get(pk=member.pk).citizen_id_encrypted) == KNOWN
    audited = " ".join(str(e.changes) + e.target_repr for e in AuditEntry.objects.all())
    assert KNOWN not in audited


def test_changing_the_number_is_audited_without_the_number(world):
    member = world.member
    new_number = with_check("11010519850520001")
    services.member_update(actor=world.worker, member=member, citizen_id_number=new_number)
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.UPDATE, target_id=str(member.pk)).get()
    assert entry.changes["citizen_id"] == ["***", "***"]
    assert new_number not in str(entry.changes)
    member.refresh_from_db()
    assert member.citizen_id_digest == citizen_id.digest(new_number)
