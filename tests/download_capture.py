"""Every file a page hands to a download button, built or deferred (built on click)."""

from __future__ import annotations

from collections.abc import Callable

from streamlit.runtime.media_file_manager import MediaFileManager


class Files(dict):
    """{file name: bytes}: a deferred file is built when read, as a click builds it.
    ``deferred``: the names whose bytes were not built when the page drew the button."""

    def __init__(self) -> None:
        super().__init__()
        self.deferred: set[str] = set()

    def __getitem__(self, name: str) -> bytes:
        value = super().__getitem__(name)
        return value() if callable(value) else value


def capture_downloads(monkeypatch) -> Files:
    files = Files()
    add, add_deferred = MediaFileManager.add, MediaFileManager.add_deferred

    def eager(self, data, mimetype, coordinates, file_name=None, is_for_static_download=False):
        if file_name:
            files.pop(file_name, None)  # the latest drawn comes last
            files.deferred.discard(file_name)
            files[file_name] = data
        return add(self, data, mimetype, coordinates, file_name, is_for_static_download)

    def deferred(self, data_callable: Callable, mimetype, coordinates, file_name=None, **kwargs):
        if file_name:
            files.pop(file_name, None)
            files.deferred.add(file_name)
            files[file_name] = data_callable
        return add_deferred(self, data_callable, mimetype, coordinates, file_name, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add", eager)
    monkeypatch.setattr(MediaFileManager, "add_deferred", deferred)
    return files
