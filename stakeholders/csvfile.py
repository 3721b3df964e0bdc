"""The register as CSV: the columns, reading rows into unsaved stakeholders, and writing them.

Import and export share one column list, so an exported file imports again unchanged.
Reading happens in memory and saves nothing; `services.stakeholders_import` saves.
"""

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError

from t2a.models import User
from t2a.privacy import spreadsheet_safe

from .models import TAG_FIELDS, Channel, ConsentBasis, Kind, Sector, Stakeholder, TrustedTag
from .services import stakeholder_prepare

COLUMNS = [
    "name",
    "kind",
    "sector",
    "trusted",
    "communities_reached",
    "influence",
    "interest",
    "relationship_strength",
    "preferred_channels",
    "languages",
    "access_needs",
    "notes",
    "email",
    "phone",
    "address",
    "consent_date",
    "consent_basis",
]
REQUIRED = {"name", "sector"}
MAX_ROWS = 5000


def _lookup(choices) -> dict[str, str]:
    """Accept a choice by its stored value or its label, in any case."""
    table = {}
    for value, label in choices:
        table[value.casefold()] = value
        table[label.casefold()] = value
    return table


KINDS = _lookup(Kind.choices)
SECTORS = _lookup([*Sector.choices, ("local_authority", "Local authority"), ("vcse", "VCSE")])
TAGS = _lookup([*TrustedTag.choices, ("leader", "Leader"), ("voice", "Voice"), ("place", "Place")])
CHANNELS = _lookup([*Channel.choices, ("social", "Social")])
BASES = _lookup(ConsentBasis.choices)


def _split(text: str) -> list[str]:
    return [p.strip() for p in text.split(";") if p.strip()]


@dataclass
class ImportRow:
    number: int  # as a spreadsheet numbers it: the header is row 1
    name: str
    stakeholder: Stakeholder | None = None
    errors: list[str] = field(default_factory=list)


@dataclass
class ImportPreview:
    rows: list[ImportRow] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)

    @property
    def bad_rows(self) -> list[ImportRow]:
        return [r for r in self.rows if r.errors]

    @property
    def is_valid(self) -> bool:
        return not self.file_errors and not self.bad_rows and bool(self.rows)

    @property
    def stakeholders(self) -> list[Stakeholder]:
        return [r.stakeholder for r in self.rows if r.stakeholder is not None]


def _choice(value: str, table: dict[str, str], what: str, errors: list[str]) -> str:
    found = table.get(value.strip().casefold())
    if found is None:
        errors.append(f"{what}: “{value}” is not one of the choices.")
        return ""
    return found


def _score(value: str, what: str, errors: list[str], default: int) -> int:
    if not value.strip():
        return default
    try:
        number = int(value)
    except ValueError:
        number = 0
    if not 1 <= number <= 5:
        errors.append(f"{what}: enter a whole number from 1 to 5, not “{value}”.")
        return default
    return number


def _row(number: int, values: dict[str, str], actor: User) -> ImportRow:
    errors: list[str] = []
    name = values.get("name", "").strip()
    row = ImportRow(number=number, name=name)
    if not name:
        errors.append("name: enter a name.")
    sector = ""
    if values.get("sector", "").strip():
        sector = _choice(values["sector"], SECTORS, "sector", errors)
    else:
        errors.append("sector: enter a sector.")
    kind = _choice(values.get("kind") or "person", KINDS, "kind", errors)
    tags = {_choice(t, TAGS, "trusted", errors) for t in _split(values.get("trusted", ""))}
    channels = [
        _choice(c, CHANNELS, "preferred_channels", errors)
        for c in _split(values.get("preferred_channels", ""))
    ]
    consent_date = None
    if values.get("consent_date", "").strip():
        try:
            consent_date = date.fromisoformat(values["consent_date"].strip())
        except ValueError:
            errors.append(
                f"consent_date: “{values['consent_date']}” is not a date like 2026-03-31."
            )
    basis = ""
    if values.get("consent_basis", "").strip():
        basis = _choice(values["consent_basis"], BASES, "consent_basis", errors)
    stakeholder = Stakeholder(
        name=name,
        kind=kind or Kind.PERSON,
        sector=sector,
        communities_reached=_split(values.get("communities_reached", "")),
        influence=_score(values.get("influence", ""), "influence", errors, 3),
        interest=_score(values.get("interest", ""), "interest", errors, 3),
        relationship_strength=_score(
            values.get("relationship_strength", ""), "relationship_strength", errors, 1
        ),
        preferred_channels=[c for c in channels if c],
        languages=values.get("languages", "").strip(),
        access_needs=values.get("access_needs", "").strip(),
        notes=values.get("notes", "").strip(),
        email=values.get("email", "").strip(),
        phone=values.get("phone", "").strip(),
        address=values.get("address", "").strip(),
        consent_date=consent_date,
        consent_basis=basis,
    )
    for tag, field_name in TAG_FIELDS.items():
        setattr(stakeholder, field_name, tag in tags)
    if not errors:
        try:
            stakeholder_prepare(stakeholder=stakeholder, actor=actor, bulk=True)
        except ValidationError as exc:
            for field_name, messages in exc.message_dict.items():
                errors.extend(f"{field_name}: {m}" for m in messages)
    row.errors = errors
    row.stakeholder = None if errors else stakeholder
    return row


def read_import(content: str, *, actor: User) -> ImportPreview:
    """Read a CSV text into unsaved stakeholders, with every problem named by row number."""
    preview = ImportPreview()
    reader = csv.DictReader(io.StringIO(content, newline=""))
    try:
        header = [h.strip().lower() for h in (reader.fieldnames or [])]
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
            values = {k: _unsafe(v or "") for k, v in raw.items()}
            if not any(v.strip() for v in values.values()):
                continue
            preview.rows.append(_row(number, values, actor))
    except csv.Error as exc:
        preview.file_errors.append(f"The file could not be read as CSV: {exc}.")
    if not preview.rows and not preview.file_errors:
        preview.file_errors.append("The file has no rows below the header.")
    return preview


def _unsafe(text: str) -> str:
    """Undo `spreadsheet_safe`, so an exported file imports again unchanged."""
    return text[1:] if text[:1] == "'" and text[1:2] in ("=", "+", "-", "@") else text


def export_rows(stakeholders: Iterable[Stakeholder]) -> Iterator[list[str]]:
    yield COLUMNS
    tag_labels = dict(TrustedTag.choices)
    for s in stakeholders:
        yield [
            spreadsheet_safe(v)
            for v in (
                s.name,
                s.kind,
                s.sector,
                "; ".join(tag_labels[t] for t, f in TAG_FIELDS.items() if getattr(s, f)),
                "; ".join(s.communities_reached),
                s.influence,
                s.interest,
                s.relationship_strength,
                "; ".join(s.preferred_channels),
                s.languages,
                s.access_needs,
                s.notes,
                s.email,
                s.phone,
                s.address,
                s.consent_date.isoformat() if s.consent_date else "",
                s.consent_basis,
            )
        ]


class Echo:
    """A file-like object whose write returns the line, for a streamed CSV response."""

    def write(self, value: str) -> str:
        return value


def export_lines(stakeholders: Iterable[Stakeholder]) -> Iterator[str]:
    writer = csv.writer(Echo())
    for row in export_rows(stakeholders):
        yield writer.writerow(row)
