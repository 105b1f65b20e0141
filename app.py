"""Router and frame: the sidebar (language, as-of date, store scope) and the page list.

Run with:  streamlit run app.py
"""

from pathlib import Path

import streamlit as st

from ui import housekeeping
from ui.context import draw_sidebar, presentation_from_link
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

# Presentation mode (sidebar toggle or ?present=1): the sidebar starts folded away.
st.set_page_config(
    page_title="CLV",
    page_icon=":material/directions_car:",
    layout="wide",
    initial_sidebar_state="collapsed" if presentation_from_link() else "auto",
)
ctx = draw_sidebar()
present_style()


def _coming() -> None:
    st.info(ctx.t("coming"))


sections: dict[str, list] = {}
for file, title_key, icon, section_key in PAGES:
    if file in DIRECTOR_ONLY and not ctx.viewer.can_admin_users:
        continue
    title = ctx.t(title_key)
    url = Path(file).stem
    default = url == "overview"
    if (HERE / file).exists():
        # Streamlit serves the default page at "/" only: a link to /overview found no page
        # ("Page not found", in English). A hidden twin of the same file answers there.
        page = st.Page(file, title=title, icon=icon, url_path="home" if default else url, default=default)
    else:
        page = st.Page(_coming, title=title, icon=icon, url_path=url)
    sections.setdefault(ctx.t(section_key), []).append(page)
    if default and (HERE / file).exists():
        sections[ctx.t(section_key)].append(
            st.Page(file, title=title, icon=icon, url_path=url, visibility="hidden")
        )

# A page error: the full trace to the server log with an id, a short message with that id to
# the reader (client.showErrorDetails = "none" in .streamlit/config.toml for the rest).
run_page(st.navigation(sections).run, lambda error_id: ctx.t("error.with_id", id=error_id))
