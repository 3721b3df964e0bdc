"""The register as a CSV file, the reading side: its columns, the upload forms, and reading
rows into unsaved stakeholders (`services.stakeholders.stakeholders_import` saves them).

The columns come from the one declaration of what is recorded about a stakeholder,
`models.STAKEHOLDER_FIELDS`, which the stakeholder form edits too: one column per field,
in its order, except that the 3Ts (`TAG_FIELDS`) travel as one column of tag names and the
fields in `NOT_IN_CSV` stay out, each for the reason given. How a column is read follows
from its model field (a choice, a score, a list, a date or text). The export
(views/csv.py) writes the same columns, so an exported file imports again unchanged.
"""

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import QuerySet

from t2a.forms import T2AForm
from t2a.models import User
from t2a.text import LONG_TEXT, clean_text, match_key
from t2a.uploads import too_big_message

from ..models import (
    STAKEHOLDER_FIELDS,
    TAG_FIELDS,
    Channel,
    Stakeholder,
    TrustedTag,
)
from ..selectors.stakeholders import stakeholders_named_like
from ..services.stakeholders import stakeholder_prepare

# Fields of STAKEHOLDER_FIELDS that a CSV file does not carry, and why.
NOT_IN_CSV = {
    "contact_owner": "The recorded contact is a member of the organisation, chosen on screen: "
    "a file names no members, and an import makes whoever imports it the recorded contact.",
    **dict.fromkeys(
        (
            "named_in_reports",
            "named_on_public_page",
            "naming_consent_given_by",
            "naming_consent_date",
        ),
        "Consent to be named is recorded on screen, one person at a time, with the member "
        "who records it: a file cannot show who agreed to what.",
    ),
}
# The 3Ts travel as one column of tag names ("Trusted Leader; Trusted Place").
TAGS_COLUMN = "trusted"


def _columns() -> dict[str, tuple[str, ...]]:
    """{column: the model fields it carries}, in the declaration's order."""
    columns: dict[str, tuple[str, ...]] = {}
    for name in STAKEHOLDER_FIELDS:
        if name in NOT_IN_CSV:
            continue
        if name in TAG_FIELDS.values():
            columns[TAGS_COLUMN] = tuple(TAG_FIELDS.values())
        else:
            columns[name] = (name,)
    return columns


COLUMN_FIELDS = _columns()
COLUMNS = list(COLUMN_FIELDS)
MAX_ROWS = 5000


def _lookup(choices) -> dict[str, str]:
    """Accept a choice by its stored value or its label, in any case."""
    table = {}
    for value, label in choices:
        table[value.casefold()] = value
        table[label.casefold()] = value
    return table


# Besides a choice's value and label, the short names people type.
CHOICE_ALIASES = {
    "sector": [("local_authority", "Local authority"), ("vcse", "VCSE")],
    "preferred_channels": [("social", "Social")],
}
# List columns whose entries are choices (stored as a JSON list of values).
LIST_CHOICES = {"preferred_channels": Channel.choices}
TAGS = _lookup([*TrustedTag.choices, ("leader", "Leader"), ("voice", "Voice"), ("place", "Place")])


def _split(text: str) -> list[str]:
    return [p.strip() for p in text.split(";") if p.strip()]


def _choice(value: str, table: dict[str, str], what: str, errors: list[str]) -> str:
    found = table.get(value.strip().casefold())
    if found is None:
        errors.append(f"{what}: “{value}” is not one of the choices.")
        return ""
    return found


# A reader takes a cell and the row's error list, and returns {model field: value}.
Reader = Callable[[str, list[str]], dict]


def _tags_reader(column: str) -> Reader:
    def read(value: str, errors: list[str]) -> dict:
        tags = {_choice(t, TAGS, column, errors) for t in _split(value)}
        return {name: tag in tags for tag, name in TAG_FIELDS.items()}

    return read


def _choice_reader(f: models.Field) -> Reader:
    table = _lookup([*f.choices, *CHOICE_ALIASES.get(f.name, [])])
    default = f.get_default()

    def read(value: str, errors: list[str]) -> dict:
        if not value.strip():
            if not f.blank and not default:
                errors.append(f"{f.name}: enter a {f.name}.")
            return {f.name: default}
        return {f.name: _choice(value, table, f.name, errors) or default}

    return read


def _score_reader(f: models.Field) -> Reader:
    default = f.get_default()

    def read(value: str, errors: list[str]) -> dict:
        if not value.strip():
            return {f.name: default}
        try:
            number = int(value)
        except ValueError:
            number = 0
        if not 1 <= number <= 5:
            errors.append(f"{f.name}: enter a whole number from 1 to 5, not “{value}”.")
            return {f.name: default}
        return {f.name: number}

    return read


def _list_reader(f: models.Field) -> Reader:
    choices = LIST_CHOICES.get(f.name)
    table = _lookup([*choices, *CHOICE_ALIASES.get(f.name, [])]) if choices else None

    def read(value: str, errors: list[str]) -> dict:
        entries = _split(value)
        if table is not None:
            entries = [c for c in (_choice(e, table, f.name, errors) for e in entries) if c]
        return {f.name: entries}

    return read


def _date_reader(f: models.Field) -> Reader:
    def read(value: str, errors: list[str]) -> dict:
        if not value.strip():
            return {f.name: None}
        try:
            return {f.name: date.fromisoformat(value.strip())}
        except ValueError:
            errors.append(f"{f.name}: “{value}” is not a date like 2026-03-31.")
            return {f.name: None}

    return read


def _text_reader(f: models.Field) -> Reader:
    limit = f.max_length or LONG_TEXT

    def read(value: str, errors: list[str]) -> dict:
        text = value.strip()
        if not text and not f.blank:
            errors.append(f"{f.name}: enter a {f.name}.")
        if len(text) > limit:
            errors.append(
                f"{f.name}: must be {limit:,} characters or fewer (it has {len(text):,})."
            )
        return {f.name: text}

    return read


def _reader(column: str) -> Reader:
    if column == TAGS_COLUMN:
        return _tags_reader(column)
    f = Stakeholder._meta.get_field(column)
    if f.choices:
        return _choice_reader(f)
    if isinstance(f, models.PositiveSmallIntegerField):
        return _score_reader(f)
    if isinstance(f, models.JSONField):
        return _list_reader(f)
    if isinstance(f, models.DateField):
        return _date_reader(f)
    return _text_reader(f)


READERS = {column: _reader(column) for column in COLUMNS}
# Columns whose text keeps its line breaks; every other cell is one line.
MULTILINE = {
    column
    for column in COLUMNS
    if column != TAGS_COLUMN and isinstance(Stakeholder._meta.get_field(column), models.TextField)
}
# Columns a file must have: those whose field has no default and may not be blank.
REQUIRED = {
    column
    for column in COLUMNS
    if column != TAGS_COLUMN
    and not Stakeholder._meta.get_field(column).blank
    and not Stakeholder._meta.get_field(column).has_default()
}


@dataclass
class ImportRow:
    number: int  # as a spreadsheet numbers it: the header is row 1
    name: str
    stakeholder: Stakeholder | None = None
    errors: list[str] = field(default_factory=list)


@dataclass
class SameName:
    """A row whose name repeats an earlier row's or a stakeholder's already on the register."""

    row: ImportRow
    earlier_row: int | None = None
    existing: list[Stakeholder] = field(default_factory=list)


@dataclass
class ImportPreview:
    rows: list[ImportRow] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    same_names: list[SameName] = field(default_factory=list)

    @property
    def bad_rows(self) -> list[ImportRow]:
        return [r for r in self.rows if r.errors]

    @property
    def is_valid(self) -> bool:
        return not self.file_errors and not self.bad_rows and bool(self.rows)

    @property
    def stakeholders(self) -> list[Stakeholder]:
        return [r.stakeholder for r in self.rows if r.stakeholder is not None]


def _row(number: int, values: dict[str, str], actor: User) -> ImportRow:
    errors: list[str] = []
    found: dict = {}
    for column, read in READERS.items():
        found.update(read(values.get(column, ""), errors))
    row = ImportRow(number=number, name=found["name"])
    stakeholder = Stakeholder(**found)
    if not errors:
        try:
            stakeholder_prepare(stakeholder=stakeholder, actor=actor, bulk=True)
        except ValidationError as exc:
            for field_name, messages in exc.message_dict.items():
                errors.extend(f"{field_name}: {m}" for m in messages)
    row.errors = errors
    row.stakeholder = None if errors else stakeholder
    return row


def read_import(
    content: str, *, actor: User, register: QuerySet[Stakeholder] | None = None
) -> ImportPreview:
    """Read a CSV text into unsaved stakeholders, with every problem named by row number,
    and the rows whose name repeats an earlier row or one of `register` (the stakeholders
    the importing member can see)."""
    preview = ImportPreview()
    reader = csv.DictReader(io.StringIO(content, newline=""))
    try:
        header = [clean_text(h).lower() for h in (reader.fieldnames or [])]
    except csv.Error as exc:
        preview.file_errors.append(f"The file could not be read as CSV: {exc}.")
        return preview
    if not header:
        preview.file_errors.append("The file is empty.")
        return preview
    unknown = [h for h in header if h not in COLUMNS]
    missing = sorted(REQUIRED - set(header))
    if unknown:
        preview.file_errors.append(
            "Unknown columns: " + ", ".join(unknown) + ". Use the columns of the template."
        )
    if missing:
        preview.file_errors.append("Missing columns: " + ", ".join(missing) + ".")
    if preview.file_errors:
        return preview
    reader.fieldnames = header
    try:
        for index, raw in enumerate(reader):
            number = index + 2
            if index >= MAX_ROWS:
                preview.file_errors.append(f"The file has more than {MAX_ROWS} rows.")
                break
            if None in raw:
                preview.rows.append(
                    ImportRow(number, "", errors=["The row has more cells than the header."])
                )
                continue
            values = {
                k: clean_text(_unsafe(v or ""), multiline=k in MULTILINE) for k, v in raw.items()
            }
            if not any(v.strip() for v in values.values()):
                continue
            preview.rows.append(_row(number, values, actor))
    except csv.Error as exc:
        preview.file_errors.append(f"The file could not be read as CSV: {exc}.")
    if not preview.rows and not preview.file_errors:
        preview.file_errors.append("The file has no rows below the header.")
    if preview.is_valid and register is not None:
        preview.same_names = _same_names(preview.rows, register)
    return preview


def _same_names(rows: list[ImportRow], register: QuerySet[Stakeholder]) -> list[SameName]:
    on_register = stakeholders_named_like(register, [row.name for row in rows])
    first_row: dict[str, int] = {}
    found = []
    for row in rows:
        key = match_key(row.name)
        earlier = first_row.setdefault(key, row.number)
        existing = on_register.get(key, [])
        if earlier != row.number or existing:
            found.append(SameName(row, earlier if earlier != row.number else None, existing))
    return found


def _unsafe(text: str) -> str:
    """Undo `t2a.services.export.spreadsheet_safe`, so an exported file imports again unchanged."""
    return text[1:] if text[:1] == "'" and text[1:2] in ("=", "+", "-", "@") else text


class CsvImportForm(T2AForm):
    MAX_BYTES = 1024 * 1024

    file = forms.FileField(
        label="CSV file",
        help_text="Up to 1 MB, saved from a spreadsheet as CSV (UTF-8). The first row must "
        "hold the column names.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = (upload.name or "").lower()
        if not name.endswith(".csv") or upload.content_type not in {
            "text/csv",
            "application/csv",
            "application/vnd.ms-excel",
            "text/plain",
        }:
            raise forms.ValidationError("The file must be a CSV file (ending in .csv).")
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError(too_big_message(self.MAX_BYTES))
        raw = upload.read(self.MAX_BYTES + 1)
        if len(raw) > self.MAX_BYTES:
            raise forms.ValidationError(too_big_message(self.MAX_BYTES))
        try:
            return raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise forms.ValidationError(
                "The file is not UTF-8 text. In your spreadsheet, save it as “CSV UTF-8”."
            ) from exc


class CsvConfirmForm(T2AForm):
    content = forms.CharField(widget=forms.HiddenInput, max_length=CsvImportForm.MAX_BYTES)
    same_names_confirmed = forms.BooleanField(
        label="I have checked these rows: import them anyway", required=False
    )
