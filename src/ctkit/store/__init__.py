"""The operational store: tables, migrations, repositories and field encryption.

Public surface: the engine helpers from :mod:`ctkit.store.db`, :class:`Store` / :func:`open_store` /
:func:`init_store`, the :class:`CaseRepository` protocol and its SQL implementation, the bulk writer, capture
histories and the key providers. Tables live in :mod:`ctkit.store.tables`.
"""

from ctkit.store.db import Base, create_schema, make_engine, session_factory, transaction

__all__ = [
    "Base",
    "BulkWriter",
    "CaptureHistory",
    "CaseRepository",
    "FieldCipher",
    "FileKeyProvider",
    "KeyProvider",
    "KeyRing",
    "SqlCaseRepository",
    "Store",
    "create_schema",
    "init_store",
    "is_initialised",
    "make_engine",
    "open_store",
    "rotate_keys",
    "session_factory",
    "transaction",
]

# The rest is imported after ``Base`` so that table modules of other packages can import ``ctkit.store.db`` first.
from ctkit.store.bulk import BulkWriter  # noqa: E402
from ctkit.store.captures import CaptureHistory  # noqa: E402
from ctkit.store.crypto import FieldCipher, KeyProvider, KeyRing  # noqa: E402
from ctkit.store.datastore import Store, init_store, is_initialised, open_store  # noqa: E402
from ctkit.store.keyfile import FileKeyProvider  # noqa: E402
from ctkit.store.repository import CaseRepository, SqlCaseRepository  # noqa: E402
from ctkit.store.rotation import rotate_keys  # noqa: E402
