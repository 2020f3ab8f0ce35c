"""The public surface of ctkit.share.formats is pinned: changing it is a deliberate act."""

from __future__ import annotations

import ctkit.share
import ctkit.share.formats as formats


def test_public_names_are_pinned():
    assert sorted(formats.__all__) == sorted([
        "FORMATS", "UNREVIEWED", "CaseDefaults", "ExportGate", "ExportReport", "Format", "ImportReport",
        "detect_layout", "export_file", "import_file", "write_sample",
    ])
    assert all(hasattr(formats, name) for name in formats.__all__)
    assert sorted(formats.FORMATS) == ["ctdc", "ctdc-2021", "ctdc-synthetic", "htcds-csv", "htcds-json"]
    assert ctkit.share.__all__ == []
