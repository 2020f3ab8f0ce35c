"""The public surface of ctkit.store and ctkit.demo is pinned: changing it is a decision, not an accident."""

import ctkit.demo
import ctkit.store


def test_store_exports():
    assert sorted(ctkit.store.__all__) == [
        "Base", "BulkWriter", "CaptureHistory", "CaseRepository", "FieldCipher", "FileKeyProvider", "KeyProvider",
        "KeyRing", "SqlCaseRepository", "Store", "create_schema", "init_store", "is_initialised", "make_engine",
        "open_store", "rotate_keys", "session_factory", "transaction",
    ]
    assert all(hasattr(ctkit.store, name) for name in ctkit.store.__all__)


def test_demo_exports():
    assert sorted(ctkit.demo.__all__) == ["CaseGenerator", "GeneratorStats", "demo_organisations", "load_demo"]
    assert all(hasattr(ctkit.demo, name) for name in ctkit.demo.__all__)
