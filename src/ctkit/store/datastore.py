"""Open or initialise a store from settings: engine, migrations, keys, and the case repository together."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from ctkit.errors import ConfigurationError
from ctkit.settings import Settings
from ctkit.store import migrate
from ctkit.store.crypto import FieldCipher, KeyProvider, env_key_provider
from ctkit.store.db import create_schema, make_engine
from ctkit.store.keyfile import FileKeyProvider, create_key_file
from ctkit.store.repository import SqlCaseRepository


@dataclass
class Store:
    """An open store. Close it with :meth:`close` (or use it as a context manager)."""

    engine: Engine
    keys: KeyProvider
    cases: SqlCaseRepository

    @property
    def cipher(self) -> FieldCipher:
        return self.cases.cipher

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def key_provider(settings: Settings) -> KeyProvider:
    """``CTKIT_MASTER_KEY`` when set, else the key file (``CTKIT_KEY_FILE`` or ``<data dir>/keys.json``)."""
    if settings.master_key:
        return env_key_provider(settings.master_key)
    return FileKeyProvider(settings.resolved_key_file)


def is_initialised(settings: Settings) -> bool:
    """True when the data directory has keys (or a master key is set) and the database is at the newest schema."""
    if not settings.master_key and not settings.resolved_key_file.is_file():
        return False
    if settings.database_url is None and not (settings.data_dir / "ctkit.sqlite3").is_file():
        return False
    engine = make_engine(settings.resolved_database_url)
    try:
        return migrate.current_revision(engine) == migrate.head_revision()
    finally:
        engine.dispose()


def init_store(settings: Settings) -> bool:
    """Create the data directory, a key file (mode 0600, unless a master key is set) and the schema.

    Idempotent: an existing key file is kept and the schema is only migrated forward. Returns True when a new key
    file was created.
    """
    if not settings.data_dir.exists():
        # Only the owner may list or read the data directory (database, keys, snapshots).
        settings.data_dir.mkdir(parents=True, mode=0o700)
    created = False
    if not settings.master_key and not settings.resolved_key_file.exists():
        create_key_file(settings.resolved_key_file)
        created = True
    engine = make_engine(settings.resolved_database_url)
    try:
        create_schema(engine)
    finally:
        engine.dispose()
    return created


def open_store(settings: Settings, *, migrate_schema: bool = True) -> Store:
    """Open the store described by ``settings``, migrating the schema forward first.

    Raises ConfigurationError if the data directory was never initialised, KeyMaterialError if keys are missing,
    unsafe (a key file readable by others) or malformed.
    """
    if settings.database_url is None and not (settings.data_dir / "ctkit.sqlite3").is_file():
        hint = f"run `ctkit init --data-dir {settings.data_dir}`"
        raise ConfigurationError(f"no store in {settings.data_dir}", hint=hint)
    provider = key_provider(settings)
    cipher = FieldCipher(provider.keyring())
    engine = make_engine(settings.resolved_database_url)
    if migrate_schema:
        create_schema(engine)
    return Store(engine=engine, keys=provider, cases=SqlCaseRepository(engine, cipher))
