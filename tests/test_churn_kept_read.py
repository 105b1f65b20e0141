"""The kept churn base's reading (clv_engine.churn.kept): text read in many chunks comes out as
the one-chunk read gives it (the same values, dtype and missing cells), in one chunk."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from clv_engine.churn import kept

IDS = st.lists(st.one_of(st.none(), st.text(max_size=6)), min_size=1, max_size=40)


@settings(max_examples=60, deadline=None)
@given(ids=IDS, cuts=st.lists(st.integers(0, 40), max_size=4), large=st.booleans())
def test_text_in_many_chunks_reads_as_in_one(ids, cuts, large):
    kind = pa.large_string() if large else pa.string()
    bounds = sorted({0, len(ids), *(min(c, len(ids)) for c in cuts)})
    chunks = [pa.array(ids[a:b], type=kind) for a, b in zip(bounds, bounds[1:])]
    table = pa.table({"customer_id": pa.chunked_array(chunks, type=kind), "n": list(range(len(ids)))})
    got = kept._frame(table)
    expected = kept._frame(table.combine_chunks())
    pd.testing.assert_frame_equal(got, expected, check_exact=True)
    if not all(i is None for i in ids):
        assert [None if pd.isna(x) else x for x in got["customer_id"]] == ids
        assert got["customer_id"].array._pa_array.num_chunks == 1
