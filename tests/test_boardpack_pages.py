"""AppTest: the evaluator and the allocator offer their board pack, in both languages."""

from __future__ import annotations

import pytest

from tests.helpers import run_app
from wording import t


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize(
    ("page", "prefix"), [("app_pages/evaluator.py", "ev"), ("app_pages/allocator.py", "al")]
)
def test_board_pack_downloads_are_offered(sample_db_path, page, prefix, lang):
    at = run_app(sample_db_path, page, lang=lang)
    buttons = {b.key: b for b in at.get("download_button")}
    for kind in ("pptx", "pdf"):
        assert f"{prefix}_download_{kind}" in buttons
        assert buttons[f"{prefix}_download_{kind}"].label == t(f"boardpack.download_{kind}", lang)
    # Both writers are installed here, so no "not available" sentence is shown.
    unavailable = t("boardpack.unavailable", lang, package="x").split("x")[0]
    assert not [c.value for c in at.caption if c.value.startswith(unavailable)]
