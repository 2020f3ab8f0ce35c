"""``ctkit extract``: facts with evidence from case notes, reports and news (English, Russian)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from ctkit.errors import ValidationError

_CORPUS_SUFFIXES = {".jsonl", ".ndjson", ".parquet"}


def _documents(paths: list[str], text_field: str, id_field: str):
    from ctkit.identify.text.batch import Document, iter_corpus, iter_paths

    for raw in paths:
        if raw == "-":
            yield Document("stdin", data=sys.stdin.buffer.read())
            continue
        path = Path(raw)
        if not path.exists():
            yield Document(path.stem or raw, error=f"{raw}: no such file or directory")
        elif path.is_file() and path.suffix.lower() in _CORPUS_SUFFIXES:
            yield from iter_corpus(path, text_field=text_field, id_field=id_field)
        else:
            yield from iter_paths([path])


def _count(paths: list[str]) -> int | None:
    total = 0
    for raw in paths:
        path = Path(raw)
        if raw == "-" or (path.is_file() and path.suffix.lower() in _CORPUS_SUFFIXES):
            return None
        total += sum(1 for _ in path.rglob("*.txt")) if path.is_dir() else 1
    return total


def _run_extract(paths: list[str], output: Path | None, workers: int, text_field: str, id_field: str,
                 max_chars: int) -> None:
    from rich.console import Console
    from rich.progress import Progress

    from ctkit.identify.text.batch import extract_many

    err = Console(stderr=True)
    sink = output.open("w", encoding="utf-8") if output else sys.stdout
    show = any(Path(p).is_dir() or Path(p).suffix.lower() in _CORPUS_SUFFIXES for p in paths if p != "-")
    try:
        with Progress(console=err, disable=not show, transient=True) as progress:
            task = progress.add_task("extracting", total=_count(paths))

            def write(record: dict) -> None:
                sink.write(json.dumps(record, ensure_ascii=False) + "\n")
                progress.advance(task)

            summary = extract_many(_documents(paths, text_field, id_field), workers=workers, max_chars=max_chars,
                                   on_result=write)
    finally:
        if output:
            sink.close()
    if summary.failures:
        for _doc_id, message in summary.failures:
            err.print(f"failed: {message}", highlight=False, markup=False)
        raise ValidationError(f"{len(summary.failures)} of {summary.done} documents failed (listed above)")


def _run_eval(gold: Path, details: bool) -> None:
    from ctkit.identify.text.evaluate import evaluate_dir, format_scores

    if not gold.is_dir():
        raise ValidationError(f"--gold {gold}: not a directory")
    totals, docs = evaluate_dir(gold)
    typer.echo(format_scores(totals))
    if details:
        for doc in docs:
            misses = {c: (s.fp, s.fn) for c, s in doc["scores"].items() if s.fp or s.fn}
            typer.echo(f"{doc['id']} ({doc['lang']}): " + json.dumps(misses))


def register(app: typer.Typer) -> None:
    """Add ``extract`` to the ``ctkit`` app."""

    @app.command("extract")
    def extract_command(
        paths: Annotated[list[str], typer.Argument(help="Files, directories of .txt, .jsonl/.parquet corpora, "
                                                        "or - for standard input; 'eval' scores --gold.")],
        output: Annotated[Path | None, typer.Option("--output", "-o", help="Write JSON Lines here.")] = None,
        gold: Annotated[Path | None, typer.Option(help="With 'eval': directory of NN.txt + NN.gold.json.")] = None,
        details: Annotated[bool, typer.Option(help="With 'eval': list each document's misses.")] = False,
        workers: Annotated[int, typer.Option(min=1, help="Worker processes.")] = 1,
        text_field: Annotated[str, typer.Option(help="Text column of a corpus.")] = "text",
        id_field: Annotated[str, typer.Option(help="Id column of a corpus.")] = "id",
        max_chars: Annotated[int, typer.Option(help="Largest document accepted, in characters.")] = 20_000_000,
    ) -> None:
        """Extract places with roles, exploitation, sectors, means, victims and recruitment, as JSON Lines.

        Each document gives one JSON object with the evidence sentence and span of every fact. Bad documents
        are reported at the end and the batch goes on. `ctkit extract eval --gold DIR` prints precision,
        recall and F1 per category and language.

        Example: ctkit extract notes/ -o facts.jsonl && ctkit extract eval --gold tests/data/extract
        """
        if paths == ["eval"]:
            if gold is None:
                raise ValidationError("'ctkit extract eval' needs --gold DIR")
            _run_eval(gold, details)
            return
        _run_extract(paths, output, workers, text_field, id_field, max_chars)
