"""Router and frame: the sidebar (language, as-of date, store scope) and the page list.

Run with:  streamlit run app.py
"""

from pathlib import Path

import streamlit as st

from ui import housekeeping, navigation, serving
from ui.context import draw_sidebar, note_fit_problem, presentation_from_link
from ui.safe import run_page
from ui.widgets import present_style

HERE = Path(__file__).parent

# (file, title key, icon, section key). A page whose file is not there yet shows "coming".
PAGES = [
    ("app_pages/overview.py", "page.overview", ":material/dashboard:", "nav.who"),
    ("app_pages/segmentation.py", "page.segmentation", ":material/donut_small:", "nav.who"),
    ("app_pages/churn.py", "page.churn", ":material/notification_important:", "nav.who"),
    ("app_pages/lookup.py", "page.lookup", ":material/person_search:", "nav.who"),
    ("app_pages/kpi.py", "page.kpi", ":material/leaderboard:", "nav.who"),
    ("app_pages/model.py", "page.model", ":material/insights:", "nav.who"),
    ("app_pages/calculator.py", "page.calculator", ":material/function:", "nav.who"),
    ("app_pages/actions.py", "page.actions", ":material/task_alt:", "nav.who"),
    ("app_pages/allocator.py", "page.allocator", ":material/account_balance_wallet:", "nav.budget"),
    ("app_pages/evaluator.py", "page.evaluator", ":material/calculate:", "nav.budget"),
    ("app_pages/channels.py", "page.channels", ":material/campaign:", "nav.budget"),
    ("app_pages/results.py", "page.results", ":material/fact_check:", "nav.budget"),
    ("app_pages/import_data.py", "page.import", ":material/upload_file:", "nav.data"),
    ("app_pages/users.py", "page.users", ":material/manage_accounts:", "nav.data"),
]
# Pages listed only for a viewer with the right (the page checks again itself).
DIRECTOR_ONLY = {"app_pages/users.py"}

# Once per process: closed sessions shut down and freed memory returned (ui/housekeeping.py).
housekeeping.start()
# Once per process: Streamlit's config reads without its lock (ui/serving.py, fifty sessions).
serving.tune()

# Presentation mode (sidebar toggle or ?present=1): the sidebar starts folded away.
st.set_page_config(
    page_title="CLV",
    page_icon=":material/directions_car:",
    layout="wide",
    initial_sidebar_state="collapsed" if presentation_from_link() else "auto",
)
ctx = draw_sidebar()
present_style()


# Built once per process, language and right (ui/navigation.py), copied for this run.
hidden = frozenset() if ctx.viewer.can_admin_users else frozenset(DIRECTOR_ONLY)
sections = navigation.sections(
    (HERE, ctx.lang, hidden), lambda: navigation.build(HERE, PAGES, ctx.lang, hidden)
)

# A page error: the full trace to the server log with an id, a short message with that id to
# the reader (client.showErrorDetails = "none" in .streamlit/config.toml for the rest).
# expanded: every page listed, not folded behind Streamlit's own "View 4 more" (English only,
# also in a Chinese session).
page = st.navigation(sections, expanded=True)
# The sidebar's note when the predictive model cannot be fitted, for a page that uses it.
note_fit_problem(ctx, page.url_path)
run_page(page.run, lambda error_id: ctx.t("error.with_id", id=error_id))
