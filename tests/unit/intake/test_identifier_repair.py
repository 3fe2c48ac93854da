"""OCR repair of citizen IDs and credit codes: the "only one repair" rule."""

from __future__ import annotations

import dataclasses
from itertools import product

import pytest

from intake import (
    CREDIT_CODE_ALPHABET,
    IdentifierRepair,
    credit_code_check_char,
    is_valid_credit_code,
    repair_citizen_id,
    repair_credit_code,
)

VALID_ID = "11010519491231002X"
VALID_ID_WITH_EIGHTS = "440524188001010014"
VALID_CODE = "91310110666007217T"
PILOT_CODE = "91350100M0001TGQXM"
SWAPS = {"8": "B", "B": "8", "1": "L", "L": "1"}


def with_check(first17: str) -> str:
    """A valid credit code with the given first 17 characters."""
    return first17 + credit_code_check_char(first17)


def misread(value: str, position: int, char: str) -> str:
    """value with the character at 1-based position replaced by char."""
    return value[: position - 1] + char + value[position:]


def validating_swaps(read: str) -> set[str]:
    """Brute force, independent of the implementation: single 8↔B / 1↔L swaps at 9–18."""
    found = set()
    for index in range(8, 18):
        other = SWAPS.get(read[index])
        if other is not None:
            candidate = read[:index] + other + read[index + 1 :]
            if is_valid_credit_code(candidate):
                found.add(candidate)
    return found


def find_ambiguous_reading() -> tuple[str, set[str]]:
    """An invalid reading with two or more single swaps that each make the check validate."""
    for tail in product("18BL", repeat=4):
        for check in CREDIT_CODE_ALPHABET:
            read = "9131011066600" + "".join(tail) + check
            if not is_valid_credit_code(read) and len(validating_swaps(read)) >= 2:
                return read, validating_swaps(read)
    raise AssertionError("no ambiguous reading in the search space; widen it")


# Valid as read --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (VALID_ID, VALID_ID),
        ("11010519491231002x", VALID_ID),
        ("１１０１０５ １９４９１２３１００２ｘ", VALID_ID),
        ("110105-19491231-002X", VALID_ID),
        (" 110105 1949 1231 002X\n", VALID_ID),
        ("１１０１０５　１９４９１２３１００２Ｘ", VALID_ID),
    ],
)
def test_valid_citizen_id_after_normalising(raw: str, expected: str) -> None:
    assert repair_citizen_id(raw) == IdentifierRepair(value=expected, status="valid", original=raw)


@pytest.mark.parametrize(
    "raw",
    [
        VALID_CODE,
        "91310110666007217t",
        "９１３１０１１０６６６００７２１７Ｔ",
        "9131 0110 6660 0721 7T",
    ],
)
def test_valid_credit_code_after_normalising(raw: str) -> None:
    assert repair_credit_code(raw) == IdentifierRepair(
        value=VALID_CODE, status="valid", original=raw
    )


# Never auto-rejected ----------------------------------------------------------------------------


def test_citizen_id_with_wrong_check_goes_to_review() -> None:
    result = repair_citizen_id("110105194912310021")
    assert result.status == "invalid_checksum"
    assert result.value == "110105194912310021"
    assert result.repairs == ()


def test_pilot_credit_code_goes_to_review_not_rejected() -> None:
    result = repair_credit_code(PILOT_CODE)
    assert result.status == "invalid_checksum"
    assert result.value == PILOT_CODE


def test_forced_repair_that_does_not_validate_keeps_the_repaired_shape() -> None:
    result = repair_citizen_id("110105194912310O21")
    assert result.status == "invalid_checksum"
    assert result.value == "110105194912310021"
    assert result.repairs == ("position 16: O→0",)


# Forced repairs: a look-alike letter where only a digit can be ---------------------------------


@pytest.mark.parametrize(
    ("valid", "position", "letter"),
    [
        (VALID_ID, 2, "I"),
        (VALID_ID, 2, "l"),
        (VALID_ID, 2, "L"),
        (VALID_ID, 3, "O"),
        (VALID_ID, 3, "o"),
        (VALID_ID, 6, "S"),
        (VALID_ID, 12, "Z"),
        (VALID_ID_WITH_EIGHTS, 9, "B"),
        ("440524188001010030", 18, "O"),  # the check character itself
        ("440524188001010081", 18, "l"),
        ("440524188001010065", 18, "S"),
        ("440524188001010022", 18, "Z"),
    ],
)
def test_each_citizen_id_confusion_is_repaired(valid: str, position: int, letter: str) -> None:
    raw = misread(valid, position, letter)
    result = repair_citizen_id(raw)
    assert result.status == "repaired"
    assert result.value == valid
    assert result.repairs == (f"position {position}: {letter}→{valid[position - 1]}",)
    assert result.original == raw


def test_many_confusions_in_one_citizen_id_are_all_repaired() -> None:
    result = repair_citizen_id("ll0lO5I949IZ3lOOZx")
    assert result.value == VALID_ID
    assert result.status == "repaired"
    assert len(result.repairs) == 11


@pytest.mark.parametrize(
    ("valid", "position", "letter"),
    [
        (VALID_CODE, 2, "I"),  # 机构类别: digits only
        (VALID_CODE, 4, "l"),
        (VALID_CODE, 5, "O"),  # region code: digits only
        (VALID_CODE, 6, "L"),
        (VALID_CODE, 15, "Z"),  # outside the code set anywhere
        (VALID_CODE, 13, "O"),
        (VALID_CODE, 16, "I"),
        (with_check("91350100M0001TGQX"), 4, "S"),
        (with_check("913101186660072L7"), 8, "B"),
    ],
)
def test_each_credit_code_forced_confusion_is_repaired(
    valid: str, position: int, letter: str
) -> None:
    result = repair_credit_code(misread(valid, position, letter))
    assert result.status == "repaired"
    assert result.value == valid
    assert result.repairs == (f"position {position}: {letter}→{valid[position - 1]}",)


# Optional repairs: B↔8 and L↔1 where both are legal ---------------------------------------------


@pytest.mark.parametrize(
    ("valid", "position", "read_as"),
    [
        (with_check("91310110666B07217"), 12, "8"),
        (with_check("913101106660072L7"), 16, "1"),
        (with_check("91310110MA1B0L6X0"), 12, "8"),
        (with_check("91310110MA1B0L6X0"), 14, "1"),
        (VALID_CODE, 16, "L"),
    ],
)
def test_single_optional_swap_is_repaired(valid: str, position: int, read_as: str) -> None:
    result = repair_credit_code(misread(valid, position, read_as))
    assert result.status == "repaired"
    assert result.value == valid
    assert result.repairs == (f"position {position}: {read_as}→{valid[position - 1]}",)


def test_forced_and_optional_repairs_combine() -> None:
    valid = with_check("91310110666B07217")
    raw = misread(misread(valid, 12, "8"), 13, "O")
    result = repair_credit_code(raw)
    assert result.value == valid
    assert result.repairs == ("position 13: O→0", "position 12: 8→B")


def test_forced_position_is_never_swapped_again() -> None:
    # Position 16 read as I can only be 1: the 1→L swap that would validate is not offered.
    valid = with_check("913101106660072L7")
    result = repair_credit_code(misread(valid, 16, "I"))
    assert result.status == "invalid_checksum"
    assert result.value == misread(valid, 16, "1")


def test_two_optional_swaps_are_not_attempted() -> None:
    valid = with_check("9131011066600B2L7")
    raw = misread(misread(valid, 14, "8"), 16, "1")
    assert validating_swaps(raw) == set()
    assert repair_credit_code(raw).status == "invalid_checksum"


def test_digit_only_positions_are_not_swapped_to_letters() -> None:
    # Read 1 at position 2 where L would make the check validate: 机构类别 is a digit, so
    # 9L… is no credit code and must not be proposed.
    raw = "91310110666007217" + credit_code_check_char("9L310110666007217")
    result = repair_credit_code(raw)
    assert result.value != "9L" + raw[2:]
    assert "position 2: 1→L" not in result.repairs


# Ambiguous ---------------------------------------------------------------------------------------


def test_two_validating_repairs_are_ambiguous() -> None:
    raw, candidates = find_ambiguous_reading()
    result = repair_credit_code(raw)
    assert result.status == "ambiguous"
    assert result.value is None
    assert set(result.candidates) == candidates
    assert all(is_valid_credit_code(candidate) for candidate in result.candidates)


@pytest.mark.parametrize("first17", ["9131011066600B8L1", "91310110MA1B0L6X0", "9231011018B1L0810"])
def test_single_misread_is_repaired_to_the_truth_or_ambiguous(first17: str) -> None:
    # With exactly one swap misread, the truth is always a candidate: the rule may refuse
    # to choose, but must never choose something else.
    valid = with_check(first17)
    for index in range(8, 18):
        other = SWAPS.get(valid[index])
        if other is None:
            continue
        result = repair_credit_code(valid[:index] + other + valid[index + 1 :])
        if result.status == "repaired":
            assert result.value == valid
        else:
            assert result.status == "ambiguous"
            assert valid in result.candidates


# Malformed ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "11010519491231002",  # 17
        "11010519491231002XX",  # 19
        "110105491231002",  # first-generation 15 digits
        "1101051949123100AX",  # A has no digit look-alike
        "11010519491231002Y",
        "110105194912310０2中",
    ],
)
def test_malformed_citizen_id(raw: str) -> None:
    assert repair_citizen_id(raw) == IdentifierRepair(value=None, status="malformed", original=raw)


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "91310110666007217",
        "91310110666007217V",  # V is outside the code set and looks like no digit
        "9131011066600721公T",
    ],
)
def test_malformed_credit_code(raw: str) -> None:
    assert repair_credit_code(raw) == IdentifierRepair(value=None, status="malformed", original=raw)


def test_repair_is_frozen() -> None:
    result = repair_citizen_id(VALID_ID)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.value = "x"  # type: ignore[misc]
