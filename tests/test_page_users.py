"""Login gate, local mode, page gating and the users page (AppTest).

AppTest seeds ``st.user`` from ``at.user`` and ``st.secrets`` from ``at.secrets``: with an
``[auth]`` section the app believes a login is configured, and ``at.user`` plays the identity
provider's claims.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from clv_engine import access
from clv_engine import db as dbmod
from clv_engine.db import Database
from tests.helpers import APP, app_on, file_busy, run_app
from ui.access import LOCAL_ONLY, NO_STORES, NOT_LOGGED_IN, UNKNOWN_USER, derive_viewer
from wording import CATALOGUE, t

AUTH = {
    "auth": {
        "redirect_uri": "http://localhost:8501/oauth2callback",
        "cookie_secret": "x" * 32,
        "client_id": "clv",
        "client_secret": "s",
        "server_metadata_url": "http://127.0.0.1:1/.well-known/openid-configuration",
    }
}


def texts(at: AppTest) -> str:
    parts = [e.value for e in (*at.markdown, *at.caption, *at.error, *at.info, *at.title)]
    parts += [e.value for e in at.sidebar.caption]
    return "\n".join(str(p) for p in parts)


def app_with_login(db_path: Path, user: dict, lang: str = "en", page: str | None = None) -> AppTest:
    at = app_on(db_path)
    at.secrets.update(AUTH)
    at.user = user
    at.session_state["lang"] = lang
    at.run()
    if page is not None:
        at.switch_page(page).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


@pytest.fixture()
def users_db(writable_db_path: Path) -> Path:
    db = Database(writable_db_path)
    access.save_user(db, "boss@dealer.cn", "Wang Fang", "director")
    access.save_user(db, "li@dealer.cn", "Li Lei", "store_manager", ["S02"])
    access.save_user(db, "ana@dealer.cn", "Ana", "analyst")
    db.close()
    return writable_db_path


# -- the viewer of a run ------------------------------------------------------------------
def test_viewer_derivation(users_db):
    db = Database(users_db)
    assert derive_viewer(db, False, {}) == access.local_viewer()
    assert derive_viewer(db, False, {}, "127.0.0.1") == access.local_viewer()
    # Local mode (every right) refuses a visitor from another computer.
    assert derive_viewer(db, False, {}, "192.0.2.7") == LOCAL_ONLY
    assert derive_viewer(db, False, {}, "::ffff:127.0.0.1") == access.local_viewer()
    assert derive_viewer(db, False, {}, "::1") == access.local_viewer()
    assert derive_viewer(db, False, {}, "fe80::1") == LOCAL_ONLY
    assert (
        derive_viewer(db, True, {"is_logged_in": True, "email": "boss@dealer.cn"}, "192.0.2.7").role
        == "director"
    )
    assert derive_viewer(db, True, {}) == NOT_LOGGED_IN
    assert derive_viewer(db, True, {"is_logged_in": False, "email": "boss@dealer.cn"}) == NOT_LOGGED_IN
    assert derive_viewer(db, True, {"is_logged_in": True, "email": "x@dealer.cn"}) == UNKNOWN_USER
    boss = derive_viewer(db, True, {"is_logged_in": True, "email": "Boss@Dealer.cn"})
    assert boss.role == "director" and boss.stores is None and not boss.local
    li = derive_viewer(db, True, {"is_logged_in": True, "email": "li@dealer.cn"})
    assert li.role == "store_manager" and li.stores == ("S02",)
    # A manager whose only store vanished (an import of other stores' data) sees nothing.
    with db.write_transaction() as con:
        con.execute("UPDATE users SET stores = [] WHERE login = 'li@dealer.cn'")
    assert derive_viewer(db, True, {"is_logged_in": True, "email": "li@dealer.cn"}) == NO_STORES
    db.close()


# -- local mode -----------------------------------------------------------------------------
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_local_mode_says_so_and_lists_the_users_page(sample_db_path, lang):
    at = run_app(sample_db_path, lang=lang)
    assert t("access.local_mode", lang) in texts(at)
    assert "access_logout" not in [b.key for b in at.button]
    at.switch_page("app_pages/users.py").run()
    assert not at.exception
    assert t("users.local_note", lang) in texts(at)


def test_local_mode_binds_to_localhost():
    import tomllib

    config = tomllib.loads((Path(APP).parent / ".streamlit" / "config.toml").read_text())
    assert config["server"]["address"] == "localhost"


# -- with a login configured ----------------------------------------------------------------
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_visitor_who_is_not_logged_in_sees_only_a_login_button(users_db, lang):
    at = app_with_login(users_db, {"is_logged_in": False}, lang)
    assert [b.label for b in at.button] == [t("access.login.button", lang)]
    assert not at.dataframe and not at.metric  # no page ran
    assert t("access.login.text", lang) in texts(at)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_stranger_is_refused_clearly(users_db, lang):
    at = app_with_login(users_db, {"is_logged_in": True, "email": "x_y@other.cn"}, lang)
    assert len(at.error) == 1
    # The login is shown escaped (no markup), and the message is the catalogue's.
    assert at.error[0].value == t("access.unknown_user", lang, login=r"x\_y@other\.cn")
    assert [b.label for b in at.button] == [t("access.logout", lang)]
    assert not at.metric


def test_a_director_sees_who_is_logged_in_and_the_users_page(users_db):
    at = app_with_login(users_db, {"is_logged_in": True, "email": "boss@dealer.cn"})
    assert "Logged in: Wang Fang · director" in texts(at)
    assert at.sidebar.button(key="access_logout").label == "Log out"
    at.switch_page("app_pages/users.py").run()
    assert not at.exception and not at.error
    logins = list(at.dataframe[0].value.iloc[:, 0])
    assert logins == ["ana@dealer.cn", "boss@dealer.cn", "li@dealer.cn"]
    at.switch_page("app_pages/import_data.py").run()
    assert not at.exception and not at.error
    assert at.get("file_uploader")  # the import page is open to a director


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_store_manager_is_refused_import_and_users_and_picks_only_their_store(users_db, lang):
    at = app_with_login(users_db, {"is_logged_in": True, "email": "li@dealer.cn"}, lang)
    # Of the sample's 8 stores the scope offers only S02 (labels are "name · region").
    stores = Database(users_db).query_df("SELECT name, region FROM stores WHERE store_id = 'S02'")
    assert at.sidebar.multiselect(key="stores").options == [f"{stores.name[0]} · {stores.region[0]}"]
    role = t("access.role.store_manager", lang)
    assert t("access.your_stores", lang, stores="S02") in texts(at)
    at.switch_page("app_pages/import_data.py").run()
    assert [e.value for e in at.error] == [t("access.import.refused", lang, role=role)]
    assert not at.get("file_uploader")
    # The users page is not in their navigation at all.
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("app_pages/users.py")


def test_an_analyst_is_refused_import(users_db):
    at = app_with_login(
        users_db, {"is_logged_in": True, "email": "ana@dealer.cn"}, page="app_pages/import_data.py"
    )
    assert [e.value for e in at.error] == [t("access.import.refused", "en", role="analyst")]


def test_a_store_managers_pages_read_only_their_store(users_db):
    at = app_with_login(users_db, {"is_logged_in": True, "email": "li@dealer.cn"})
    context = at.session_state["_context"]
    assert context.store_ids == ("S02",)
    values = context.customer_values()
    assert set(values["home_store_id"]) == {"S02"}


# -- the users page -------------------------------------------------------------------------
def test_a_director_adds_a_store_manager_and_the_change_is_audited(users_db):
    at = app_with_login(
        users_db, {"is_logged_in": True, "email": "boss@dealer.cn"}, page="app_pages/users.py"
    )
    at.text_input(key="users_login").set_value("Zhao@Dealer.cn")
    at.text_input(key="users_name").set_value("Zhao Min")
    at.selectbox(key="users_role.en").set_value("store_manager")
    at.run()
    at.multiselect(key="users_stores").set_value(["S05"])
    at.button(key="users_save").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert [s.value for s in at.success] == ["Saved zhao@dealer.cn."]
    db = Database(users_db)
    zhao = access.find_viewer(db, "zhao@dealer.cn")
    assert zhao.role == "store_manager" and zhao.stores == ("S05",)
    entry = access.audit_log(db, action="user_change").iloc[0]
    assert entry["actor"] == "boss@dealer.cn" and '"zhao@dealer.cn"' in entry["details"]
    db.close()
    # The audit log on the page shows it.
    audit = at.dataframe[-1].value
    assert "boss@dealer.cn" in list(audit.iloc[:, 1])


def test_a_store_manager_without_stores_is_not_saved_and_says_why_in_chinese(users_db):
    at = app_with_login(
        users_db, {"is_logged_in": True, "email": "boss@dealer.cn"}, lang="zh", page="app_pages/users.py"
    )
    at.text_input(key="users_login").set_value("zhao@dealer.cn")
    at.selectbox(key="users_role.zh").set_value("store_manager")
    at.run()
    at.button(key="users_save").click().run()
    assert [e.value for e in at.error] == ["未保存：门店经理至少需要一个门店"]
    assert access.find_viewer(Database(users_db), "zhao@dealer.cn") is None


def test_a_save_while_another_process_holds_the_file_says_so_and_saves_nothing(users_db, monkeypatch):
    at = app_with_login(
        users_db, {"is_logged_in": True, "email": "boss@dealer.cn"}, page="app_pages/users.py"
    )
    at.text_input(key="users_login").set_value("zhao@dealer.cn")
    at.text_input(key="users_name").set_value("Zhao Min")
    at.run()
    monkeypatch.setattr(dbmod, "WRITE_TIMEOUT", 0.5)
    with file_busy(users_db):
        at.button(key="users_save").click().run()
    assert not at.exception, [e.message for e in at.exception]
    expected = "Not saved: " + t(
        "error.database.busy", "en", file=users_db.name, seconds=round(dbmod.WRITE_TIMEOUT)
    )
    assert [e.value for e in at.error] == [expected]
    assert access.find_viewer(Database(users_db), "zhao@dealer.cn") is None


def test_every_user_error_code_has_both_languages():
    import re

    source = (Path(access.__file__)).read_text()
    codes = set(re.findall(r'AccessError\(\s*"(\w+)"', source))
    assert codes and all(f"error.access.{c}" in CATALOGUE for c in codes)
    assert {f"access.{c}" for c in codes} == set(access.CODES.values())
