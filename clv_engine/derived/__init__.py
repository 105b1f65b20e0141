"""Per-customer tables built once per data version and kept in the database file (issue 14).

For the data's end date (the latest order, the sidebar's default as-of date) AND the dates the
CLV bridge compares it with (a year and a quarter earlier, ``bridge.comparison_date``), the
file holds, one row per customer and date (column ``as_of``):

- ``derived_values``: ``clv.CUSTOMER_VALUES_SQL`` at that date (before the CLV step, which
  depends on the sidebar's parameters), and the predictive columns (``store.PREDICTED``:
  p_alive, expected_visits, predictive_clv) for the sidebar's default horizon and discount
  rate (NULL for a customer without a visit, or everywhere when the fit failed);
- ``derived_rfm``: ``predictive.RFM_SQL`` at that date, in weeks;
- ``derived_model``: per date, the BG/NBD + Gamma-Gamma fit on it as JSON (or its failure);
- ``derived_meta``: key/value rows: the dates, a fingerprint of the data the tables were
  built from, the format version, when they were built, the retention and return counts the
  historical CLV measures at each date, and the parameters of the kept predictions.

Every per-customer table has ``cust_key`` (INTEGER, the customer's row number in
``customer_id`` order), so later joins can be on integers. A reader of a table filters on
``as_of`` (the rows of several dates are kept side by side).

Aggregates kept beside them (no customer row): ``kpi`` (the KPI scorecard's store figures) and
``lists`` (the issued call lists' returns per level and group, so the results page makes no
pass over the orders). The fingerprints their checks compare (a pass over every order) are
worked out once per file version and written beside the file (``<file>.derived-check.json``,
keyed by the file's inode, modification time and size: ``store.remembered``), so a new
process does not pass over fifty million orders again; the build leaves them there itself
(``build.kept_checks``, ``store.remember``: ``cli.derive``, an import, the sample).

The per-customer steps (values, RFM, the service days) run a ``cust_key`` range of customers
at a time (``chunks``: as many as DuckDB's memory limit holds), appending in key order: the
same rows, in bounded memory whatever the number of customers.

``store`` is the reading side (is the stored copy usable for this database and date?), which
``clv`` and ``predictive`` consult; ``build`` writes the tables (import, sample generation,
``python -m cli.derive``).
"""
