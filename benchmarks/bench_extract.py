"""Text extraction throughput: documents per second over generated ~2,000-character case notes (English and
Russian), in one process (the baseline) and in two worker processes; peak memory; cold and warm start-up.

Full run: 10,000 documents (target: 20 or more per second on 2 cores). Quick run: 200.
"""

from __future__ import annotations

import os
import random
import resource
import subprocess
import sys
import time

EN_PARTS = [
    "The client, a {age}-year-old woman from {origin}, answered an advertisement offering work as a waitress.",
    "She travelled through {transit} to {dest}, where her passport was taken by the employer.",
    "She was told she owed {money} euros for the journey and was forced to provide sexual services.",
    "Eleven men from {origin} worked on a building site in {dest} for fourteen hours a day without pay.",
    "They lived in containers without heating and were not allowed to leave the site.",
    "Police in {office} opened a criminal case; no evidence of forced begging was found.",
    "Victims typically come from poor families affected by unemployment and domestic violence.",
    "A relative recruited him through a social network and promised a job at a market in {dest}.",
]
RU_PARTS = [
    "Уроженка {origin_ru}, {age} лет, была завербована знакомой в социальной сети.",
    "Её вывезли через {transit_ru} в {dest_ru}, где отобрали паспорт и заставляли заниматься проституцией.",
    "Рабочие из {origin_ru} трудились на стройке по 12 часов в сутки без выходных, зарплату им не платили.",
    "Жили они в бытовках, выходить с территории им не разрешали.",
    "Следователи управления по Калининградской области не выявили признаков принудительного труда.",
    "Потерпевшие происходили из бедных семей, многие не могли найти работу.",
]
EN_PLACES = dict(origin=["Moldova", "Uzbekistan", "Kaliningrad", "Tajikistan", "Ukraine"],
                 transit=["Lithuania", "Poland", "Romania"], dest=["Germany", "Turkey", "Gdansk", "Moscow"],
                 office=["Kaliningrad", "Vilnius", "Minsk"])
RU_PLACES = dict(origin_ru=["Молдовы", "Узбекистана", "Таджикистана", "Калининграда"],
                 transit_ru=["Литву", "Польшу", "Белоруссию"], dest_ru=["Германию", "Турцию", "Москву", "Гданьск"])


def make_corpus(n: int, seed: int = 7, size: int = 2000) -> list[str]:
    """``n`` documents of about ``size`` characters, two thirds English, one third Russian (seeded)."""
    rng = random.Random(seed)
    docs = []
    for i in range(n):
        russian = i % 3 == 2
        parts, places = (RU_PARTS, RU_PLACES) if russian else (EN_PARTS, EN_PLACES)
        text = []
        while sum(len(t) + 1 for t in text) < size:
            values = {k: rng.choice(v) for k, v in places.items()}
            text.append(rng.choice(parts).format(age=rng.randint(14, 40), money=rng.randint(2, 9) * 1000, **values))
        docs.append(" ".join(text))
    return docs


def _startup() -> tuple[float, float]:
    code = "from ctkit.identify.text import extract; extract('She was taken from Moldova to Poland.')"
    timings = []
    for _ in range(2):  # the first run may build the gazetteer cache; the second is a warm start
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True, env=os.environ.copy())
        timings.append(time.perf_counter() - started)
    return timings[0], timings[1]


def _throughput(docs: list[str], workers: int) -> float:
    from ctkit.identify.text.batch import Document, extract_many

    started = time.perf_counter()
    summary = extract_many((Document(str(i), text=t) for i, t in enumerate(docs)), workers=workers)
    assert summary.done == len(docs) and not summary.failures
    return len(docs) / (time.perf_counter() - started)


def _cpu_per_doc(docs: list[str]) -> float:
    """Milliseconds of this process's CPU time per document, in process: the figure to compare code versions by when
    other jobs share the cores."""
    from ctkit.identify.text import extract

    started = time.process_time()
    for text in docs:
        extract(text)
    return (time.process_time() - started) / len(docs) * 1000


def _tokenize_only(docs: list[str]) -> float:
    from ctkit.identify.text.language import detect_language
    from ctkit.identify.text.tokens import tokenize

    started = time.perf_counter()
    for text in docs:
        tokenize(text, detect_language(text))
    return len(docs) / (time.perf_counter() - started)


def run(quick: bool) -> None:
    """Print start-up, throughput (1 and 2 processes, against tokenisation alone) and peak memory."""
    n = 200 if quick else 10_000
    cold, warm = _startup()
    print(f"start-up (import + first document): first run {cold:.2f} s, warm cache {warm:.2f} s")
    docs = make_corpus(n)
    print(f"corpus: {n} documents, mean {sum(map(len, docs)) / n:.0f} characters")
    from ctkit.identify.text import extract

    extract(docs[0])  # load the gazetteer and lexicons before timing, as a long-running worker would
    floor = _tokenize_only(docs[: max(50, n // 10)])
    one = _throughput(docs[: max(100, n // 5)], workers=1)
    two = _throughput(docs, workers=2)
    print(f"tokenise + lemmatise only: {floor:.1f} docs/s (cost floor)")
    print(f"extract, 1 process: {one:.1f} docs/s (baseline); {_cpu_per_doc(docs[: max(100, n // 5)]):.1f} ms CPU "
          "per document (comparable across runs on a shared machine, unlike the wall-clock rates)")
    print(f"extract, 2 processes: {two:.1f} docs/s = {two / one:.2f}x the baseline; "
          f"{two / floor:.2f}x the tokenise-only rate; target >= 20 docs/s")
    big = " ".join(make_corpus(100 if quick else 1500, seed=11))
    started = time.perf_counter()
    extract(big)
    print(f"one document of {len(big) / 1e6:.1f} million characters: {time.perf_counter() - started:.1f} s")
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak memory: this process {own:.0f} MiB, largest worker {children:.0f} MiB")
