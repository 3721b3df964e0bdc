"""The one text rule (t2a/text.py): what every form and import stores."""

import unicodedata

import pytest

from t2a.text import clean_text, match_key, search_forms

COMPOSED = "Siân Hughes"
DECOMPOSED = unicodedata.normalize("NFD", COMPOSED)
PERSIAN = "می\u200cخواهم"  # "I want": the ZWNJ keeps می apart from خواهم
BENGALI = "ক্\u200dষ"  # ZWJ asks for the half form of ক


@pytest.mark.parametrize(
    "typed",
    [
        "\u200b",
        "\u2060",
        "\ufeff",
        "\u200b\u2060\ufeff\u200b",
        " \u00a0\u3000\t",
        "\u200c",
        "\u200d\u200c",
        "\u00ad\u202e\u2066\u180e",
        "\ufe0f",
        "\u3164\u115f",
        "\x00\x07",
        "\u2028\u2029",
    ],
)
def test_invisible_only_text_is_empty(typed):
    assert clean_text(typed) == ""
    assert clean_text(typed, multiline=True) == ""


def test_composed_and_decomposed_are_stored_alike():
    assert DECOMPOSED != COMPOSED
    assert clean_text(DECOMPOSED) == COMPOSED
    assert match_key(DECOMPOSED) == match_key("SIÂN  hughes") == "siân hughes"


@pytest.mark.parametrize("word", [PERSIAN, BENGALI, "👩🏾\u200d🍼", "❤️\u200d🩹"])
def test_joiners_inside_words_and_emoji_stay(word):
    assert clean_text(word) == word
    assert clean_text(f"\u200c {word} \u200d") == word


def test_a_run_of_joiners_keeps_one():
    assert clean_text("می\u200c\u200c\u200bخواهم") == PERSIAN


def test_flags_and_variation_selectors_stay():
    england = "🏴\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f"
    assert clean_text(england) == england
    assert clean_text("\U000e0067x") == "x"
    assert clean_text("❤️") == "❤️"


def test_right_to_left_text_stays_but_overrides_go():
    assert clean_text("عيادة مسائية") == "عيادة مسائية"
    assert clean_text("\u202eevil\u202c") == "evil"


def test_one_line_boxes_get_single_spaces():
    assert clean_text("  Siân\u00a0\u00a0Hughes\n\u3000") == "Siân Hughes"


def test_long_boxes_keep_their_lines():
    assert clean_text("  first\r\nsecond\u2028third\n\n", multiline=True) == (
        "first\nsecond\nthird"
    )
    assert clean_text("a\tb", multiline=True) == "a\tb"


def test_zero_width_inside_a_word_goes():
    assert clean_text("Sure\u200bStart") == "SureStart"


def test_search_asks_for_both_forms():
    assert search_forms(f" {COMPOSED}\u200b") == [COMPOSED, DECOMPOSED]
    assert search_forms("plain") == ["plain"]
    assert search_forms("\u200b") == []
