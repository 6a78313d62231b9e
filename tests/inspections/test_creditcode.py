"""GB 32100-2015 credit codes: real published codes pass, wrong ones fail with the expected character."""

import pytest
from django.core.exceptions import ValidationError

from inspections import creditcode

REAL = [
    "9144030071526726XG",  # 腾讯科技(深圳)
    "91440300708461136T",  # 深圳市腾讯计算机系统
    "91440300192241158P",  # 深圳能源集团
    "91330424MA28AQAQXU",
    "91110000600037341L",
]


@pytest.mark.parametrize("code", REAL)
def test_real_published_codes_pass_both_checks(code):
    assert creditcode.validate(code) == (code, [])


def test_full_width_lower_case_spaces_and_dashes_are_normalised():
    assert creditcode.validate("９１４４ ０３００－７１５２６７２６ｘｇ")[0] == "9144030071526726XG"
    assert creditcode.validate(" 9144-0300-7152-6726-xg ")[0] == "9144030071526726XG"


def test_a_wrong_check_character_names_the_expected_one():
    with pytest.raises(ValidationError) as err:
        creditcode.validate("91350100M0001TGQXM")
    assert "should be 1, not M" in str(err.value)
    with pytest.raises(ValidationError) as err:
        creditcode.validate("9144030071526726XA")
    assert "should be G" in str(err.value)


@pytest.mark.parametrize("code, words", [
    ("", "Enter"), ("9144030071526726X", "18 characters"), ("9144030071526726XGG", "18 characters"),
    ("9144030071526726IG", "I"), ("9144O30071526726XG", "O"), ("91440300Z1526726XG", "Z"),
])
def test_malformed_codes_are_refused(code, words):
    with pytest.raises(ValidationError) as err:
        creditcode.validate(code)
    assert words in str(err.value)


def test_a_failed_organisation_code_check_only_warns():
    body = "9144030071526726"  # positions 1–16 of a real code, then a wrong 17th (org check) character
    first17 = body + "Y"
    code = first17 + creditcode.check_character(first17)
    normalised, warnings = creditcode.validate(code)
    assert normalised == code
    assert len(warnings) == 1 and "should be X" in warnings[0]


def test_fictional_codes_pass_and_are_marked():
    codes = {creditcode.fictional_code(n) for n in range(1, 300)}
    assert len(codes) == 299
    for code in codes:
        assert creditcode.validate(code) == (code, [])
        assert creditcode.is_fictional(code)
    assert not any(creditcode.is_fictional(code) for code in REAL)
