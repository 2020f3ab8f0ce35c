"""Exchange formats: CTDC (global 63-column layouts, synthetic v2) and HTCDS (flat CSV, JSON), import and export.

Public API: :data:`FORMATS` (the registry the command line reads), :func:`import_file`, :func:`export_file`,
the reports, the disclosure seam :class:`ExportGate`, and :func:`write_sample` (synthetic CTDC files).

Imports stream in chunks, validate every row and are all-or-nothing; errors name the file, line, column and the
allowed values. CTDC files take a columnar fast path (vectorised checks, bulk inserts); HTCDS files go record by
record through the case model and the case repository.
"""

from ctkit.share.formats.ctdc_read import CaseDefaults
from ctkit.share.formats.ctdc_sample import write_sample
from ctkit.share.formats.gate import UNREVIEWED, ExportGate
from ctkit.share.formats.registry import FORMATS, Format, detect_layout, export_file, import_file
from ctkit.share.formats.report import ExportReport, ImportReport

__all__ = [
    "FORMATS",
    "UNREVIEWED",
    "CaseDefaults",
    "ExportGate",
    "ExportReport",
    "Format",
    "ImportReport",
    "detect_layout",
    "export_file",
    "import_file",
    "write_sample",
]
