"""Import data: a dealer's own export, checked row by row, then swapped in whole or not at all.

Storyboard: which files can come in -> upload the orders (and further files) -> per file: what
it is, which column is which (guessed, editable), a preview -> replace or append, default
margin -> check -> the report (counts, problems by kind, the list, a download) -> "Import clean
rows" or "Stop" -> progress -> every page now reads the new data.

Nothing a user uploads is rendered as HTML or markdown: file contents and headers go to
dataframes and select boxes (plain text); file names in messages are escaped.
"""
from __future__ import annotations

import hashlib
import re
import shutil
import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from clv_engine import importer
from clv_engine.export import to_csv_bytes
from clv_engine.import_fields import KINDS, guess_kind, guess_mapping
from clv_engine.import_read import ImportFileError
from ui.access import audit_import
from ui.context import page_context
from ui.replace_confirm import confirm_replacement
from ui.restore import versions_section
from ui.safe import md
from wording import fmt

ctx = page_context()
if not ctx.viewer.can_import:  # only a director replaces the data
    st.error(ctx.t("access.import.refused", role=ctx.t(f"access.role.{ctx.viewer.role}")))
    st.stop()
TYPES = ["csv", "txt", "tsv", "xlsx", "xlsm", "parquet"]
OTHER_KINDS = [k for k in KINDS if k != "orders"]
PREVIEW_ROWS = 8
SHOWN_PROBLEMS = 1_000
NOT_IN_FILE = ""


def plain(text: object) -> str:
    """User text (a file name, a header) safe inside markdown: every markup character escaped."""
    return md(text)  # ui/safe.py: escapes, and breaks autolinks (www.x.com, a@b.com)


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


@st.cache_data(show_spinner=False, max_entries=64)
def sample(path: str) -> pd.DataFrame | tuple[str, dict]:
    """First rows of a saved upload (the path is its content hash), or the reason it cannot be read."""
    try:
        return importer.read_sample(path, PREVIEW_ROWS)
    except ImportFileError as error:
        return (error.code, error.detail)


def forget_widgets(prefixes: tuple[str, ...]) -> None:
    for key in [k for k in st.session_state if isinstance(k, str) and k.startswith(prefixes)]:
        del st.session_state[key]


def field_label(kind: str, name: str) -> str:
    label = ctx.t(f"imp.field.{name}")
    return f"{label} *" if name in KINDS[kind].required else label


def mapping_editor(slot: str, kind: str, headers: list[str], saved: dict[str, str] | None) -> dict[str, str]:
    """One select per field, preset to the guess; returns {field: header} for the mapped ones."""
    guess = guess_mapping(kind, headers, saved)
    options = [NOT_IN_FILE] + headers
    chosen = {}
    fields = KINDS[kind].fields
    columns = st.columns(4)
    for i, f in enumerate(fields):
        header = columns[i % 4].selectbox(
            field_label(kind, f.name),
            options,
            index=options.index(guess[f.name]) if f.name in guess else 0,
            format_func=lambda h: h if h else ctx.t("imp.page.not_in_file"),
            key=f"imp_map_{slot}_{f.name}",
        )
        if header:
            chosen[f.name] = header
    return chosen


def file_panel(slot: str, upload, kind: str | None, saved_all: dict[str, dict[str, str]]) -> importer.Source | None:
    """Kind, mapping and preview of one uploaded file; the Source to import, or None."""
    path = saved_file(upload)
    head = sample(str(path))
    if isinstance(head, tuple):
        code, detail = head
        st.error(ctx.t(f"imp.blocking.{code}", file=plain(upload.name), **{k: plain(v) for k, v in detail.items()}))
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
            kind = st.selectbox(
                ctx.t("imp.page.kind"),
                OTHER_KINDS,
                index=OTHER_KINDS.index(guessed),
                format_func=lambda k: ctx.t(f"imp.kind.{k}"),
                key=f"imp_kind_{slot}",
            )
            st.caption(ctx.t(f"imp.enables.{kind}"))
        st.markdown(f"**{ctx.t('imp.page.mapping')}**")
        st.caption(ctx.t("imp.page.mapping.help"))
        mapping = mapping_editor(slot, kind, headers, saved_all.get(kind))
        st.markdown(f"**{ctx.t('imp.page.preview')}**")
        st.dataframe(head, hide_index=True, height=min(38 + 35 * len(head), 320))
    return importer.Source(kind, path, mapping, name=upload.name)


def show_report(report: importer.ImportReport) -> None:
    st.subheader(ctx.t("imp.page.report"))
    rows = sum(s.rows for s in report.sources)
    c = st.columns(4)
    c[0].metric(ctx.t("imp.page.rows_read"), fmt.number(rows))
    c[1].metric(ctx.t("imp.page.rows_clean"), fmt.number(report.clean_rows))
    c[2].metric(ctx.t("imp.page.rows_rejected"), fmt.number(report.rejected_rows),
                help=ctx.t("imp.page.rows_rejected.help"))
    c[3].metric(ctx.t("imp.page.warnings"), fmt.number(report.note_count), help=ctx.t("imp.page.warnings.help"))
    if report.skipped_rows:
        st.caption(ctx.t("imp.page.skipped", n=fmt.number(report.skipped_rows)))
    for text in report.blocking_texts(ctx.lang):
        st.error(plain_message(text))
    verdict = report.verdict(ctx.lang)
    if report.blocking or not report.can_import:
        st.error(verdict)
    elif report.rejected_rows:
        st.warning(verdict)
    else:
        st.success(verdict)
    for text in report.note_texts(ctx.lang):
        st.info(plain_message(text))
    if report.problem_count:
        st.markdown(f"**{ctx.t('imp.page.by_kind')}**")
        st.dataframe(report.summary_table(ctx.lang), hide_index=True)
        table = report.problem_table(ctx.lang)
        st.markdown(f"**{ctx.t('imp.page.problems')}**")
        st.dataframe(table.head(SHOWN_PROBLEMS), hide_index=True, height=320)
        if report.problem_count > len(table.head(SHOWN_PROBLEMS)):
            st.caption(ctx.t("imp.page.problems.more", shown=fmt.number(min(SHOWN_PROBLEMS, len(table))),
                             total=fmt.number(report.problem_count), listed=fmt.number(len(table))))
        st.download_button(
            ctx.t("imp.page.download"),
            data=to_csv_bytes(table),
            file_name="import_problems.csv",
            mime="text/csv",
            key="imp_download",
        )


def plain_message(text: str) -> str:
    # Catalogue sentences hold file names and headers: escape the whole sentence for markdown.
    return plain(text)


def request(what: str) -> None:
    # Buttons act through a callback: it runs before the script, so the request survives
    # a rerun that happens before the page is drawn (Streamlit's first run of a session).
    st.session_state["imp_action"] = what


def clean_up() -> None:
    path = st.session_state.pop("imp_dir", None)
    st.session_state.pop("imp_paths", None)
    if path:
        shutil.rmtree(path, ignore_errors=True)
    st.session_state.pop("imp_report", None)


# -- page -------------------------------------------------------------------------------------

st.title(ctx.t("imp.page.title"))
st.caption(ctx.t("imp.page.intro"))

action = st.session_state.pop("imp_action", None)
done = st.session_state.pop("imp_done", None)
if done:
    st.success(done["verdict"])
    if done.get("backup"):
        st.caption(ctx.t("imp.page.backup", file=plain(done["backup"])))
    st.page_link("app_pages/overview.py", label=ctx.t("imp.page.see_overview"), icon=":material/dashboard:")

with st.expander(ctx.t("imp.page.what")):
    st.dataframe(
        pd.DataFrame({ctx.t("imp.page.col.file"): [ctx.t(f"imp.kind.{k}") for k in KINDS],
                      ctx.t("imp.page.col.enables"): [ctx.t(f"imp.enables.{k}") for k in KINDS]}),
        hide_index=True,
    )
    st.caption(ctx.t("imp.page.formats"))
versions_section(ctx)  # earlier versions of the data: list, restore (ui/restore.py)

# After an import the uploaders start empty: a new key is the only way to clear one.
round_ = st.session_state.get("imp_round", 0)
suffix = f"_{round_}" if round_ else ""
orders_upload = st.file_uploader(ctx.t("imp.page.orders_file"), type=TYPES, key="imp_orders" + suffix,
                                 help=ctx.t("imp.page.orders_file.help"))
more_uploads = st.file_uploader(ctx.t("imp.page.more_files"), type=TYPES, accept_multiple_files=True,
                                key="imp_more" + suffix, help=ctx.t("imp.page.more_files.help")) or []

# New files: the previous files' kinds and mappings no longer apply.
files_now = tuple(f.file_id for f in ([orders_upload] if orders_upload else []) + list(more_uploads))
if st.session_state.get("imp_files") != files_now:
    forget_widgets(("imp_map_", "imp_kind_"))
    st.session_state["imp_files"] = files_now
    st.session_state.pop("imp_report", None)

mode = st.radio(ctx.t("imp.page.mode"), ["replace", "append"], format_func=lambda m: ctx.t(f"imp.page.mode.{m}"),
                horizontal=True, key="imp_mode", help=ctx.t("imp.page.mode.help"))
if not orders_upload and not (mode == "append" and more_uploads):
    st.info(ctx.t("imp.page.need_orders"))
    st.stop()

saved = importer.saved_mappings(ctx.db.path)
sources: list[importer.Source] = []
if orders_upload:
    source = file_panel("orders", orders_upload, "orders", saved)
    if source:
        sources.append(source)
for i, upload in enumerate(more_uploads):
    source = file_panel(f"more{i}", upload, None, saved)
    if source:
        sources.append(source)
if not sources:
    st.stop()

left, right = st.columns([3, 1])
margin = left.slider(ctx.t("imp.page.margin"), 0.05, 0.80, importer.DEFAULT_MARGIN, 0.01, format="%.2f",
                     key="imp_margin", help=ctx.t("imp.page.margin.help"))
# The currency is kept with the data: the current database's, unless the user says otherwise.
currency = right.text_input(ctx.t("imp.page.currency"), value=ctx.currency, max_chars=3, key="imp_currency",
                            help=ctx.t("imp.page.currency.help")).strip().upper()
if not re.fullmatch(r"[A-Z]{3}", currency):
    st.error(ctx.t("imp.page.currency.bad", value=plain(currency)))
    st.stop()
options = importer.ImportOptions(mode=mode, default_margin=margin, currency=currency, actor=ctx.viewer.login)
signature = (tuple((s.kind, str(s.path), tuple(sorted(s.mapping.items()))) for s in sources), mode, margin,
             currency)

st.button(ctx.t("imp.page.check"), type="primary", key="imp_check", icon=":material/fact_check:",
          on_click=request, args=("check",))
if action == "check":
    with st.spinner(ctx.t("imp.page.checking")):
        try:
            st.session_state["imp_report"] = (signature, importer.check_import(sources, ctx.db.path, options))
        except importer.ImportWriteError as error:
            st.error(plain(error.text(ctx.lang)))
            st.stop()

stored = st.session_state.get("imp_report")
if stored is None:
    st.stop()
if stored[0] != signature:
    st.info(ctx.t("imp.page.changed"))
    st.stop()
report: importer.ImportReport = stored[1]
show_report(report)

left, right = st.columns(2)
# Replacing data that is there asks first, showing what changes (ui/replace_confirm.py).
first_step = "confirm" if mode == "replace" and ctx.has("orders") else "import"
left.button(ctx.t("imp.page.import"), type="primary", key="imp_import", disabled=not report.can_import,
            icon=":material/upload:", help=ctx.t("imp.page.import.help"), on_click=request, args=(first_step,))
right.button(ctx.t("imp.page.stop"), key="imp_stop", icon=":material/block:", on_click=request, args=("stop",))
if action == "confirm":
    confirm_replacement(ctx, sources, options, request)
    st.stop()
if action == "stop":
    clean_up()
    st.session_state["imp_round"] = round_ + 1  # the uploaders start empty next time
    st.info(ctx.t("imp.page.stopped"))
    st.stop()
if action == "import":
    with st.status(ctx.t("imp.page.running"), expanded=True) as status:
        bar = st.progress(0.0, text=ctx.t("imp.step.reading"))

        def progress(fraction: float, step: str) -> None:
            bar.progress(min(max(fraction, 0.0), 1.0), text=ctx.t(f"imp.step.{step}"))

        try:
            result = importer.run_import(sources, ctx.db.path, options, accept_clean_rows=True, progress=progress)
        except importer.ImportBusy:
            status.update(label=ctx.t("imp.page.busy"), state="error")
            st.stop()
        except importer.ImportRejected as rejected:
            status.update(label=ctx.t("imp.page.rejected"), state="error")
            st.session_state["imp_report"] = (signature, rejected.report)
            st.stop()
        except importer.ImportWriteError as error:  # disk full, read-only folder: nothing changed
            status.update(label=ctx.t("imp.page.write_failed"), state="error")
            st.error(plain(error.text(ctx.lang)))
            st.stop()
        status.update(label=ctx.t("imp.page.finished"), state="complete")
    audit_import(ctx, result)  # who imported what, into the new file
    # Every cached figure was computed on the old data; the sidebar's date and store choices
    # belong to it too (a store may no longer exist), so they start again from the new data.
    st.cache_data.clear()
    for key in ("as_of", "stores"):
        st.session_state.pop(key, None)
    clean_up()
    st.session_state["imp_round"] = round_ + 1
    st.session_state["imp_done"] = {"verdict": result.verdict(ctx.lang),
                                    "backup": Path(result.backup).name if result.backup else None}
    st.rerun()
