"""ui/navigation.py: the page list is built once per key, and every run gets its own pages."""

from pathlib import Path

import streamlit as st

from ui import navigation


def test_built_once_per_key_and_copied_for_each_run(tmp_path: Path):
    navigation.forget()
    made: list[str] = []

    def make(lang: str):
        made.append(lang)
        pages = [
            st.Page(lambda: None, title="A", url_path="a"),
            st.Page(lambda: None, title="B", url_path="b"),
        ]
        for page, tag in zip(pages, "AB"):
            page.tag = tag  # outside a script run a Page keeps no title: tag them
        return {"who": pages}

    first = navigation.sections(("k", "en"), lambda: make("en"))
    second = navigation.sections(("k", "en"), lambda: make("en"))
    other = navigation.sections(("k", "zh"), lambda: make("zh"))
    assert made == ["en", "zh"]
    assert [p.tag for p in first["who"]] == [p.tag for p in second["who"]] == ["A", "B"]
    # st.navigation marks the page it hands back as callable: one run's mark stays in its copy
    first["who"][0]._can_be_called = True
    assert all(a is not b for a, b in zip(first["who"], second["who"]))
    assert not getattr(second["who"][0], "_can_be_called", False)
    assert navigation.sections(("k", "en"), lambda: make("en"))["who"][0] is not first["who"][0]
    assert other["who"][0] is not first["who"][0]
    navigation.forget()


def test_file_looked_up_once(tmp_path: Path):
    navigation.forget()
    page = tmp_path / "p.py"
    assert navigation.page_exists(page) is False
    page.write_text("")
    assert navigation.page_exists(page) is False  # kept: the files do not change under a server
    navigation.forget()
    assert navigation.page_exists(page) is True
    navigation.forget()
