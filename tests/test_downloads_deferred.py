"""Downloads are built when asked for: a rerun builds no file and logs nothing; the click
(the deferred callable) builds the same bytes the table gives, and logs a customer list then."""

from __future__ import annotations

import io

import pandas as pd
from streamlit.testing.v1 import AppTest

from clv_engine.export import to_csv_bytes
from tests.download_capture import capture_downloads

BUILT: list[str] = []  # each call of the table's builder (the app below runs in this process)
LOGGED: list[tuple] = []  # each audit entry written


def table() -> pd.DataFrame:
    return pd.DataFrame({"customer_id": ["C1", "C2", "=C3"], "clv": [1200.5, 80.0, 3.0]})


def _app() -> None:
    from types import SimpleNamespace

    from tests.test_downloads_deferred import BUILT, table
    from ui.downloads import table_downloads
    from wording import t

    def build():
        BUILT.append("built")
        return table()

    viewer = SimpleNamespace(login="li@dealer.cn", can_export_customers=True)
    ctx = SimpleNamespace(
        lang="en", t=lambda key, **v: t(key, "en", **v), db=None, viewer=viewer, store_ids=["S02"]
    )
    table_downloads(ctx, build, "list", "dl", audit="test_list")
    table_downloads(ctx, table(), "plain", "plain")


def test_a_rerun_builds_no_file_and_logs_nothing_a_click_builds_and_logs(monkeypatch):
    import ui.access

    BUILT.clear()
    LOGGED.clear()
    monkeypatch.setattr(
        ui.access.access,
        "audit",
        lambda db, actor, action, details=None: LOGGED.append((actor, action, details)),
    )
    files = capture_downloads(monkeypatch)
    at = AppTest.from_function(_app).run()
    at.run()  # a rerun without a click
    assert not at.exception
    assert {b.proto.id.split("-")[-1] for b in at.get("download_button")} == {
        "dl_csv",
        "dl_xlsx",
        "plain_csv",
        "plain_xlsx",
    }
    # Nothing built, nothing logged: every file is deferred to its click.
    assert files.deferred == {"list.csv", "list.xlsx", "plain.csv", "plain.xlsx"}
    assert BUILT == [] and LOGGED == []

    # The click: the same bytes as the table written directly, and one audit entry each.
    assert files["list.csv"] == to_csv_bytes(table())
    assert BUILT == ["built"]
    assert LOGGED == [
        ("li@dealer.cn", "export_customers", {"list": "test_list", "rows": 3, "stores": ["S02"]})
    ]
    assert pd.read_excel(io.BytesIO(files["list.xlsx"]))["clv"].tolist() == [1200.5, 80.0, 3.0]
    assert BUILT == ["built", "built"] and len(LOGGED) == 2
    assert files["plain.csv"] == to_csv_bytes(table())
    assert len(LOGGED) == 2  # a table that is not a customer list is not logged
    listed = pd.read_excel(io.BytesIO(files["plain.xlsx"]))
    assert listed["customer_id"].tolist()[:2] == ["C1", "C2"] and listed["clv"].tolist() == [
        1200.5,
        80.0,
        3.0,
    ]
