"""Batch over files and corpora (streaming, several processes), the CLI, and Spark local mode."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from ctkit.cli import app
from ctkit.identify.text.batch import Document, extract_many, iter_corpus

GOOD = "Two women from Ukraine were forced to work in a factory in Poland."


def _records(docs, workers=1):
    out = []
    summary = extract_many(docs, workers=workers, on_result=out.append)
    return out, summary


def test_batch_goes_on_after_bad_documents_and_reports_them():
    docs = [Document("a", text=GOOD), Document("b", data=b""), Document("c", data=b"\x00\x00bin"),
            Document("d", text=GOOD)]
    records, summary = _records(docs)
    assert [r["id"] for r in records] == ["a", "b", "c", "d"]
    assert summary.done == 4 and [f[0] for f in summary.failures] == ["b", "c"]
    assert "empty" in records[1]["error"] and "binary" in records[2]["error"]


def test_two_workers_give_the_same_records_in_order():
    docs = [Document(str(i), text=GOOD if i % 2 else "Её вывезли в Польшу и продали.") for i in range(12)]
    assert _records(docs, workers=2)[0] == _records(docs, workers=1)[0]


def test_jsonl_and_parquet_corpora_stream(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    jsonl = tmp_path / "c.jsonl"
    jsonl.write_text(json.dumps({"id": "x1", "text": GOOD}) + "\nnot json\n", encoding="utf-8")
    docs = list(iter_corpus(jsonl))
    assert docs[0].id == "x1" and docs[1].error
    parquet = tmp_path / "c.parquet"
    pq.write_table(pa.table({"id": ["p1", "p2"], "body": [GOOD, None]}), parquet)
    records, summary = _records(iter_corpus(parquet, text_field="body"))
    assert records[0]["places"] and [f[0] for f in summary.failures] == ["p2"]


def test_cli_extract_directory_and_stdin(tmp_path):
    (tmp_path / "01.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "02.txt").write_bytes(b"")
    runner = CliRunner()
    result = runner.invoke(app, ["extract", str(tmp_path), "-o", str(tmp_path / "out.jsonl")])
    assert result.exit_code != 0  # one document failed; the other was still written
    lines = [json.loads(x) for x in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [x["id"] for x in lines] == ["01", "02"] and "error" in lines[1]
    result = runner.invoke(app, ["extract", "-"], input=GOOD)
    assert result.exit_code == 0 and json.loads(result.stdout)["id"] == "stdin"


def test_cli_eval_prints_scores(dev_set):
    result = CliRunner().invoke(app, ["extract", "eval", "--gold", str(dev_set)])
    assert result.exit_code == 0, result.output
    assert "place_roles" in result.stdout and "ru" in result.stdout and "en" in result.stdout


@pytest.mark.spark
@pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning")
def test_spark_map_in_pandas_matches_local(java_available, spark):
    from ctkit.identify.text.batch import extract_record
    from ctkit.identify.text.spark import extract_dataframe

    rows = [("s1", GOOD), ("s2", ""), ("s3", "Её вывезли в Польшу.")]
    df = spark.createDataFrame(rows, "id string, text string")
    out = {r["id"]: r for r in extract_dataframe(df).collect()}
    assert out["s2"]["error"] and out["s2"]["result"] is None
    assert json.loads(out["s1"]["result"]) == extract_record(Document("s1", text=GOOD))
    assert json.loads(out["s3"]["result"])["places"][0]["name"] == "Poland"
