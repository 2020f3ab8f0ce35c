"""One typed settings object, read from environment variables and an optional ``settings.toml`` in the data dir.

Every setting is documented in ``SETTINGS_DOC`` (a test checks that docs/settings.md lists each one).
Insecure combinations are refused at start-up.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ctkit.errors import ConfigurationError

DEFAULT_DATA_DIR = "./ctkit-data"

SETTINGS_DOC: dict[str, str] = {
    "data_dir": "Directory holding the SQLite database, key file and snapshots (CTKIT_DATA_DIR).",
    "database_url": "SQLAlchemy URL of the operational store; SQLite file in data_dir when unset (CTKIT_DATABASE_URL).",
    "key_file": "Path of the field-encryption key file, mode 0600 (CTKIT_KEY_FILE; default data_dir/keys.json).",
    "master_key": "Base64 AES-256 key given directly instead of a key file (CTKIT_MASTER_KEY).",
    "reflection_days": "Recovery and reflection period after a positive reasonable-grounds decision (CTKIT_REFLECTION_DAYS).",
    "k_anonymity": "Smallest published cell size for disclosure control (CTKIT_K_ANONYMITY).",
    "demo": "Allow demo accounts; never in production (CTKIT_DEMO).",
    "session_idle_minutes": "Web session idle timeout (CTKIT_SESSION_IDLE_MINUTES).",
    "session_absolute_hours": "Web session absolute lifetime (CTKIT_SESSION_ABSOLUTE_HOURS).",
    "secure_cookies": "Send cookies only over HTTPS (CTKIT_SECURE_COOKIES).",
}


class Settings(BaseModel):
    """Validated configuration. Build with :func:`load_settings`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    data_dir: Path = Path(DEFAULT_DATA_DIR)
    database_url: str | None = None
    key_file: Path | None = None
    master_key: str | None = Field(default=None, repr=False)
    reflection_days: int = Field(default=30, ge=1, le=365)
    k_anonymity: int = Field(default=10, ge=2)
    demo: bool = False
    session_idle_minutes: int = Field(default=30, ge=1)
    session_absolute_hours: int = Field(default=12, ge=1)
    secure_cookies: bool = True

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.data_dir / 'ctkit.sqlite3').as_posix()}"

    @property
    def resolved_key_file(self) -> Path:
        return self.key_file or self.data_dir / "keys.json"


def _from_env(environ: dict[str, str]) -> dict[str, str]:
    found = {}
    for name in SETTINGS_DOC:
        value = environ.get(f"CTKIT_{name.upper()}")
        if value is not None and value != "":
            found[name] = value
    return found


def load_settings(data_dir: str | Path | None = None, environ: dict[str, str] | None = None, **overrides) -> Settings:
    """Read settings from ``settings.toml`` in the data dir, then the environment, then ``overrides``.

    Raises ConfigurationError naming the bad setting.

    >>> load_settings("/tmp/x", environ={}).data_dir.as_posix()
    '/tmp/x'
    """
    env = dict(os.environ if environ is None else environ)
    values: dict = {}
    base_dir = Path(data_dir or env.get("CTKIT_DATA_DIR") or DEFAULT_DATA_DIR)
    toml_path = base_dir / "settings.toml"
    if toml_path.is_file():
        try:
            values.update(tomllib.loads(toml_path.read_text(encoding="utf-8")))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigurationError(f"{toml_path}: not valid TOML ({exc})") from exc
    values.update(_from_env(env))
    values.update({k: v for k, v in overrides.items() if v is not None})
    values["data_dir"] = base_dir
    try:
        settings = Settings(**values)
    except ValidationError as exc:
        fields = ", ".join(".".join(str(p) for p in err["loc"]) + f": {err['msg']}" for err in exc.errors())
        raise ConfigurationError(f"invalid setting(s): {fields}") from exc
    if settings.demo and settings.database_url and settings.database_url.startswith("postgresql"):
        raise ConfigurationError("demo mode is refused on a PostgreSQL (shared) deployment")
    return settings
