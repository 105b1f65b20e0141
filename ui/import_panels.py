"""The panels of the Import page: an uploaded file (kind, column mapping, preview) and the
report of a check (counts, verdict, notes, problems and their download).

Nothing a user uploads is rendered as HTML or markdown: file contents and headers go to
dataframes and select boxes (plain text); file names in messages are escaped.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from clv_engine.export import to_csv_bytes
from clv_engine.imports import ImportReport, Source
from clv_engine.imports.fields import KINDS, guess_kind, guess_mapping
from ui.queries import import_sample
from ui.safe import md
from ui.widgets import Headline, metric_row, translated_choice
from wording import fmt
from wording import imports as words

TYPES = ["csv", "txt", "tsv", "xlsx", "xlsm", "parquet"]
OTHER_KINDS = [k for k in KINDS if k != "orders"]
SHOWN_PROBLEMS = 1_000
NOT_IN_FILE = ""


def plain(text: object) -> str:
    """User text (a file name, a header, a sentence holding them) safe inside markdown: every
    markup character escaped, autolinks (www.x.com, a@b.com) broken (ui/safe.py)."""
    return md(text)


def upload_dir() -> Path:
    path = st.session_state.get("imp_dir")
    if not path or not Path(path).exists():
        path = tempfile.mkdtemp(prefix="clv_upload_")
        st.session_state["imp_dir"] = path
    return Path(path)


def saved_file(upload) -> Path:
    """The upload on disk under a name made from its content (never from the user's name).

    Written once per upload: every rerun would otherwise hash and copy the whole file again.
    """
    known = st.session_state.setdefault("imp_paths", {})
    if upload.file_id in known and Path(known[upload.file_id]).exists():
        return Path(known[upload.file_id])
    data = upload.getvalue()
    digest = hashlib.sha256(data).hexdigest()[:20]
    suffix = Path(upload.name).suffix.lower()
    suffix = suffix if suffix.lstrip(".") in TYPES else ".csv"
    path = upload_dir() / f"{digest}{suffix}"
    if not path.exists():
        tmp = path.with_name(path.name + ".part")
        tmp.write_bytes(data)
        tmp.replace(path)
    known[upload.file_id] = str(path)
    return path


def forget_widgets(prefixes: tuple[str, ...]) -> None:
    for key in [k for k in st.session_state if isinstance(k, str) and k.startswith(prefixes)]:
        del st.session_state[key]


def clean_up() -> None:
    """The uploads on disk and the report go: a stopped or finished import starts afresh."""
    path = st.session_state.pop("imp_dir", None)
    st.session_state.pop("imp_paths", None)
    if path:
        shutil.rmtree(path, ignore_errors=True)
    st.session_state.pop("imp_report", None)


def _field_label(ctx: Any, kind: str, name: str) -> str:
    label = ctx.t(f"imp.field.{name}")
    return f"{label} *" if name in KINDS[kind].required else label


def mapping_editor(
    ctx: Any, slot: str, kind: str, headers: list[str], saved: dict[str, str] | None
) -> dict[str, str]:
    """One select per field, preset to the guess; returns {field: header} for the mapped ones."""
    guess = guess_mapping(kind, headers, saved)
    options = [NOT_IN_FILE] + headers
    chosen = {}
    columns = st.columns(4)
    for i, f in enumerate(KINDS[kind].fields):
        header = columns[i % 4].selectbox(
            _field_label(ctx, kind, f.name),
            options,
            index=options.index(guess[f.name]) if f.name in guess else 0,
            format_func=lambda h: h if h else ctx.t("imp.page.not_in_file"),
            key=f"imp_map_{slot}_{f.name}",
        )
        if header:
            chosen[f.name] = header
    return chosen


def file_panel(
    ctx: Any, slot: str, upload, kind: str | None, saved_all: dict[str, dict[str, str]]
) -> Source | None:
    """Kind, mapping and preview of one uploaded file; the Source to import, or None."""
    path = saved_file(upload)
    head = import_sample(str(path))
    if isinstance(head, tuple):  # the file cannot be read: why, under the user's own file name
        code, details = head
        values = {**{k: plain(v) for k, v in details.items()}, "file": plain(upload.name)}
        st.error(words.file_error_text(code, values, ctx.lang))
        return None
    headers = [str(h) for h in head.columns]
    further = kind is None
    if further:  # what is it? The guess, or what the user chose in the select below
        guessed = guess_kind(headers, upload.name)
        guessed = guessed if guessed in OTHER_KINDS else OTHER_KINDS[0]
        kind = st.session_state.get(f"imp_kind_{slot}", guessed)
    title = ctx.t("imp.page.file_title", file=plain(upload.name), kind=ctx.t(f"imp.kind.{kind}"))
    with st.expander(title, expanded=True):
        if further:
            kind = translated_choice(
                "selectbox",
                ctx.t("imp.page.kind"),
                OTHER_KINDS,
                f"imp_kind_{slot}",
                ctx.lang,
                index=OTHER_KINDS.index(guessed),
                format_func=lambda k: ctx.t(f"imp.kind.{k}"),
            )
            st.caption(ctx.t(f"imp.enables.{kind}"))
        st.markdown(f"**{ctx.t('imp.page.mapping')}**")
        st.caption(ctx.t("imp.page.mapping.help"))
        mapping = mapping_editor(ctx, slot, kind, headers, saved_all.get(kind))
        st.markdown(f"**{ctx.t('imp.page.preview')}**")
        st.dataframe(head, hide_index=True, height=min(38 + 35 * len(head), 320))
    return Source(kind, path, mapping, name=upload.name)


def show_report(ctx: Any, report: ImportReport) -> None:
    """Counts, the verdict, blocking problems and notes, the problems by kind and listed."""
    st.subheader(ctx.t("imp.page.report"))
    rows = sum(s.rows for s in report.sources)
    metric_row(
        [
            Headline(ctx.t("imp.page.rows_read"), fmt.number(rows)),
            Headline(ctx.t("imp.page.rows_clean"), fmt.number(report.clean_rows)),
            Headline(
                ctx.t("imp.page.rows_rejected"),
                fmt.number(report.rejected_rows),
                ctx.t("imp.page.rows_rejected.help"),
            ),
            Headline(
                ctx.t("imp.page.warnings"), fmt.number(report.note_count), ctx.t("imp.page.warnings.help")
            ),
        ],
        border=False,
    )
    if report.skipped_rows:
        st.caption(ctx.t("imp.page.skipped", n=fmt.number(report.skipped_rows)))
    # Catalogue sentences hold file names and headers: the whole sentence is escaped for markdown.
    for text in words.blocking_texts(report, ctx.lang):
        st.error(plain(text))
    verdict = words.verdict(report, ctx.lang)
    if report.blocking or not report.can_import:
        st.error(verdict)
    elif report.rejected_rows:
        st.warning(verdict)
    else:
        st.success(verdict)
    for text in words.note_texts(report, ctx.lang):
        st.info(plain(text))
    if report.problem_count:
        st.markdown(f"**{ctx.t('imp.page.by_kind')}**")
        st.dataframe(words.summary_table(report, ctx.lang), hide_index=True)
        table = words.problem_table(report, ctx.lang)
        st.markdown(f"**{ctx.t('imp.page.problems')}**")
        st.dataframe(table.head(SHOWN_PROBLEMS), hide_index=True, height=320)
        if report.problem_count > len(table.head(SHOWN_PROBLEMS)):
            st.caption(
                ctx.t(
                    "imp.page.problems.more",
                    shown=fmt.number(min(SHOWN_PROBLEMS, len(table))),
                    total=fmt.number(report.problem_count),
                    listed=fmt.number(len(table)),
                )
            )
        st.download_button(
            ctx.t("imp.page.download"),
            data=lambda: to_csv_bytes(table),  # built on click
            file_name="import_problems.csv",
            mime="text/csv",
            key="imp_download",
        )


def kinds_table(ctx: Any) -> None:
    """Which files can come in, and what each one enables."""
    st.dataframe(
        pd.DataFrame(
            {
                ctx.t("imp.page.col.file"): [ctx.t(f"imp.kind.{k}") for k in KINDS],
                ctx.t("imp.page.col.enables"): [ctx.t(f"imp.enables.{k}") for k in KINDS],
            }
        ),
        hide_index=True,
    )
