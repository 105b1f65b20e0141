"""Per-customer tables built once per data version and kept in the database file (issue 14).

For the data's end date (the latest order, the sidebar's default as-of date) the file holds:

- ``derived_values``: ``clv.CUSTOMER_VALUES_SQL`` at that date (before the CLV step, which
  depends on the sidebar's parameters);
- ``derived_rfm``: ``predictive.RFM_SQL`` at that date, in weeks;
- ``derived_model``: the BG/NBD + Gamma-Gamma fit on it as JSON (or the fit's failure);
- ``derived_meta``: key/value rows: the as-of date, a fingerprint of the data the tables were
  built from, the format version, when they were built, and the retention and return counts
  the historical CLV measures at that date.

Every per-customer table has ``cust_key`` (INTEGER, the customer's row number in
``customer_id`` order), so later joins can be on integers.

``store`` is the reading side (is the stored copy usable for this database and date?), which
``clv`` and ``predictive`` consult; ``build`` writes the tables (import, sample generation,
``python -m cli.derive``).
"""
