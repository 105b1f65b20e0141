"""A real browser: the overview's figures, a language switch, a deep link; screenshots."""

from tests.browser.util import screenshot, wait_ready


def test_overview_and_language_switch(page, app_url):
    page.goto(app_url)
    wait_ready(page)
    assert page.get_by_text("Overview: what our customers are worth").is_visible()
    metric = page.locator("[data-testid='stMetric']").filter(has_text="DCF CLV")
    assert "¥18,702" in metric.inner_text()
    screenshot(page, "overview_en")
    page.get_by_test_id("stSidebar").get_by_text("中文", exact=True).click()
    wait_ready(page)
    page.get_by_text("总览：我们的客户价值几何").wait_for(timeout=30_000)
    screenshot(page, "overview_zh")


def test_deep_link_keeps_the_frame(page, app_url):
    page.goto(app_url + "/overview")
    wait_ready(page)
    assert (
        page.get_by_test_id("stSidebar").get_by_text("中文", exact=True).is_visible()
    )  # the sidebar frame is there
    assert page.get_by_text("Overview: what our customers are worth").is_visible()


def test_a_dcf_slider_reruns_only_its_fragment(page, app_url):
    """The browser asks the server to rerun only the DCF explorer (a rerun message naming its
    fragment), and the explorer's figure follows the slider: 40% → 50% margin scales the SPEC's
    ¥18,702 by 5/4. Without the fragment the rerun names none and the test fails."""
    from playwright.sync_api import expect
    from streamlit.proto.BackMsg_pb2 import BackMsg

    from wording import t

    sent: list[bytes] = []
    page.on("websocket", lambda ws: ws.on("framesent", lambda payload: sent.append(payload)))
    page.goto(app_url)
    wait_ready(page)
    metric = page.locator("[data-testid='stMetric']").filter(has_text="DCF CLV")
    before = metric.inner_text()
    slider = page.get_by_test_id("stSlider").filter(has_text=t("ov.dcf.margin", "en")).get_by_role("slider")
    slider.scroll_into_view_if_needed()
    sent.clear()
    slider.focus()
    for _ in range(10):  # steps of 0.01
        page.keyboard.press("ArrowRight")
    expect(metric).not_to_have_text(before, timeout=20_000)
    wait_ready(page)
    expect(metric).to_contain_text("¥23,37", timeout=20_000)  # 18,702 × 5/4 = 23,377.5 (±rounding)
    messages = [BackMsg.FromString(p) for p in sent if isinstance(p, bytes)]
    reruns = [m.rerun_script for m in messages if m.WhichOneof("type") == "rerun_script"]
    assert reruns, "the slider sent no rerun"
    assert all(r.fragment_id for r in reruns), "a slider in the explorer reran the whole page"
