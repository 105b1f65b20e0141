"""The shared page components of ui/, each drawn by a tiny app (AppTest.from_function):
the translated choice, the metric row, the money axis and the download buttons."""

from __future__ import annotations

import io
import json

import openpyxl
import pandas as pd
import plotly.graph_objects as go
from streamlit.testing.v1 import AppTest

from ui.charts import money_axis, money_ticks, nice_step
from wording import t

# -- translated choice ------------------------------------------------------------------------------


def _fruit_app(fn: str) -> None:
    import streamlit as st

    from ui.widgets import translated_choice

    lang = st.session_state.get("lang", "en")
    names = {
        "en": {"a": "Apple", "b": "Banana", "c": "Cherry"},
        "zh": {"a": "苹果", "b": "香蕉", "c": "樱桃"},
    }
    chosen = translated_choice(
        fn, "Fruit", ["a", "b", "c"], key="fruit", lang=lang, format_func=names[lang].get
    )
    st.text(f"chosen={chosen}")


def test_a_translated_choice_keeps_its_value_across_a_language_switch():
    at = AppTest.from_function(_fruit_app, args=("selectbox",)).run()
    assert at.text[0].value == "chosen=a"  # the first option until the reader picks
    at.selectbox(key="fruit.en").set_value("b").run()
    assert at.text[0].value == "chosen=b"
    assert at.session_state["fruit"] == "b"

    at.session_state["lang"] = "zh"
    at.run()
    assert not at.exception
    box = at.selectbox(key="fruit.zh")
    assert box.options == ["苹果", "香蕉", "樱桃"]  # labels in the new language
    assert box.value == "b"  # the same fruit
    assert at.text[0].value == "chosen=b"

    box.set_value("c").run()
    at.session_state["lang"] = "en"
    at.run()
    assert at.selectbox(key="fruit.en").value == "c"
    assert at.text[0].value == "chosen=c"


def test_a_translated_radio_works_the_same_way():
    at = AppTest.from_function(_fruit_app, args=("radio",)).run()
    at.radio(key="fruit.en").set_value("c").run()
    at.session_state["lang"] = "zh"
    at.run()
    assert at.radio(key="fruit.zh").value == "c"
    assert at.radio(key="fruit.zh").options == ["苹果", "香蕉", "樱桃"]


def test_a_value_no_longer_offered_falls_back_to_the_first_option():
    at = AppTest.from_function(_fruit_app, args=("selectbox",))
    at.session_state["fruit"] = "z"  # e.g. a store that left the reader's scope
    at.run()
    assert at.text[0].value == "chosen=a"


def _linked_app() -> None:
    import streamlit as st

    from ui.widgets import translated_choice

    lang = st.session_state.get("lang", "en")
    names = {"en": {"a": "Apple", "b": "Banana"}, "zh": {"a": "苹果", "b": "香蕉"}}
    chosen = translated_choice(
        "selectbox", "Fruit", ["a", "b"], key="fruit", lang=lang, format_func=names[lang].get, link=True
    )
    st.text(f"chosen={chosen}")


def test_a_linked_choice_opens_from_the_link_and_writes_its_id_there():
    at = AppTest.from_function(_linked_app)
    at.query_params["fruit"] = "b"  # a link sent from an English screen
    at.session_state["lang"] = "zh"
    at.run()
    assert at.text[0].value == "chosen=b"
    assert at.selectbox(key="fruit.zh").value == "b"
    at.selectbox(key="fruit.zh").set_value("a").run()
    assert "fruit" not in at.query_params  # the default stays out of the link
    at.selectbox(key="fruit.zh").set_value("b").run()
    assert str(at.query_params["fruit"]).strip("[]'") == "b"  # the id, not 香蕉


def test_a_link_with_an_unknown_choice_opens_the_default():
    at = AppTest.from_function(_linked_app)
    at.query_params["fruit"] = "Banana"  # a label, not an id
    at.run()
    assert at.text[0].value == "chosen=a"


# -- metric row -----------------------------------------------------------------------------------


def _metrics_app(count: int, value: str) -> None:
    from ui.widgets import Headline, metric_row

    metric_row([Headline(f"L{k}", value, help=f"h{k}", delta=f"+{k}") for k in range(count)])


def test_a_metric_row_shows_every_figure_whole_in_balanced_rows():
    # Short figures: a card is its minimum 150 px + 36 px padding = 186 px. At 1280 px with the
    # sidebar open the page is 1280 - 160 - 300 = 820 px: (820 + 16) // (186 + 16) = 4 fit a row.
    # Five figures need two rows, balanced as 3 + 2 (not 4 + 1).
    at = AppTest.from_function(_metrics_app, args=(5, "1")).run()
    assert not at.exception
    assert [(m.label, m.value, m.help) for m in at.metric] == [(f"L{k}", "1", f"h{k}") for k in range(5)]
    assert len(at.columns) == 6  # two rows of three columns, the last one empty
    assert [len(c.get("metric")) for c in at.columns] == [1, 1, 1, 1, 1, 0]


def test_long_values_get_fewer_cards_per_row():
    # "¥1,234,567,890.00" at 36 px: ¥ 0.9 em + 12 digits × 0.53 em + 4 marks (,.) × 0.32 em
    # = 8.54 em = 307 px, a card of 307 + 36 = 343 px: (820 + 16) // (343 + 16) = 2 a row.
    at = AppTest.from_function(_metrics_app, args=(4, "¥1,234,567,890.00")).run()
    assert [m.value for m in at.metric] == ["¥1,234,567,890.00"] * 4
    assert [c.weight for c in at.columns] == [0.5, 0.5, 0.5, 0.5]  # two rows of two
    assert [len(c.get("metric")) for c in at.columns] == [1, 1, 1, 1]


def test_an_empty_metric_row_draws_nothing():
    at = AppTest.from_function(_metrics_app, args=(0, "1")).run()
    assert not at.exception
    assert len(at.metric) == 0 and len(at.columns) == 0


# -- money axis -----------------------------------------------------------------------------------


def test_nice_steps_are_one_two_five_times_a_power_of_ten():
    assert nice_step(1_000_000, 5) == 200_000  # 1M / 5 = 200k exactly
    assert nice_step(1_250_000, 5) == 500_000  # 250k a part: 200k is too small, 500k the next
    assert nice_step(90, 5) == 20  # 18 a part -> 20
    assert nice_step(0.5, 5) == 1  # never below one yuan


def test_money_ticks_start_at_or_below_zero_and_pass_the_top():
    assert money_ticks(1_000_000) == [0, 200_000, 400_000, 600_000, 800_000, 1_000_000]
    assert money_ticks(1_000_000, -250_000) == [-500_000, 0, 500_000, 1_000_000]
    assert money_ticks(1_000_000, 300_000) == money_ticks(1_000_000)  # the axis keeps its zero


def test_money_axis_labels_ticks_in_the_readers_money():
    fig = go.Figure(go.Bar(x=[1, 2], y=[400_000, 1_000_000]))
    money_axis(fig, "y", 1_000_000)
    assert list(fig.layout.yaxis.tickvals) == [0, 200_000, 400_000, 600_000, 800_000, 1_000_000]
    assert list(fig.layout.yaxis.ticktext) == ["¥0", "¥200,000", "¥400,000", "¥600,000", "¥800,000", "¥1.00M"]
    money_axis(fig, "x", 1_000_000, lang="zh")
    assert list(fig.layout.xaxis.ticktext) == ["¥0", "¥20万", "¥40万", "¥60万", "¥80万", "¥100万"]
    money_axis(fig, "x", 400_000, currency="EUR")
    assert list(fig.layout.xaxis.ticktext)[-1] == "€400,000"


def _chart_app() -> None:
    import plotly.graph_objects as go
    import streamlit as st

    from ui.charts import money_axis

    fig = go.Figure(go.Bar(x=[1, 2], y=[-100_000, 900_000]))
    money_axis(fig, "y", 900_000, -100_000, lang="zh")
    st.plotly_chart(fig, key="chart")


def test_a_chart_with_a_money_axis_reaches_the_page_with_its_ticks():
    at = AppTest.from_function(_chart_app).run()
    assert not at.exception
    (chart,) = at.get("plotly_chart")
    layout = json.loads(chart.proto.spec)["layout"]["yaxis"]
    # 1,000,000 over 5 parts: 200,000 a step, from -200,000 to 1,000,000.
    assert layout["tickvals"] == [-200_000, 0, 200_000, 400_000, 600_000, 800_000, 1_000_000]
    assert layout["ticktext"][2:] == ["¥20万", "¥40万", "¥60万", "¥80万", "¥100万"]
    assert layout["ticktext"][1] == "¥0"


# -- download buttons -----------------------------------------------------------------------------


def _downloads_app(lang: str) -> None:
    from types import SimpleNamespace

    import pandas as pd

    from ui.downloads import table_downloads
    from wording import t

    ctx = SimpleNamespace(lang=lang, t=lambda key, **v: t(key, lang, **v))
    frame = pd.DataFrame({"门店": ["上海", "=HYPERLINK(1)"], "CLV": [1234.5, 20.0]})
    table_downloads(ctx, frame, "stores", "dl", "Stores: [top]/all")


def test_download_buttons_offer_the_table_as_csv_and_excel(monkeypatch):
    from tests.download_capture import capture_downloads

    seen = capture_downloads(monkeypatch)  # built when read, as a click builds them
    at = AppTest.from_function(_downloads_app, args=("en",)).run()
    assert not at.exception
    buttons = at.get("download_button")
    assert [b.proto.id.split("-")[-1] for b in buttons] == ["dl_csv", "dl_xlsx"]
    assert [b.proto.label for b in buttons] == [t("table.download.csv", "en"), t("table.download.xlsx", "en")]
    assert set(seen) == {"stores.csv", "stores.xlsx"}

    text = seen["stores.csv"].decode("utf-8-sig")
    back = pd.read_csv(io.StringIO(text), dtype=str)
    assert list(back.columns) == ["门店", "CLV"]
    assert back["门店"].tolist()[0] == "上海"
    assert not back["门店"].tolist()[1].startswith("=")  # a formula is neutralised

    book = openpyxl.load_workbook(io.BytesIO(seen["stores.xlsx"]))
    sheet = book.worksheets[0]
    assert sheet.title == "Stores   top  all"  # []:*?/\ are not allowed in a sheet name
    assert [c.value for c in sheet[2]][1] == 1234.5  # numbers stay numbers


def _workbook_app() -> None:
    from types import SimpleNamespace

    import pandas as pd

    from ui.downloads import table_downloads
    from wording import t

    ctx = SimpleNamespace(lang="zh", t=lambda key, **v: t(key, "zh", **v))
    frame = pd.DataFrame({"a": [1, 2]})
    table_downloads(
        ctx, frame, "pair", "wb", sheets={"one": frame, "two": frame * 10}, labels=("drill.csv", "drill.xlsx")
    )


def test_download_buttons_can_carry_a_workbook_and_their_own_labels(monkeypatch):
    from tests.download_capture import capture_downloads

    seen = capture_downloads(monkeypatch)  # built when read, as a click builds them
    at = AppTest.from_function(_workbook_app).run()
    assert not at.exception
    assert [b.proto.label for b in at.get("download_button")] == [t("drill.csv", "zh"), t("drill.xlsx", "zh")]
    book = openpyxl.load_workbook(io.BytesIO(seen["pair.xlsx"]))
    assert book.sheetnames == ["one", "two"]
    assert [c.value for c in book["two"]["A"]] == ["a", 10, 20]
