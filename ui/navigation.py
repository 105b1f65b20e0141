"""The page list of app.py, built once per process and language, copied for every run.

Every run of app.py used to build fifteen ``st.Page`` objects: each resolves its file's path
(realpath: one ``lstat`` per folder) and checks it is a file, and app.py checked each page's
file exists again: about a hundred system calls per run. Each releases the GIL, and with fifty
sessions sharing one process a thread that gives the GIL away waits for it to come back
(issue 14, fifty sessions: ``stat`` was among the server's hottest calls). The pages' files do
not change while a server runs (deploy/cluster.py serves without a file watcher; restart to
serve new code), so the list is built once per (language, may-manage-users) and every run gets
shallow copies: ``st.navigation`` marks the page it hands back as callable, and a copy keeps
that mark to one run of one session.
"""

from __future__ import annotations

import copy
import functools
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

import streamlit as st

from wording import t

_lock = threading.Lock()
_built: dict[tuple, dict[str, list]] = {}
_exists: dict[Path, bool] = {}


def page_exists(path: Path) -> bool:
    """Whether ``path`` exists, looked up once per process."""
    found = _exists.get(path)
    if found is None:
        found = _exists[path] = path.exists()
    return found


def build(
    root: Path,
    pages: Sequence[tuple[str, str, str, str]],
    lang: str,
    hidden: frozenset[str],
) -> dict[str, list]:
    """The sections for ``st.navigation`` in ``lang``: (file, title key, icon, section key) per
    page, minus the files in ``hidden``. A page whose file is not there yet says "coming"
    (a function of the language only: a kept page holds no run's namespace)."""
    sections: dict[str, list] = {}
    coming = functools.partial(_coming, lang)
    for file, title_key, icon, section_key in pages:
        if file in hidden:
            continue
        title = t(title_key, lang)
        url = Path(file).stem
        default = url == "overview"
        there = page_exists(root / file)
        if there:
            # Streamlit serves the default page at "/" only: a link to /overview found no page
            # ("Page not found", in English). A hidden twin of the same file answers there.
            page = st.Page(file, title=title, icon=icon, url_path="home" if default else url, default=default)
        else:
            page = st.Page(coming, title=title, icon=icon, url_path=url)
        sections.setdefault(t(section_key, lang), []).append(page)
        if default and there:
            sections[t(section_key, lang)].append(
                st.Page(file, title=title, icon=icon, url_path=url, visibility="hidden")
            )
    return sections


def _coming(lang: str) -> None:
    st.info(t("coming", lang))


def sections(key: tuple, make: Callable[[], dict[str, list]]) -> dict[str, list]:
    """``make()`` once per ``key`` in this process; each call gets fresh copies of its pages."""
    with _lock:
        built = _built.get(key)
    if built is None:
        built = make()
        with _lock:
            built = _built.setdefault(key, built)
    return {section: [copy.copy(page) for page in pages] for section, pages in built.items()}


def forget() -> None:
    """Build the page lists again on the next run (tests that add or remove a page file)."""
    with _lock:
        _built.clear()
        _exists.clear()
