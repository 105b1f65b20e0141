"""The words of an import: verdicts, problem sentences, notes, column labels and the plain-text
report, in the reader's language, from the codes and figures of clv_engine.imports.

The engine's report holds codes and values (file, row, column, value, code, severity); the
sentences are made here, when drawn, so a language switch changes nothing but the words.
"""

from __future__ import annotations

import pandas as pd

from clv_engine.imports.model import ImportReport, Message
from clv_engine.imports.read import CODES as FILE_CODES
from clv_engine.imports.summary import DataSummary
from wording.catalogue import t
from wording.fmt import number, pct

# Display names of the encodings a file was read in (others are shown in capitals).
ENCODING_NAMES = {"gb18030": "GB18030", "cp950": "Big5", "utf-16": "UTF-16"}


def field_label(name: object, lang: str) -> str:
    """Our field's name in ``lang`` ("customer_id" -> "Customer id"); unknown names as written."""
    key = f"imp.field.{name}"
    try:
        return t(key, lang)
    except KeyError:
        return str(name)


def _value(key: str, value: object, lang: str) -> object:
    if key == "field":
        return field_label(value, lang)
    if key == "delimiter":
        return t(f"imp.delimiter.{value}", lang)
    if key == "n":
        return number(value)
    if key == "margin":
        return pct(value)
    if key == "encoding":
        return ENCODING_NAMES.get(str(value), str(value).upper())
    return value


def message_text(message: Message, lang: str, prefix: str) -> str:
    """The sentence of a file-level finding: ``prefix`` is imp.blocking or imp.note. A file the
    reader could not use has the reader's own sentence (error.imports.file.<code>)."""
    values = {k: _value(k, v, lang) for k, v in message.values.items()}
    if prefix == "imp.blocking" and message.code in FILE_CODES:
        return t(f"error.{FILE_CODES[message.code]}", lang, **values)
    return t(f"{prefix}.{message.code}", lang, **values)


def file_error_text(code: str, details: dict, lang: str) -> str:
    """A file that cannot be read (an ImportFileError's code and details), in ``lang``."""
    return t(f"error.{code}", lang, **details)


def blocking_texts(report: ImportReport, lang: str = "en") -> list[str]:
    return [message_text(m, lang, "imp.blocking") for m in report.blocking]


def note_texts(report: ImportReport, lang: str = "en") -> list[str]:
    return [message_text(m, lang, "imp.note") for m in report.notes]


def _blank(value: object) -> object:
    return "" if value is None or value is pd.NA else value


def problem_message(
    code: str,
    field_name: str | None,
    value: object,
    extra: object,
    ref_file: object = None,
    lang: str = "en",
    mode: str = "replace",
) -> str:
    """The sentence for one problem row, e.g. '“2024-02-30” is not a date (...)'."""
    if code == "duplicate_key" and isinstance(ref_file, str) and ref_file:
        code = "duplicate_key_other"
    if code == "unknown_customer" and mode == "append":
        code = "unknown_customer_append"
    return t(
        f"imp.problem.{code}",
        lang,
        field=field_label(field_name, lang),
        value=_blank(value),
        extra=_blank(extra),
        ref_file=_blank(ref_file),
    )


def problem_table(report: ImportReport, lang: str = "en") -> pd.DataFrame:
    """The listed problems with a message in ``lang`` (for the page and the download)."""
    frame = report.problems
    messages = [
        problem_message(r.code, r.field, r.value, r.extra, r.ref_file, lang, report.mode)
        for r in frame.itertuples()
    ]
    return pd.DataFrame(
        {
            t("imp.col.file", lang): frame["file"],
            t("imp.col.row", lang): frame["row"],
            t("imp.col.column", lang): frame["column"],
            t("imp.col.value", lang): frame["value"],
            t("imp.col.problem", lang): messages,
            t("imp.col.severity", lang): [t(f"imp.severity.{s}", lang) for s in frame["severity"]],
        }
    )


def summary_table(report: ImportReport, lang: str = "en") -> pd.DataFrame:
    frame = report.summary
    return pd.DataFrame(
        {
            t("imp.col.file", lang): frame["file"],
            t("imp.col.column", lang): frame["column"],
            t("imp.col.problem", lang): [t(f"imp.code.{c}", lang) for c in frame["code"]],
            t("imp.col.severity", lang): [t(f"imp.severity.{s}", lang) for s in frame["severity"]],
            t("imp.col.count", lang): frame["count"],
            t("imp.col.rows", lang): frame["rows"],
        }
    )


def verdict(report: ImportReport, lang: str = "en") -> str:
    """One sentence: what happened or what the user must decide."""
    if report.imported:
        return t(
            "imp.verdict.imported",
            lang,
            orders=number(report.written.get("orders", 0)),
            customers=number(report.written.get("customers", 0)),
        )
    if report.blocking:
        return t("imp.verdict.blocked", lang, n=len(report.blocking))
    if not report.clean_rows:
        if report.skipped_rows and not report.rejected_rows:
            return t("imp.verdict.nothing_new", lang, n=number(report.skipped_rows))
        return t("imp.verdict.nothing_clean", lang, n=number(report.rejected_rows + report.skipped_rows))
    if report.rejected_rows:
        return t(
            "imp.verdict.problems", lang, n=number(report.rejected_rows), clean=number(report.clean_rows)
        )
    return t("imp.verdict.ready", lang, clean=number(report.clean_rows))


def report_text(report: ImportReport, lang: str = "en", examples: int = 5) -> str:
    """The report as plain text (the command line prints it)."""
    lines = []
    for s in report.sources:
        line = t(
            "imp.text.file",
            lang,
            file=s.name,
            kind=t(f"imp.kind.{s.kind}", lang),
            rows=number(s.rows),
            clean=number(s.clean),
            rejected=number(s.rejected),
        )
        if s.skipped:
            line += t("imp.text.skipped", lang, n=number(s.skipped))
        lines.append(line)
        mapped = ", ".join(f"{field_label(f, lang)} ← {h}" for f, h in s.mapping.items())
        lines.append("  " + t("imp.text.mapping", lang, mapping=mapped or "-"))
    for text in blocking_texts(report, lang):
        lines.append("✗ " + text)
    if not report.summary.empty or report.notes:
        # Errors, skipped rows and notes are counted apart: notes are imported, not problems.
        lines.append(
            t(
                "imp.text.findings",
                lang,
                errors=number(report.error_count),
                skipped=number(report.skipped_count),
                notes=number(report.note_count),
            )
        )
        listed = report.problems
        for r in report.summary.itertuples():
            lines.append(
                f"  [{t(f'imp.severity.{r.severity}', lang)}] {r.file} · {r.column or '-'} · "
                f"{t(f'imp.code.{r.code}', lang)}: {number(r.count)}"
            )
            same_field = listed["field"].fillna("") == (
                "" if pd.isna(r.field) else r.field
            )  # a total line has none
            rows = listed[(listed["file"] == r.file) & (listed["code"] == r.code) & same_field]
            for p in rows.head(examples).itertuples():
                message = problem_message(p.code, p.field, p.value, p.extra, p.ref_file, lang, report.mode)
                lines.append(f"    {t('imp.col.row', lang)} {p.row}: {message}")
    for text in note_texts(report, lang):
        lines.append("• " + text)
    lines.append(verdict(report, lang))
    return "\n".join(lines)


# -- what a database holds: before and after a replacement or a restore ----------------------


def date_range(data: DataSummary) -> str:
    """The order date range, e.g. "2024-01-01 – 2024-12-31" ("–" where there is none)."""

    def day(d) -> str:
        return d.isoformat() if d else "–"

    return f"{day(data.first_order)} – {day(data.last_order)}"


def before_after(
    now: DataSummary, after: DataSummary, lang: str, after_key: str = "replace.after"
) -> pd.DataFrame:
    """Customers, orders and the order date range now and after (a replacement or a restore)."""

    def rows(data: DataSummary) -> list[str]:
        return [number(data.customers), number(data.orders), date_range(data)]

    return pd.DataFrame(
        {
            "": [t("replace.customers", lang), t("replace.orders", lang), t("replace.dates", lang)],
            t("replace.now", lang): rows(now),
            t(after_key, lang): rows(after),
        }
    )
