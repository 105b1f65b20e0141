"""One error type for every input problem the engine finds.

The engine never words an error: it raises ``InputError(code, **details)``, and the wording
layer (``wording.errors.explain``) turns the code into the reader's language from the
catalogue entry ``error.<code>``, filling ``{placeholders}`` from the details.

Each module declares the codes it may raise with ``declare``, so a test can check that every
code has an entry in both languages, and raising an undeclared code is a programming error
caught by the first test that reaches it.
"""

from __future__ import annotations

DECLARED: set[str] = set()


def declare(area: str, *names: str) -> dict[str, str]:
    """Declare ``area.name`` codes; returns ``{name: code}`` for use at the raise site."""
    codes = {name: f"{area}.{name}" for name in names}
    DECLARED.update(codes.values())
    return codes


class InputError(ValueError):
    """Input the engine cannot use: ``code`` names the problem, ``details`` its particulars
    (file, row, column, field, value ...). ``str()`` is for logs, never for a reader."""

    def __init__(self, code: str, **details: object) -> None:
        if code not in DECLARED:
            raise KeyError(f"error code {code!r} was never declared")
        self.code = code
        self.details = details
        super().__init__(f"{code} {details}" if details else code)
