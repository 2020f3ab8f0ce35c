"""One registry of indicator catalogues; the built-in ILO/EC catalogue registers through it like any other.

A country deployment adds its own with ``register_catalogue(load_catalogue("xx.yaml"))`` or, to defer the
loading, ``register_catalogue(lambda: load_catalogue("xx.yaml"), catalogue_id="xx")``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from ctkit.errors import NotFoundError, ValidationError
from ctkit.identify.screening.catalogue import Catalogue, load_catalogue

BUILTIN_CATALOGUE_ID = "ilo-ec-2009"
BUILTIN_CATALOGUE_PATH = Path(__file__).parent / "data" / "ilo-ec-2009.yaml"

_lock = threading.Lock()
_entries: dict[str, Catalogue | Callable[[], Catalogue]] = {}


def register_catalogue(
    catalogue: Catalogue | Callable[[], Catalogue], *, catalogue_id: str | None = None, replace: bool = False
) -> None:
    """Register a catalogue, or a loader called on first use (then ``catalogue_id`` is required).

    Raises ValidationError if the id is already registered and ``replace`` is false, or if a loader is given
    without an id. Example: ``register_catalogue(load_catalogue("ua.yaml"))``.
    """
    if isinstance(catalogue, Catalogue):
        catalogue_id = catalogue_id or catalogue.id
    if not catalogue_id:
        raise ValidationError("register_catalogue: a catalogue loader needs catalogue_id")
    with _lock:
        if catalogue_id in _entries and not replace:
            raise ValidationError(f"catalogue {catalogue_id}: already registered", hint="pass replace=True")
        _entries[catalogue_id] = catalogue


def unregister_catalogue(catalogue_id: str) -> None:
    """Remove a registered catalogue (the built-in one included); unknown ids are ignored."""
    with _lock:
        _entries.pop(catalogue_id, None)


def catalogue_ids() -> list[str]:
    """Ids of the registered catalogues, sorted."""
    with _lock:
        return sorted(_entries)


def get_catalogue(catalogue_id: str = BUILTIN_CATALOGUE_ID) -> Catalogue:
    """The registered catalogue with this id, loading it on first use.

    Raises NotFoundError for an unknown id and ValidationError when a deferred loader yields another id or an
    invalid catalogue. Example: ``get_catalogue().version``.
    """
    with _lock:
        entry = _entries.get(catalogue_id)
        if entry is None:
            known = ", ".join(sorted(_entries)) or "none"
            raise NotFoundError(f"catalogue {catalogue_id}: not registered (registered: {known})")
        if isinstance(entry, Catalogue):
            return entry
        catalogue = entry()
        if catalogue.id != catalogue_id:
            raise ValidationError(f"catalogue {catalogue_id}: its loader returned catalogue {catalogue.id}")
        _entries[catalogue_id] = catalogue
        return catalogue


register_catalogue(lambda: load_catalogue(BUILTIN_CATALOGUE_PATH), catalogue_id=BUILTIN_CATALOGUE_ID)
