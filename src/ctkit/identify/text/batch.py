"""Batch extraction: files, directories and JSON Lines / Parquet corpora, streamed, in one or more processes.

A bad document never stops a batch: it becomes a record with an ``error`` and is counted in the summary.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ctkit.errors import ValidationError
from ctkit.identify.text.inputs import DEFAULT_MAX_CHARS, decode_document
from ctkit.identify.text.pipeline import extract

__all__ = ["Document", "BatchSummary", "extract_many", "iter_corpus", "iter_paths", "extract_record"]


@dataclass(frozen=True, slots=True)
class Document:
    """One input: its id and either text or raw bytes (decoded in the worker)."""

    id: str
    text: str | None = None
    data: bytes | None = None
    error: str | None = None  # set when the record itself could not be read


@dataclass
class BatchSummary:
    """Counts of a batch run and the failures, as (document id, message) pairs."""

    done: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)


def extract_record(doc: Document, max_chars: int = DEFAULT_MAX_CHARS) -> dict:
    """Extract one document; a bad document gives ``{"id", "error"}`` instead of raising."""
    if doc.error:
        return {"id": doc.id, "error": doc.error}
    try:
        text = doc.text if doc.text is not None else decode_document(doc.data or b"", name=doc.id)
        return extract(text, doc.id, max_chars=max_chars)
    except ValidationError as exc:
        return {"id": doc.id, "error": exc.message}


def iter_paths(paths: Iterable[Path]) -> Iterator[Document]:
    """Documents from files (a directory gives its ``*.txt`` files, sorted); ids are file names without extension."""
    for path in paths:
        files = sorted(p for p in path.rglob("*.txt") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            yield Document(file.stem, data=file.read_bytes())


def _iter_jsonl(path: Path, text_field: str, id_field: str) -> Iterator[Document]:
    with path.open("rb") as fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                yield Document(str(record.get(id_field, number)), text=record.get(text_field) or "")
            except (json.JSONDecodeError, AttributeError):
                yield Document(f"{path.name}:{number}", error=f"{path.name} line {number}: not a JSON object")


def _iter_parquet(path: Path, text_field: str, id_field: str, batch_size: int = 512) -> Iterator[Document]:
    import pyarrow.parquet as pq

    parquet = pq.ParquetFile(path)
    columns = [text_field] + ([id_field] if id_field in parquet.schema_arrow.names else [])
    row = 0
    for batch in parquet.iter_batches(batch_size=batch_size, columns=columns):
        data = batch.to_pydict()
        for k, text in enumerate(data[text_field]):
            row += 1
            doc_id = str(data[id_field][k]) if id_field in data else str(row)
            yield Document(doc_id, text=text or "")


def iter_corpus(path: Path, *, text_field: str = "text", id_field: str = "id") -> Iterator[Document]:
    """Stream documents from a ``.jsonl`` / ``.parquet`` corpus (one record at a time, never the whole file)."""
    suffix = path.suffix.lower()
    if suffix in {".jsonl", ".ndjson"}:
        return _iter_jsonl(path, text_field, id_field)
    if suffix == ".parquet":
        return _iter_parquet(path, text_field, id_field)
    raise ValidationError(f"{path.name}: a corpus must be .jsonl or .parquet")


def extract_many(docs: Iterable[Document], *, workers: int = 1, max_chars: int = DEFAULT_MAX_CHARS,
                 on_result: Callable[[dict], None] | None = None) -> BatchSummary:
    """Extract every document, in ``workers`` processes, calling ``on_result`` with each record in input order.

    Returns the summary; failures are listed there and also passed on as records with an ``error`` key.
    """
    summary = BatchSummary()
    if workers > 1:
        import multiprocessing as mp
        from functools import partial

        with mp.get_context("fork").Pool(workers) as pool:
            results: Iterable[dict] = pool.imap(partial(extract_record, max_chars=max_chars), docs, chunksize=8)
            _collect(results, summary, on_result)
    else:
        _collect((extract_record(d, max_chars) for d in docs), summary, on_result)
    return summary


def _collect(results: Iterable[dict], summary: BatchSummary, on_result: Callable[[dict], None] | None) -> None:
    for record in results:
        summary.done += 1
        if "error" in record:
            summary.failures.append((str(record["id"]), record["error"]))
        if on_result is not None:
            on_result(record)
