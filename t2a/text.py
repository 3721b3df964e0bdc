"""The one rule for text people type or import.

Every form (through `t2a.forms.T2AForm` and `T2AModelForm`) and every import cleans text
with `clean_text` before anything else looks at it, so "required", maximum lengths,
duplicate checks and search all see what a reader sees:

- invisible characters go: zero-width spaces (U+200B), word joiners (U+2060), byte-order
  marks (U+FEFF), direction overrides, soft hyphens, control characters and the other
  characters Unicode marks as ignorable. Zero-width joiners and non-joiners (U+200C,
  U+200D) stay between two visible characters, because Persian, Arabic and Indic words
  and emoji sequences need them; variation selectors stay after a visible character
  (the ❤️ of an emoji) and tag characters inside a flag;
- surrounding whitespace goes, including no-break spaces (U+00A0) and ideographic spaces
  (U+3000); on a one-line box every run of whitespace becomes one space;
- the result is in Unicode normal form C, so "Siân" typed with a composed â and with an a
  followed by a combining circumflex are the same stored text.

Text that was nothing but invisible characters comes out empty, and "required" refuses it.
"""

import re
import unicodedata
from collections.abc import Iterable

from django.db.models import Q

# What a free-text box takes when its field says nothing smaller. The error page for a
# refused request (templates/400.html) names the largest limit of any box, MAX_TEXT.
LONG_TEXT = 5_000
MAX_TEXT = 10_000

ZWNJ, ZWJ = "\u200c", "\u200d"
JOINERS = frozenset((ZWNJ, ZWJ))
BLACK_FLAG = "\U0001f3f4"

# Unicode's Default_Ignorable_Code_Point characters that are not in a "C" category (those
# all go anyway), plus the Braille blank, which renders as nothing.
_IGNORABLE = re.compile(
    "[\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u3164\ufe00-\ufe0f\uffa0"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e0fff\u2800]"
)
_VARIATION_SELECTOR = re.compile("[\ufe00-\ufe0f\U000e0100-\U000e01ef\u180b-\u180d\u180f]")
_TAG = re.compile("[\U000e0020-\U000e007f]")
_LINE_BREAKS = re.compile("\r\n|[\r\u0085\u2028\u2029\x0b\x0c]")


def _invisible(char: str) -> bool:
    """Control, format and surrogate characters, and the other ignorables. Private-use
    and unassigned code points stay: a newer emoji is unassigned to an older Python."""
    return unicodedata.category(char) in ("Cc", "Cf", "Cs") or bool(_IGNORABLE.match(char))


def _visible(char: str) -> bool:
    return not char.isspace() and not _invisible(char)


def _kept(text: str) -> str:
    """`text` without its invisible characters, keeping the ones that shape what is seen."""
    chars: list[str] = []
    for char in text:
        if char in "\n\t" or char in JOINERS:
            chars.append(char)
        elif _VARIATION_SELECTOR.match(char):
            if chars and _visible(chars[-1]):
                chars.append(char)
        elif _TAG.match(char):
            if chars and (chars[-1] == BLACK_FLAG or _TAG.match(chars[-1])):
                chars.append(char)
        elif not _invisible(char):
            chars.append(char)
    # A joiner stays only between two characters it can join, once per run.
    out: list[str] = []
    for i, char in enumerate(chars):
        if char in JOINERS:
            after = chars[i + 1] if i + 1 < len(chars) else " "
            if out and _joins(out[-1]) and _joins(after):
                out.append(char)
        else:
            out.append(char)
    return "".join(out)


def _joins(char: str) -> bool:
    return not char.isspace() and char not in JOINERS


def clean_text(value: str, *, multiline: bool = False) -> str:
    """`value` as every form and import stores it (see the module's docstring)."""
    text = _LINE_BREAKS.sub("\n", value)
    if not multiline:
        text = text.replace("\n", " ").replace("\t", " ")
    text = unicodedata.normalize("NFC", _kept(text)).strip()
    if not multiline:
        text = " ".join(text.split())
    return text


def match_key(value: str) -> str:
    """What two names share when a person would call them the same: cleaned, in one
    case and with single spaces ("Siân  HUGHES" and "siân hughes" match)."""
    text = clean_text(value)
    return unicodedata.normalize("NFC", text.casefold())


def search_forms(query: str) -> list[str]:
    """The cleaned query in each normal form a stored row may hold: text saved before the
    rule above may still be decomposed, so search asks for both."""
    text = clean_text(query)
    if not text:
        return []
    return list(dict.fromkeys((text, unicodedata.normalize("NFD", text))))


def text_search(fields: Iterable[str], query: str) -> Q:
    """Rows where any of `fields` contains `query`, in either normal form, in any case."""
    fields = list(fields)
    found = Q()
    for form in search_forms(query):
        for name in fields:
            found |= Q(**{f"{name}__icontains": form})
    return found
