"""What an import did (or, with ``--dry-run``, would do): counts per table, and what the format cannot carry."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

#: Progress callback: (rows done so far, bytes of the file read so far).
Progress = Callable[[int, int], None]


def no_progress(rows: int, done_bytes: int) -> None:
    return None


@dataclass
class ImportReport:
    """Counts of an import. ``written`` is False for a dry run (validated and mapped, nothing stored)."""

    file: str
    format: str
    written: bool = False
    rows: int = 0
    tables: Counter = field(default_factory=Counter)
    not_stored: tuple[str, ...] = ()
    seconds: float = 0.0

    def add(self, table: str, count: int) -> None:
        self.tables[table] += count

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds > 0 else 0.0

    def lines(self) -> list[str]:
        """The report as text lines (for the command line and logs; no personal data)."""
        verb = "imported" if self.written else "validated (dry run, nothing written)"
        out = [f"{self.file}: {self.rows} rows {verb} as {self.format} in {self.seconds:.1f} s"]
        out += [f"  {table}: {count}" for table, count in sorted(self.tables.items())]
        if self.not_stored:
            out.append("  checked but not stored (no field in the case model): " + ", ".join(self.not_stored))
        return out

    def as_dict(self) -> dict:
        return {"file": self.file, "format": self.format, "written": self.written, "rows": self.rows,
                "tables": dict(self.tables), "not_stored": list(self.not_stored), "seconds": round(self.seconds, 3)}


@dataclass
class ExportReport:
    """Counts of an export and the disclosure gate its rows passed through."""

    file: str
    format: str
    gate: str
    rows: int = 0
    seconds: float = 0.0

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds > 0 else 0.0

    def lines(self) -> list[str]:
        return [f"{self.file}: {self.rows} cases exported as {self.format} in {self.seconds:.1f} s",
                f"  disclosure gate: {self.gate}"]

    def as_dict(self) -> dict:
        return {"file": self.file, "format": self.format, "gate": self.gate, "rows": self.rows,
                "seconds": round(self.seconds, 3)}
