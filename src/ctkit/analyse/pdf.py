"""Print the HTML report to PDF with headless Chromium (Debian's ``chromium`` package)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from ctkit.errors import CtkitError, DependencyMissing

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome")
# Plotly draws its charts with JavaScript after load; give it virtual time before printing.
RENDER_BUDGET_MS = 15_000
TIMEOUT_S = 180


def find_chromium() -> str:
    """Path of a Chromium executable; raises DependencyMissing naming the Debian package."""
    for candidate in CHROMIUM_CANDIDATES:
        found = shutil.which(candidate) or (candidate if Path(candidate).is_file() else None)
        if found:
            return found
    raise CtkitError("printing the report to PDF needs headless Chromium",
                     hint="apt-get install chromium (or open the HTML report in a browser and print it)")


def print_pdf(html: Path, pdf: Path, *, chromium: str | None = None) -> Path:
    """Print ``html`` to ``pdf`` with headless Chromium and return ``pdf``. Raises CtkitError if printing fails."""
    executable = chromium or find_chromium()
    command = [executable, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
               f"--virtual-time-budget={RENDER_BUDGET_MS}", f"--print-to-pdf={Path(pdf).resolve()}",
               Path(html).resolve().as_uri()]
    try:
        result = subprocess.run(command, capture_output=True, timeout=TIMEOUT_S, check=False)
    except FileNotFoundError:
        raise DependencyMissing("chromium", "printing the report to PDF") from None
    except subprocess.TimeoutExpired:
        raise CtkitError(f"Chromium did not finish printing the report within {TIMEOUT_S} s") from None
    if result.returncode != 0 or not Path(pdf).is_file() or Path(pdf).stat().st_size == 0:
        raise CtkitError(f"Chromium could not print the report (exit code {result.returncode})")
    return Path(pdf)
