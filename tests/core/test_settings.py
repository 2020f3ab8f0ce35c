import re
from pathlib import Path

import pytest

from ctkit.errors import ConfigurationError
from ctkit.settings import SETTINGS_DOC, Settings, load_settings

DOCS = Path(__file__).resolve().parents[2] / "docs" / "settings.md"


def test_every_setting_is_documented_in_code_and_docs():
    fields = set(Settings.model_fields)
    assert fields == set(SETTINGS_DOC), "SETTINGS_DOC must describe every field"
    documented = set(re.findall(r"^\| `(\w+)` \|", DOCS.read_text(encoding="utf-8"), flags=re.M))
    assert documented == fields


def test_environment_overrides_toml(tmp_path):
    (tmp_path / "settings.toml").write_text("k_anonymity = 11\nreflection_days = 45\n")
    settings = load_settings(tmp_path, environ={"CTKIT_K_ANONYMITY": "12"})
    assert settings.k_anonymity == 12 and settings.reflection_days == 45
    assert settings.resolved_database_url.endswith("ctkit.sqlite3")


def test_bad_setting_named(tmp_path):
    with pytest.raises(ConfigurationError, match="k_anonymity"):
        load_settings(tmp_path, environ={"CTKIT_K_ANONYMITY": "1"})


def test_demo_refused_on_postgresql(tmp_path):
    with pytest.raises(ConfigurationError, match="demo mode is refused"):
        load_settings(tmp_path, environ={"CTKIT_DEMO": "true", "CTKIT_DATABASE_URL": "postgresql+psycopg://x@y/z"})
