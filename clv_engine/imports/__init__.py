"""Importing a dealer's own export into the database, and the kept versions of that file.

Modules, lowest first (a module imports only those above it):

- ``model``: Source, ImportOptions, the report (counts, codes, problem rows) and the errors;
- ``read``: a CSV / Excel / Parquet file into a DuckDB table of text (encodings, delimiters);
- ``fields``: the kinds of file, their fields, and the guess of which header is which field;
- ``check``: parsing and checking every row in SQL (one row of ``imp_problems`` per problem);
- ``across``: checks across rows, files and the stored data; the SELECT of the clean rows;
- ``summary``: customers, orders and the order date range of a database (DataSummary);
- ``swap``: the lock, leftovers of a killed run, the atomic swap, the write errors;
- ``stage``: read, map and check every file into staged tables and the report;
- ``write``: the new database file from the staged tables;
- ``versions``: earlier files kept on every replace, restored on request;
- ``run``: check_import and run_import, the two entry points;
- ``preview``: what a replacement would change (now / after).

No sentence is made here: wording/imports.py words the report, wording.errors.explain the
errors. The command line is cli/imports.py and cli/versions.py.
"""

from clv_engine.imports.model import (
    DEFAULT_MARGIN,
    ImportBusy,
    ImportOptions,
    ImportRejected,
    ImportReport,
    ImportWriteError,
    Source,
)
from clv_engine.imports.read import ImportFileError
from clv_engine.imports.run import check_import, run_import

__all__ = [
    "DEFAULT_MARGIN",
    "ImportBusy",
    "ImportFileError",
    "ImportOptions",
    "ImportRejected",
    "ImportReport",
    "ImportWriteError",
    "Source",
    "check_import",
    "run_import",
]
