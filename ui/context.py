"""What every page needs: the database, the language, the as-of date and the store scope.

``app.py`` draws the sidebar once per run (so its widgets keep their values on every page)
and stores a :class:`Context`; a page calls :func:`page_context` and reads from it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd
import streamlit as st

from clv_engine import access, clv, predictive
from clv_engine.db import (
    Database,
    assumed_margin_of,
    currency_of,
    db_path_from_environment,
    default_db_path,
)
from clv_engine.scope import ScopedDatabase, scoped
from ui.access import draw_viewer, require_viewer
from ui.queries import data_end, fit_in_scope, model_values, settings_of, shared_reader, store_list
from ui.widgets import PRESENT_KEY, translated_choice
from wording import fmt, t
from wording.predictive import fit_error_text

SAMPLE_CUSTOMERS = 10_000
SAMPLE_SEED = 42


@dataclass(frozen=True)
class Context:
    lang: str
    db: Database
    as_of: date
    store_ids: tuple[str, ...] | None  # None: all stores
    clv_params: clv.CLVParams
    clv_model: str = "predictive"  # predictive (BG/NBD + Gamma-Gamma) | historical
    # Kept with the data by the importer (table meta): the margin assumed for orders that came
    # without gross profit (None: every order carried its own) and the currency of the amounts.
    assumed_margin: float | None = None
    currency: str = "CNY"
    # Who this run works for (role, rights, allowed stores); store_ids is already cut to it.
    viewer: access.Viewer = access.local_viewer()
    # What this run has already drawn once (the sidebar's note on the predictive fit).
    drawn: dict = field(default_factory=dict, compare=False, repr=False)

    def t(self, key: str, **values: object) -> str:
        return t(key, self.lang, **values)

    def money(self, value: float | None) -> str:
        return fmt.money(value, self.lang, currency=self.currency)

    @property
    def unit(self) -> str:
        """The currency as a label's unit: ``cur=ctx.unit`` ("Budget (¥)", "预算（元）", "Budget ($)")."""
        return fmt.currency_unit(self.currency, self.lang)

    def disclose_assumptions(self) -> None:
        """One caption on every page that shows profit or CLV: the gross margin that was assumed."""
        if self.assumed_margin is not None:
            st.caption(self.t("assumed.margin", margin=fmt.pct(self.assumed_margin)))

    def customer_values(self, params: clv.CLVParams | None = None) -> pd.DataFrame:
        """Per-customer history and CLV in the current scope (cached).

        With the predictive model chosen in the sidebar, ``clv`` is the predictive CLV and the
        frame has ``p_alive``; ``attrs["model"]`` says which model the figures come from.
        """
        params = params or self.clv_params
        self.note_fit_problem()
        # Long only the first time for this data (the fit, a million rows): a spinner then.
        key = ("values", self.db.version(), self.as_of, self.store_ids, params, self.clv_model)
        with _spinner_unless_done(key, self.t("speed.values")):
            frame = model_values(self.db, self.as_of, self.store_ids, params, self.clv_model)
        return frame.copy(deep=False)  # copy-on-write: the caller's changes stay its own

    def predictive_fit_problem(self) -> str | None:
        """Why the predictive model could not be fitted in this scope, or None."""
        key = ("fit", self.db.version(), self.as_of)
        with _spinner_unless_done(key, self.t("speed.fitting")):  # the first fit of this data and date
            result = fit_in_scope(self.db, self.as_of)
        return fit_error_text(result, self.lang) if isinstance(result, dict) else None

    def note_fit_problem(self) -> None:
        """Once per run, with the predictive model chosen: say in the sidebar (last) when it
        could not be fitted in this scope, so the page's figures fall back to history."""
        if self.clv_model != "predictive" or self.drawn.get("fit_note") or _in_fragment_rerun():
            return
        self.drawn["fit_note"] = True
        problem = self.predictive_fit_problem()
        if problem:
            st.sidebar.warning(t("sidebar.clv_model.fallback", self.lang, reason=problem))

    def stores(self) -> pd.DataFrame:
        return store_list(self.db)

    def has(self, table: str) -> bool:
        """Whether ``table`` has rows (in the scope): counted once per data version and scope."""
        key = (self.db.version(), table)
        found = _HAS.get(key)
        if found is None:
            found = self.db.table_rows(table) > 0
            _remember(_HAS, key, found)
        return found


# Per process, a few entries each (every key holds the data version: a write or an import
# makes new keys; the old ones age out). Plain dicts: a lookup or an insert is atomic, and
# two sessions computing the same entry at once store the same value.
_MEMO_SIZE = 16
_HAS: dict[tuple, bool] = {}
_STORE_LABELS: dict[tuple, dict[str, str]] = {}
_DONE: dict[tuple, bool] = {}  # cached work known to be done in this process (no spinner)


def _in_fragment_rerun() -> bool:
    """A fragment's own rerun: it may not draw into the sidebar (the full run drew the note)."""
    from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

    run = get_script_run_ctx(suppress_warning=True)
    return bool(run is not None and run.fragment_ids_this_run)


def _remember(memo: dict, key: tuple, value: object, size: int = _MEMO_SIZE) -> None:
    if len(memo) >= size:
        try:
            del memo[next(iter(memo))]  # the oldest
        except (KeyError, StopIteration, RuntimeError):  # another thread got there first
            pass
    memo[key] = value


@contextmanager
def _spinner_unless_done(key: tuple, text: str, memo: dict | None = None, size: int = 3) -> Iterator[None]:
    """``st.spinner(text)`` around work of the shared caches the first time ``key`` is met in
    this process; afterwards the work is a cache lookup, and the spinner (a timer thread and
    a message to the browser on every run of every page, issue 14) is left out. The memo
    keeps as few keys as the caches keep entries (3): a key the cache may have dropped gets
    its spinner again."""
    memo = _DONE if memo is None else memo
    if key in memo:
        yield
        return
    with st.spinner(text):
        yield
    _remember(memo, key, True, size=size)


_PAGE_WORK_DONE: dict[tuple, bool] = {}


def spinner_unless_done(key: tuple, text: str):
    """A page's ``st.spinner(text)`` around cached queries: shown the first time ``key`` (the
    page's name and the queries' arguments, with ``db.version()``) is met in this process, left
    out afterwards, when the work is a cache lookup (a timer thread started and stopped, and a
    message to the browser, on every run: issue 14). Kept for 16 keys (the page caches keep
    16 entries or fewer: a key they may have dropped gets its spinner again)."""
    return _spinner_unless_done(key, text, _PAGE_WORK_DONE, 16)


def store_labels(db: Database) -> dict[str, str]:
    """Store id -> "name · region" for the sidebar, built once per data version (not on every
    run of every page from the cached store table). Never change what it returns."""
    key = db.version()
    labels = _STORE_LABELS.get(key)
    if labels is None:
        stores = store_list(db)
        labels = dict(zip(stores["store_id"], stores["name"] + " · " + stores["region"]))
        _remember(_STORE_LABELS, key, labels, size=4)
    return labels


_DATA_FACTS: dict[tuple, tuple] = {}


def data_facts(db: Database) -> tuple[date | None, dict[str, str]]:
    """The data's last order day and the importer's settings, read once per data version (not
    through two cached queries on every run of every page). Never change what it returns."""
    key = db.version()
    facts = _DATA_FACTS.get(key)
    if facts is None:
        facts = (data_end(db), settings_of(db))
        _remember(_DATA_FACTS, key, facts, size=4)
    return facts


def ensure_database() -> Path:
    """The database path; the bundled sample is built on first start, with progress shown.

    A database named by CLV_DB that does not exist is an error, not a reason to build the demo
    there: 10,000 demo customers shown as if they were the dealer's.
    """
    path = default_db_path()
    if path.exists():
        return path
    lang = st.session_state.get("lang") or ("zh" if _browser_prefers_chinese() else "en")
    if db_path_from_environment():
        # The path is the administrator's own setting; shown as code so no character is markup.
        st.error(t("building.missing", lang, path=f"`{str(path).replace('`', '')}`"))
        st.stop()
    from sample_data.generate import generate

    bar = st.progress(0.0, text=t("building.sample", lang, n=SAMPLE_CUSTOMERS))

    def progress(fraction: float, _step: str) -> None:
        bar.progress(fraction, text=t("building.sample", lang, n=SAMPLE_CUSTOMERS))

    generate(SAMPLE_CUSTOMERS, SAMPLE_SEED, path, progress)
    bar.empty()
    st.toast(t("building.done", lang))
    return path


def _browser_prefers_chinese() -> bool:
    try:
        locale = st.context.locale or ""
    except Exception:  # no browser (AppTest, scripts)
        locale = ""
    return locale.lower().startswith("zh")


def _language_label(code: str) -> str:
    return {"en": "English", "zh": "中文"}[code]


def _present_to_link() -> None:
    """The presentation toggle writes itself into the link, so the link opens the same way."""
    if st.session_state.get(PRESENT_KEY):
        st.query_params[PRESENT_KEY] = "1"
    elif PRESENT_KEY in st.query_params:
        del st.query_params[PRESENT_KEY]


def presentation_from_link() -> bool:
    """Presentation mode for this session: a link's ``?present=1`` counts until the toggle moves."""
    if PRESENT_KEY not in st.session_state:
        st.session_state[PRESENT_KEY] = st.query_params.get(PRESENT_KEY, "") in ("1", "true", "yes")
    return bool(st.session_state[PRESENT_KEY])


def draw_sidebar() -> Context:
    """Language, as-of date and store scope; returns the context every page reads."""
    db = shared_reader(str(ensure_database()))
    if "lang" not in st.session_state:
        st.session_state["lang"] = "zh" if _browser_prefers_chinese() else "en"
    # Login (when configured) before anything else: stops the run with a login screen.
    viewer = require_viewer(db)
    with st.sidebar:
        lang = (
            st.segmented_control(
                # One label in both languages: a label that changed with the language would
                # make a new widget and drop the choice just made.
                "Language · 语言",
                ["en", "zh"],
                format_func=_language_label,
                key="lang",
            )
            or "en"
        )
        last_day, settings = data_facts(db)
        end = last_day or date.today()
        # New data (an import) ends on another day: move the as-of date with it, or data
        # that ended earlier would make every customer look lapsed.
        if st.session_state.get("_as_of_data_end") != end:
            st.session_state["_as_of_data_end"] = end
            st.session_state["as_of"] = end
        as_of = st.date_input(
            t("sidebar.as_of", lang),
            max_value=max(end, date.today()),
            key="as_of",
            help=t("sidebar.as_of.help", lang),
        )
        labels = store_labels(db)
        if viewer.stores is not None:  # a store manager picks only among their own stores
            labels = {s: label for s, label in labels.items() if s in viewer.stores}
        chosen: Sequence[str] = st.multiselect(
            t("sidebar.stores", lang),
            list(labels),
            format_func=lambda s: labels.get(s, s),
            key="stores",
            placeholder=t(
                "sidebar.stores.placeholder" if viewer.stores is None else "access.stores.placeholder", lang
            ),
        )
        with st.expander(t("sidebar.clv", lang)):
            model = translated_choice(
                "radio",
                t("sidebar.clv_model", lang),
                list(predictive.CLV_MODELS),
                key="clv_model",
                lang=lang,
                format_func=lambda k: t(f"sidebar.clv_model.{k}", lang),
                help=t("sidebar.clv_model.help", lang),
            )
            horizon = st.slider(t("sidebar.horizon", lang), 1, 15, 5, key="clv_horizon")
            discount = st.slider(t("sidebar.discount", lang), 0.0, 0.30, 0.12, 0.01, key="clv_discount")
        st.toggle(
            t("sidebar.present", lang),
            key=PRESENT_KEY,
            on_change=_present_to_link,
            help=t("sidebar.present.help", lang),
        )
        st.caption(f"{t('sidebar.database', lang)}: `{db.path.name}`")
        draw_viewer(viewer, lang)
    store_ids = viewer.scope(tuple(chosen) or None)
    context = Context(
        lang=lang,
        db=reader_database(db, viewer, store_ids),
        as_of=as_of,
        store_ids=store_ids,
        clv_params=clv.CLVParams(discount_rate=discount, horizon_years=horizon),
        clv_model=model,
        assumed_margin=assumed_margin_of(settings),
        currency=currency_of(settings),
        viewer=viewer,
    )
    st.session_state["_context"] = context
    return context


# Pages whose first render reads no customer value: the model is not fitted (or restored, with
# the data's fingerprint check) before they run (a second or more on a first run at a million
# customers, 8 s and 0.8 GB at ten million). The allocator reads customer values only in its
# "projects made from data" panel, once opened, the results page in its churn comparison:
# ``Context.customer_values`` draws the note then. The action list shows none.
MODEL_FREE_PAGES = frozenset({"calculator", "import_data", "users", "allocator", "results", "actions"})


def note_fit_problem(context: Context, page: str) -> None:
    """Before the page (url path ``page``) runs: the sidebar's note when the predictive model
    could not be fitted (:meth:`Context.note_fit_problem`), unless the page is in
    MODEL_FREE_PAGES (the check used to run in the sidebar on every page's first run)."""
    if page not in MODEL_FREE_PAGES:
        context.note_fit_problem()


def reader_database(
    db: Database, viewer: access.Viewer, store_ids: tuple[str, ...] | None
) -> Database | ScopedDatabase:
    """The database as this viewer may read it: every query of a store manager is cut to their
    stores (clv_engine/scope.py); an empty scope reads no customer at all."""
    if store_ids == ():
        return scoped(db, ())
    return scoped(db, viewer.stores)


def page_context() -> Context:
    """The context drawn by app.py in this run."""
    return st.session_state["_context"]
