"""One model, two engines: parameters trained on DuckDB score identically on Spark; the hub's SQL runs on both.

Kept to one test: a local Spark session costs a minute or more to start on a busy machine.
"""

import pytest

from ctkit.share.link import (
    DuckDBEngine,
    EncodingSettings,
    HubSettings,
    SparkEngine,
    SparkSql,
    encode_frame,
    match_encodings,
    predict,
)  # fmt: skip


@pytest.mark.spark
def test_duckdb_parameters_on_spark_and_portable_hub_sql(spark_session, registers, records, params):
    subset = records.head(400)
    on_duckdb = predict(subset, params, DuckDBEngine(threads=1), review=0.3).set_index("pair_id")
    on_spark = predict(subset, params, SparkEngine(spark_session), review=0.3).set_index("pair_id")
    assert len(on_duckdb) > 0
    assert set(on_spark.index) == set(on_duckdb.index)
    diff = (on_spark["match_weight"] - on_duckdb.loc[on_spark.index, "match_weight"]).abs().max()
    assert diff < 1e-9

    key = bytes(range(32))
    police = registers[registers["list"] == "police"].head(150)
    foreign = registers[registers["list"] == "foreign"].head(150)
    enc_a, _, meta_a = encode_frame(police, key, EncodingSettings(), seed=1)
    enc_b, _, meta_b = encode_frame(foreign, key, EncodingSettings(), seed=2)
    hub = HubSettings(bands=8, band_bits=12, one_to_one=False, low=0.6)
    duck = match_encodings(enc_a, meta_a, enc_b, meta_b, hub)
    spark = match_encodings(enc_a, meta_a, enc_b, meta_b, hub, runner=SparkSql(spark_session))
    assert len(duck) > 0
    columns = ["rid_a", "rid_b", "band"]
    assert set(duck[columns].itertuples(index=False)) == set(spark[columns].itertuples(index=False))
