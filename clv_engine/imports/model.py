"""What an import is about: the files (Source), the options, and the report it gives back.

Data only: the report holds counts, codes and the problem rows (file, row, column, value,
code); wording/imports.py turns them into verdicts, sentences and column labels in the
reader's language.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from clv_engine import errors
from clv_engine.errors import InputError

# Files are written in this order: stores and customers before what refers to them.
KIND_ORDER = (
    "stores",
    "customers",
    "orders",
    "channel_spend",
    "complaints",
    "referrals",
    "warranties",
    "events",
    "competitors",
    "appointments",
    "kpis",
    "contacts",
)
# Tables that replace mode keeps: the user's saved inputs and mappings are not "the data".
KEPT_ON_REPLACE = (
    "scenarios",
    "import_mappings",
    "call_lists",
    "call_list_members",
    "contacts",
    "users",
    "audit_log",
)
PROBLEM_LIMIT = 10_000  # problems listed (all are counted)
DEFAULT_MARGIN = 0.35  # SPEC §1's after-sales gross margin, used when orders carry no profit
DEFAULT_CURRENCY = "CNY"
ENCODING_NAMES = {"gb18030": "GB18030", "cp950": "Big5", "utf-16": "UTF-16"}
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "bar"}
OLD = "imp_old"

Progress = Callable[[float, str], None]


def no_progress(fraction: float, step: str) -> None:
    pass


CODES = errors.declare(
    "imports", "rejected", "busy", "bad_mode", "bad_margin", "bad_currency", "unknown_kind", "unknown_field"
)
WRITE_CODES = errors.declare("imports.write", "disk_full", "read_only", "is_directory", "failed")


class ImportRejected(InputError):
    """The import was not written: rows have problems (not accepted) or a file cannot be used."""

    def __init__(self, report: ImportReport) -> None:
        super().__init__(CODES["rejected"], files=len(report.blocking), rows=report.rejected_rows)
        self.report = report


class ImportBusy(InputError, RuntimeError):
    """Another import of the same database is running."""

    def __init__(self, file: str) -> None:
        super().__init__(CODES["busy"], file=file)


class ImportWriteError(InputError, RuntimeError):
    """The new database could not be written (disk full, read-only folder ...); nothing changed.

    ``name`` is why (a key of WRITE_CODES), ``file`` the database file, ``reason`` a detail.
    """

    def __init__(self, name: str, file: str, reason: str = "") -> None:
        super().__init__(WRITE_CODES[name], file=file, reason=reason)
        self.name = name
        self.file = file
        self.reason = reason


@dataclass(frozen=True)
class Source:
    """One file to import. ``mapping`` is {our field: their header}; None = saved, then guessed."""

    kind: str
    path: Path
    mapping: Mapping[str, str] | None = None
    sheet: str | None = None
    name: str | None = None  # shown in messages (an upload's own file name)

    @property
    def label(self) -> str:
        return self.name or Path(self.path).name


@dataclass(frozen=True)
class ImportOptions:
    mode: str = "replace"  # replace | append
    default_margin: float = DEFAULT_MARGIN
    today: date | None = None  # dates after it are errors; None = the machine's date
    memory_limit: str | None = None  # DuckDB memory limit for the import, e.g. "4GB"
    # ISO code of the amounts in the files, kept in the database; None keeps the database's own
    # (CNY for a new one), so a monthly import does not turn a dollar database into yuan.
    currency: str | None = None
    # Who runs the import (kept with the version of the replaced file), and how many versions
    # to keep (None: clv_engine.imports.versions.keep_count()).
    actor: str = "local"
    keep_versions: int | None = None

    def validate(self) -> None:
        if self.mode not in ("replace", "append"):
            raise InputError(CODES["bad_mode"], value=self.mode)
        if not 0 <= self.default_margin <= 1:
            raise InputError(CODES["bad_margin"], value=self.default_margin)
        if self.currency is not None and not re.fullmatch(r"[A-Z]{3}", self.currency):
            raise InputError(CODES["bad_currency"], value=self.currency)


@dataclass(frozen=True)
class Message:
    """A file-level finding (blocking problem or note): its code and values (file, field, n ...)."""

    code: str
    values: Mapping[str, object] = field(default_factory=dict)


@dataclass
class SourceReport:
    kind: str
    name: str
    headers: list[str]
    mapping: dict[str, str]
    rows: int = 0  # data rows read (blank rows not counted, malformed lines counted)
    rejected: int = 0  # rows with an error
    skipped: int = 0  # rows left out as intended: already in the database (append), total lines
    blank: int = 0
    encoding: str | None = None

    @property
    def clean(self) -> int:
        return self.rows - self.rejected - self.skipped

    @property
    def unused_headers(self) -> list[str]:
        used = set(self.mapping.values())
        return [h for h in self.headers if h not in used]


@dataclass
class ImportReport:
    mode: str
    sources: list[SourceReport]
    blocking: list[Message]
    notes: list[Message]
    summary: pd.DataFrame  # file, kind, code, severity, field, column, count, example rows
    problems: pd.DataFrame  # first PROBLEM_LIMIT problems: file, row, column, value, code, ...
    problem_count: int
    written: dict[str, int] = field(default_factory=dict)  # table -> rows after the import
    database: str | None = None
    backup: str | None = None

    @property
    def rejected_rows(self) -> int:
        return sum(s.rejected for s in self.sources)

    @property
    def clean_rows(self) -> int:
        return sum(s.clean for s in self.sources)

    @property
    def skipped_rows(self) -> int:
        return sum(s.skipped for s in self.sources)

    def _count(self, severity: str) -> int:
        if self.summary.empty:
            return 0
        return int(self.summary.loc[self.summary["severity"] == severity, "count"].sum())

    @property
    def warning_count(self) -> int:
        """Values imported with a note (a refund, an Excel date ...): row notes, not errors."""
        return self._count("warning")

    @property
    def note_count(self) -> int:
        """Every note the report gives: values imported as interpreted and the file-level notes
        (an assumed margin, an encoding, customers created ...). Both are shown as notes."""
        return self.warning_count + len(self.notes)

    @property
    def error_count(self) -> int:
        return self._count("error")

    @property
    def skipped_count(self) -> int:
        return self._count("skipped")

    @property
    def can_import(self) -> bool:
        return not self.blocking and self.clean_rows > 0

    @property
    def imported(self) -> bool:
        return bool(self.written)
