"""The public surface of ctkit.record is pinned: changing it is a decision, not an accident."""

import ctkit.record


def test_record_exports():
    assert sorted(ctkit.record.__all__) == [
        "Authorizer", "Casework", "Machine", "Target", "Transition", "check", "consent", "directory", "lifecycle",
        "machine", "machines", "reasons", "referrals", "support", "views",
    ]
    assert all(hasattr(ctkit.record, name) for name in ctkit.record.__all__)


def test_record_does_not_import_the_web_package():
    import ast
    from importlib import resources

    for item in resources.files("ctkit.record").iterdir():
        if item.name.endswith(".py"):
            tree = ast.parse(item.read_text(encoding="utf-8"))
            names = [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
            names += [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
            assert not any(n.startswith("ctkit.web") for n in names), item.name
