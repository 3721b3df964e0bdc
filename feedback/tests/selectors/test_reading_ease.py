"""The reading-ease figure on known texts, and the long-sentence and jargon flags
(selectors/reading_ease.py)."""

import pytest

from feedback.selectors.reading_ease import check, count_syllables, flesch_reading_ease


@pytest.mark.parametrize(
    ("word", "syllables"),
    [
        ("bus", 1),
        ("water", 2),
        ("listened", 2),
        ("wanted", 2),
        ("makes", 1),
        ("buses", 2),
        ("people", 2),
        ("community", 4),
        ("interpreter", 4),
        ("co-production", 4),
        ("the", 1),
    ],
)
def test_syllables_of_everyday_words(word, syllables):
    assert count_syllables(word) == syllables


def test_flesch_reading_ease_of_a_hand_counted_text():
    # 9 words, 2 sentences, 11 syllables ("listened" and "later" have two):
    # 206.835 - 1.015 * 9/2 - 84.6 * 11/9 = 98.87
    text = "We listened to you. The bus now runs later."
    assert flesch_reading_ease(text) == pytest.approx(98.8675, abs=0.001)
    result = check(text, target=60)
    assert (result.score, result.label, result.meets_target) == (99, "very easy to read", True)


def test_a_second_hand_counted_text():
    # 12 words, 1 sentence, 17 syllables (women 2, evening 3, clinics 2, people 2, the
    # rest 1 each): 206.835 - 1.015 * 12 - 84.6 * 17/12 = 74.805
    text = "Women told us that evening clinics would help people who work shifts."
    assert sum(count_syllables(w) for w in text.rstrip(".").split()) == 17
    assert flesch_reading_ease(text) == pytest.approx(74.805)
    result = check(text, target=60)
    assert (result.score, result.label) == (75, "fairly easy to read")


def test_dense_official_text_scores_low_and_is_flagged():
    text = (
        "Going forward, the ICB will leverage its commissioning intervention and "
        "co-production pathway across the integrated stakeholder cohort to facilitate "
        "holistic outcomes, utilising the JSNA and the outcomes framework in order to "
        "ensure that deliverables are realised in a timely manner."
    )
    result = check(text, target=60)
    assert result.score is not None and result.score < 30
    assert not result.meets_target
    assert result.label == "very difficult"
    assert len(result.long_sentences) == 1
    flagged = [j.word for j in result.jargon]
    assert flagged[:3] == ["Going forward", "ICB", "leverage"]
    assert {"stakeholder", "co-production", "cohort", "utilising", "JSNA"} <= set(flagged)
    plainer = {j.word: j.plainer for j in result.jargon}
    assert plainer["utilising"] == "use"


def test_the_target_is_the_organisations():
    text = "Women told us that evening clinics would help people who work shifts."
    assert check(text, target=75).meets_target
    assert not check(text, target=76).meets_target


def test_empty_text_has_no_score_and_the_scale_is_0_to_100():
    empty = check("   ", target=60)
    assert empty.score is None and not empty.meets_target and empty.words == 0
    assert check("The cat sat on the mat.", target=60).score == 100
    assert check("Incomprehensibility internationalisation.", target=60).score == 0


def test_sentences_split_on_full_stops_and_blank_lines():
    long = " ".join(["word"] * 26) + "."
    result = check(f"Short one.\n\n{long} Another short one!", target=60)
    assert result.long_sentences == [long]
