"""The store's cases as one linkage register: one record per case, its record id the case id.

Each case is one agency's record of a person, so the cases are what linkage compares; the list is the case's
first recording agency (``unlisted`` when none was recorded). Names and birth dates are decrypted in memory only,
for :func:`~ctkit.share.link.model.prepare_records`; nothing here writes or logs them.

Example:
    >>> # frame = store_register(store)   # columns INPUT_COLUMNS, OPTIONAL_COLUMNS and list
    >>> # result = link(prepare_records(frame), params)   # then review_store.queue_run(store.engine, result, params)
"""

from __future__ import annotations

import pandas as pd

from ctkit.errors import ValidationError
from ctkit.share.link.model import INPUT_COLUMNS, OPTIONAL_COLUMNS

__all__ = ["store_register"]

UNLISTED = "unlisted"


def _row(case) -> dict:
    person, personal = case.person, case.person.personal
    origin = next((e for e in case.events if e.type == "recruitment"), None)
    documents = [d for d in personal.documents if d.number]
    return {
        "record_id": case.id,
        "first_name": personal.first_name,
        "middle_name": personal.middle_name,
        # Every document of the case, ";"-separated, each with its issuing country (empty where unknown).
        "document_number": ";".join(d.number for d in documents) or None,
        "document_country": ";".join(d.issuing_country or "" for d in documents) or None,
        "last_name": personal.last_name,
        "birth_date": personal.birth_date.isoformat() if personal.birth_date else None,
        "sex": person.sex if person.sex in ("female", "male") else None,
        "nationality": person.citizenship[0] if person.citizenship else None,
        "place_of_origin": (origin.place or origin.region) if origin else None,
        "list": case.recorded_by[0] if case.recorded_by else UNLISTED,
    }


def store_register(store, batch: int = 500) -> pd.DataFrame:
    """Every case of ``store`` as a register row (``INPUT_COLUMNS``, ``OPTIONAL_COLUMNS`` and ``list``), in batches.

    Raises ``ValidationError`` when the store holds fewer than two cases (nothing to link).
    """
    rows = [_row(case) for case in store.cases.iter_cases(batch=batch)]
    frame = pd.DataFrame(rows, columns=[*INPUT_COLUMNS, *OPTIONAL_COLUMNS, "list"])
    if len(frame) < 2:
        raise ValidationError("the store holds fewer than two cases: nothing to link")
    return frame.astype(object).where(frame.notna(), None)
