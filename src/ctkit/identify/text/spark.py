"""The same extraction on Spark, for document streams that outgrow one machine (``mapInPandas``).

Each output row holds the document id, the result as a JSON string, and an error message (null when fine).
PySpark is imported only here; ``extract_frames`` is plain pandas and is what every executor runs.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from ctkit.identify.text.batch import Document, extract_record

__all__ = ["extract_frames", "extract_dataframe", "OUTPUT_SCHEMA"]

OUTPUT_SCHEMA = "id string, result string, error string"


def extract_frames(frames: Iterator, text_col: str = "text", id_col: str = "id") -> Iterator:
    """Map pandas DataFrames of documents to DataFrames of (id, result JSON, error); the mapInPandas function."""
    import pandas as pd

    for frame in frames:
        rows = []
        for doc_id, text in zip(frame[id_col].astype(str), frame[text_col], strict=True):
            record = extract_record(Document(doc_id, text=text if isinstance(text, str) else ""))
            error = record.get("error")
            rows.append((doc_id, None if error else json.dumps(record, ensure_ascii=False), error))
        yield pd.DataFrame(rows, columns=["id", "result", "error"])


def extract_dataframe(df, text_col: str = "text", id_col: str = "id"):
    """Run extraction over a Spark DataFrame with ``id_col`` and ``text_col``; returns a DataFrame (lazy)."""
    try:
        import pyspark  # noqa: F401
    except ImportError as exc:  # pragma: no cover - depends on the environment
        from ctkit.errors import DependencyMissing

        raise DependencyMissing("pyspark", "Extraction on Spark") from exc

    def run(frames: Iterator) -> Iterator:
        return extract_frames(frames, text_col, id_col)

    return df.select(id_col, text_col).mapInPandas(run, schema=OUTPUT_SCHEMA)
