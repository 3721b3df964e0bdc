"""A plain-English check for text written for the public: reading ease, long sentences, jargon.

The score is the Flesch reading ease, 206.835 − 1.015 × (words per sentence) − 84.6 ×
(syllables per word), shown on the 0–100 scale where 60 to 70 is plain English.

We count syllables ourselves rather than use textstat: textstat 0.7.13 counts English
syllables with NLTK's CMU dictionary, which it downloads from the network on first use
(and fails without). The count below is the usual vowel-group estimate; it is within a
syllable for almost every everyday word, which is all a writing hint needs.
"""

import re
from dataclasses import dataclass, field

from t2a.models import Organisation

LONG_SENTENCE_WORDS = 25

# Words that keep community readers out, with plainer ones to use instead.
JARGON: dict[str, str] = {
    "stakeholder": "people and groups involved",
    "co-production": "working it out together",
    "co-produce": "work out together",
    "pathway": "route, or the steps you go through",
    "commissioning": "buying and planning services",
    "commissioner": "the people who plan and pay for services",
    "ICB": "the local NHS (integrated care board), said in full",
    "JSNA": "the local health report, said in full",
    "leverage": "use",
    "utilise": "use",
    "utilize": "use",
    "facilitate": "help, or run",
    "cohort": "group",
    "intervention": "change, service or support",
    "outcomes framework": "what we will measure",
    "deliverables": "what we will do",
    "engagement": "talking and listening",
    "holistic": "whole-person",
    "going forward": "from now on",
    "capacity building": "training and support",
    "signpost": "point people to",
}

_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'\u201d\u2019)]*\s+|\n\s*\n|\n(?=\s*[-*\u2022])")
_WORD = re.compile(r"[A-Za-z\u00c0-\u024f]+(?:['\u2019-][A-Za-z\u00c0-\u024f]+)*|\d+(?:[.,]\d+)*")
_VOWEL_GROUP = re.compile(r"[aeiouy]+")


def _jargon_pattern(term: str) -> re.Pattern:
    """The term with its plural and verb endings ("utilise", "utilises", "utilising")."""
    if term.endswith("e"):
        body = rf"{re.escape(term[:-1])}(?:e|es|ed|ing)"
    else:
        body = rf"{re.escape(term)}(?:s|es|ed|ing)?"
    return re.compile(rf"\b{body}\b", re.IGNORECASE)


_JARGON = [(term, plain, _jargon_pattern(term)) for term, plain in JARGON.items()]


def count_syllables(word: str) -> int:
    """Estimate the syllables in one English word (at least one)."""
    word = word.lower().strip("'\u2019-")
    if not word:
        return 0
    if word[0].isdigit():
        return max(1, len(word.replace(",", "").replace(".", "")))
    if "-" in word:
        return sum(count_syllables(part) for part in word.split("-") if part)
    word = re.sub(r"['\u2019]s$", "", word)
    groups = len(_VOWEL_GROUP.findall(word))
    if groups > 1 and _silent_ending(word):
        groups -= 1
    return max(1, groups)


def _silent_ending(word: str) -> bool:
    """A final e, -ed or -es that adds no syllable ("make", "listened", "makes")."""
    if word.endswith("e"):
        # ...but "-le" is a syllable ("table", "people"), and so are "-ee" and "-ye".
        return not word.endswith(("le", "ee", "ye"))
    if word.endswith("ed") and len(word) > 3:
        # ...but not after t or d ("wanted", "needed").
        return word[-3] not in "td"
    if word.endswith("es") and len(word) > 3:
        # ...but not after a hissing sound ("buses", "places", "changes", "wishes").
        return word[-3] not in "sxzc" and not word.endswith(("ches", "shes", "ges"))
    return False


def sentences_of(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(text.strip()) if s and _WORD.search(s)]


def words_of(text: str) -> list[str]:
    return _WORD.findall(text)


def flesch_reading_ease(text: str) -> float | None:
    """The Flesch reading ease of `text`, unrounded, or None when it has no words."""
    sentences = sentences_of(text)
    words = words_of(text)
    if not words:
        return None
    syllables = sum(count_syllables(w) for w in words)
    return 206.835 - 1.015 * (len(words) / max(1, len(sentences))) - 84.6 * (syllables / len(words))


def describe(score: int) -> str:
    """Flesch's own bands, in plain words."""
    if score >= 90:
        return "very easy to read"
    if score >= 80:
        return "easy to read"
    if score >= 70:
        return "fairly easy to read"
    if score >= 60:
        return "plain English"
    if score >= 50:
        return "fairly difficult"
    if score >= 30:
        return "difficult"
    return "very difficult"


@dataclass
class JargonWord:
    word: str
    plainer: str


@dataclass
class Readability:
    """What the writer sees beside their text."""

    target: int
    words: int = 0
    score: int | None = None
    label: str = ""
    long_sentences: list[str] = field(default_factory=list)
    jargon: list[JargonWord] = field(default_factory=list)

    @property
    def meets_target(self) -> bool:
        return self.score is not None and self.score >= self.target


def check(text: str, *, target: int) -> Readability:
    """Score `text` against the organisation's target and list what to fix."""
    text = text or ""
    result = Readability(target=target, words=len(words_of(text)))
    raw = flesch_reading_ease(text)
    if raw is None:
        return result
    # The formula runs past both ends of the scale for very short or very dense text.
    result.score = max(0, min(100, round(raw)))
    result.label = describe(result.score)
    result.long_sentences = [
        s for s in sentences_of(text) if len(words_of(s)) > LONG_SENTENCE_WORDS
    ]
    found = []
    for _term, plain, pattern in _JARGON:
        match = pattern.search(text)
        if match:
            found.append((match.start(), JargonWord(word=match.group(0), plainer=plain)))
    result.jargon = [word for _, word in sorted(found, key=lambda f: f[0])]
    return result


def readability_for(organisation: Organisation, text: str) -> Readability:
    """Score `text` against the organisation's own reading-ease target."""
    return check(text, target=organisation.reading_ease_target)
