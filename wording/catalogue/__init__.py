"""One catalogue of user-facing strings, English and Chinese.

Each module in this package defines ``STRINGS = {key: (english, chinese)}``;
the modules are merged at import time, so each feature owns its own strings file
and no two features edit the same one. A key defined twice is an error.
"""

from __future__ import annotations

import importlib
import pkgutil

LANGUAGES = ("en", "zh")

CATALOGUE: dict[str, tuple[str, str]] = {}


def _load() -> None:
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        for key, pair in getattr(module, "STRINGS", {}).items():
            if key in CATALOGUE:
                raise KeyError(f"i18n key {key!r} defined twice (again in {info.name})")
            if not (isinstance(pair, tuple) and len(pair) == 2):
                raise ValueError(f"i18n key {key!r} in {info.name} needs (english, chinese)")
            CATALOGUE[key] = pair


def t(key: str, lang: str = "en", **values: object) -> str:
    """The string for ``key`` in ``lang``, with ``{placeholders}`` filled from ``values``."""
    english, chinese = CATALOGUE[key]
    text = chinese if lang == "zh" else english
    return text.format(**values) if values else text


_load()
