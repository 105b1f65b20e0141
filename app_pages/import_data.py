"""Import data: a dealer's own export, checked row by row, then swapped in whole or not at all.

Storyboard: which files can come in -> upload the orders (and further files) -> per file: what
it is, which column is which (guessed, editable), a preview -> replace or append, default
margin -> check -> the report (counts, problems by kind, the list, a download) -> "Import clean
rows" or "Stop" -> progress -> every page now reads the new data.

The panels (a file, the report) are in ui/import_panels.py; nothing a user uploads is rendered
as HTML or markdown there or here.
"""

from __future__ import annotations

import re
from pathlib import Path

import streamlit as st

from clv_engine.imports import (
    DEFAULT_MARGIN,
    ImportBusy,
    ImportOptions,
    ImportRejected,
    ImportReport,
    ImportWriteError,
    Source,
    check_import,
    run_import,
)
from clv_engine.imports.stage import saved_mappings
from ui.access import audit_import
from ui.context import page_context
from ui.import_panels import TYPES, clean_up, file_panel, forget_widgets, kinds_table, plain, show_report
from ui.replace_confirm import confirm_replacement
from ui.restore import versions_section
from ui.widgets import translated_choice, uploader_style
from wording.errors import explain
from wording.imports import verdict

ctx = page_context()
if not ctx.viewer.can_import:  # only a director replaces the data
    st.error(ctx.t("access.import.refused", role=ctx.t(f"access.role.{ctx.viewer.role}")))
    st.stop()


def request(what: str) -> None:
    # Buttons act through a callback: it runs before the script, so the request survives
    # a rerun that happens before the page is drawn (Streamlit's first run of a session).
    st.session_state["imp_action"] = what


# -- page -------------------------------------------------------------------------------------

st.title(ctx.t("imp.page.title"))
st.caption(ctx.t("imp.page.intro"))

action = st.session_state.pop("imp_action", None)
done = st.session_state.pop("imp_done", None)
if done:
    st.success(verdict(done["report"], ctx.lang))  # worded now: a language switch rewords it
    if done.get("backup"):
        st.caption(ctx.t("imp.page.backup", file=plain(done["backup"])))
    st.page_link("app_pages/overview.py", label=ctx.t("imp.page.see_overview"), icon=":material/dashboard:")

with st.expander(ctx.t("imp.page.what")):
    kinds_table(ctx)
    st.caption(ctx.t("imp.page.formats"))
versions_section(ctx)  # earlier versions of the data: list, restore (ui/restore.py)

# After an import the uploaders start empty: a new key is the only way to clear one.
round_ = st.session_state.get("imp_round", 0)
suffix = f"_{round_}" if round_ else ""
uploader_style(ctx.lang)  # the uploaders' own words in the reader's language
orders_upload = st.file_uploader(
    ctx.t("imp.page.orders_file"),
    type=TYPES,
    key="imp_orders" + suffix,
    help=ctx.t("imp.page.orders_file.help"),
)
more_uploads = (
    st.file_uploader(
        ctx.t("imp.page.more_files"),
        type=TYPES,
        accept_multiple_files=True,
        key="imp_more" + suffix,
        help=ctx.t("imp.page.more_files.help"),
    )
    or []
)

# New files: the previous files' kinds and mappings no longer apply.
files_now = tuple(f.file_id for f in ([orders_upload] if orders_upload else []) + list(more_uploads))
if st.session_state.get("imp_files") != files_now:
    forget_widgets(("imp_map_", "imp_kind_"))
    st.session_state["imp_files"] = files_now
    st.session_state.pop("imp_report", None)

mode = translated_choice(
    "radio",
    ctx.t("imp.page.mode"),
    ["replace", "append"],
    "imp_mode",
    ctx.lang,
    format_func={m: ctx.t(f"imp.page.mode.{m}") for m in ("replace", "append")}.__getitem__,
    horizontal=True,
    help=ctx.t("imp.page.mode.help"),
)
if not orders_upload and not (mode == "append" and more_uploads):
    st.info(ctx.t("imp.page.need_orders"))
    st.stop()

saved = saved_mappings(ctx.db.path)
sources: list[Source] = []
if orders_upload:
    source = file_panel(ctx, "orders", orders_upload, "orders", saved)
    if source:
        sources.append(source)
for i, upload in enumerate(more_uploads):
    source = file_panel(ctx, f"more{i}", upload, None, saved)
    if source:
        sources.append(source)
if not sources:
    st.stop()

left, right = st.columns([3, 1])
margin = left.slider(
    ctx.t("imp.page.margin"),
    0.05,
    0.80,
    DEFAULT_MARGIN,
    0.01,
    format="%.2f",
    key="imp_margin",
    help=ctx.t("imp.page.margin.help"),
)
# The currency is kept with the data: the current database's, unless the user says otherwise.
currency = (
    right.text_input(
        ctx.t("imp.page.currency"),
        value=ctx.currency,
        max_chars=3,
        key="imp_currency",
        help=ctx.t("imp.page.currency.help"),
    )
    .strip()
    .upper()
)
if not re.fullmatch(r"[A-Z]{3}", currency):
    st.error(ctx.t("imp.page.currency.bad", value=plain(currency)))
    st.stop()
options = ImportOptions(mode=mode, default_margin=margin, currency=currency, actor=ctx.viewer.login)
signature = (
    tuple((s.kind, str(s.path), tuple(sorted(s.mapping.items()))) for s in sources),
    mode,
    margin,
    currency,
)

st.button(
    ctx.t("imp.page.check"),
    type="primary",
    key="imp_check",
    icon=":material/fact_check:",
    on_click=request,
    args=("check",),
)
if action == "check":
    with st.spinner(ctx.t("imp.page.checking")):
        try:
            st.session_state["imp_report"] = (signature, check_import(sources, ctx.db.path, options))
        except ImportWriteError as error:
            st.error(plain(explain(error, ctx.lang)))
            st.stop()

stored = st.session_state.get("imp_report")
if stored is None:
    st.stop()
if stored[0] != signature:
    st.info(ctx.t("imp.page.changed"))
    st.stop()
report: ImportReport = stored[1]
show_report(ctx, report)

left, right = st.columns(2)
# Replacing data that is there asks first, showing what changes (ui/replace_confirm.py).
first_step = "confirm" if mode == "replace" and ctx.has("orders") else "import"
left.button(
    ctx.t("imp.page.import"),
    type="primary",
    key="imp_import",
    disabled=not report.can_import,
    icon=":material/upload:",
    help=ctx.t("imp.page.import.help"),
    on_click=request,
    args=(first_step,),
)
right.button(
    ctx.t("imp.page.stop"), key="imp_stop", icon=":material/block:", on_click=request, args=("stop",)
)
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
            result = run_import(sources, ctx.db.path, options, accept_clean_rows=True, progress=progress)
        except ImportBusy:
            status.update(label=ctx.t("imp.page.busy"), state="error")
            st.stop()
        except ImportRejected as rejected:
            status.update(label=ctx.t("imp.page.rejected"), state="error")
            st.session_state["imp_report"] = (signature, rejected.report)
            st.stop()
        except ImportWriteError as error:  # disk full, read-only folder: nothing changed
            status.update(label=ctx.t("imp.page.write_failed"), state="error")
            st.error(plain(explain(error, ctx.lang)))
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
    st.session_state["imp_done"] = {
        "report": result,
        "backup": Path(result.backup).name if result.backup else None,
    }
    st.rerun()
