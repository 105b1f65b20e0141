"""What replacing the data would change: customers, orders and the order date range before and
after, so a director confirms a replacement knowing what it does.

The "after" figures come from running the very same import into a scratch file (then thrown
away), not from an estimate: they are exactly what the import would write.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from clv_engine.db import Database
from clv_engine.imports.model import ImportOptions, Source
from clv_engine.imports.run import run_import
from clv_engine.imports.summary import DataSummary, summarize, summary


def preview_replacement(
    sources: Sequence[Source], db: Database, options: ImportOptions
) -> tuple[DataSummary, DataSummary]:
    """(now, after) for replacing the data of ``db`` with the clean rows of ``sources``.

    Raises what ``run_import`` raises (ImportRejected when a file cannot be used).
    """
    scratch = Path(tempfile.mkdtemp(prefix="clv_replace_preview_"))
    try:
        path = scratch / "after.duckdb"
        run_import(sources, path, replace(options, mode="replace"), accept_clean_rows=True)
        after, _ = summarize(path)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return summary(db), after
