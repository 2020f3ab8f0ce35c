"""Rows of the perpetrator tables (both directions), their upsert, and their re-encryption on key rotation.

A perpetrator's personal data goes through the store's :class:`FieldCipher` exactly as a victim's does, under
associated data of its own namespace (``perpetrator:<id>``), so a blob moved between a person row and a
perpetrator row fails to decrypt.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, bindparam, select, update

from ctkit.model import Case, CasePerpetrator, Perpetrator, PerpetratorPersonalData
from ctkit.store.crypto import FieldCipher
from ctkit.store.perpetrator_tables import case_perpetrators, perpetrators

Row = dict[str, Any]
_IN_CHUNK = 500  # under the bound-parameter limits of both backends


def aad_id(perpetrator_id: str) -> str:
    """The id a perpetrator's ciphertext is bound to (never equal to a person id)."""
    return f"perpetrator:{perpetrator_id}"


def perpetrator_row(perpetrator: Perpetrator, cipher: FieldCipher) -> Row:
    """The ``perpetrators`` row (personal data encrypted with the cipher's active key; NULL when empty)."""
    personal = perpetrator.personal
    blob = key_id = None
    if not personal.is_empty():
        plaintext = personal.model_dump_json(exclude_defaults=True).encode()
        blob, key_id = cipher.encrypt_bytes(aad_id(perpetrator.id), plaintext), cipher.active_id
    return {
        "id": perpetrator.id, "organisation_id": perpetrator.organisation_id, "sex": perpetrator.sex,
        "birth_year": perpetrator.birth_year,
        "citizenship": perpetrator.citizenship[0] if perpetrator.citizenship else None,
        "other_citizenships": " ".join(perpetrator.citizenship[1:]) or None,
        "personal_ciphertext": blob, "key_id": key_id,
    }


def perpetrator_from_row(row: Row, cipher: FieldCipher) -> Perpetrator:
    blob = row["personal_ciphertext"]
    personal = PerpetratorPersonalData() if blob is None else PerpetratorPersonalData.model_validate_json(
        cipher.decrypt_bytes(aad_id(row["id"]), bytes(blob), row["key_id"] or ""))
    citizenship = ([row["citizenship"]] if row["citizenship"] else []) + (row["other_citizenships"] or "").split()
    return Perpetrator.model_construct(id=row["id"], organisation_id=row["organisation_id"], personal=personal,
                                       sex=row["sex"], birth_year=row["birth_year"], citizenship=citizenship)


def perpetrator_rows(case: Case, cipher: FieldCipher) -> list[Row]:
    return [perpetrator_row(link.perpetrator, cipher) for link in case.perpetrators]


def link_rows(case: Case) -> list[Row]:
    """The ``case_perpetrators`` rows of ``case``."""
    return [{"case_id": case.id, "position": position, "perpetrator_id": link.perpetrator.id,
             "roles": list(link.roles), "label": link.label} for position, link in enumerate(case.perpetrators)]


def links_from_rows(rows: Iterable[Row], found: dict[str, Perpetrator]) -> list[CasePerpetrator]:
    return [CasePerpetrator.model_construct(perpetrator=found[r["perpetrator_id"]], roles=list(r["roles"]),
                                            label=r["label"]) for r in rows]


def upsert_perpetrators(conn: Connection, rows: list[Row]) -> None:
    """Insert new perpetrator rows and update those already stored (a perpetrator is on several cases)."""
    unique = {row["id"]: row for row in rows}
    ids = list(unique)
    existing: set[str] = set()
    for start in range(0, len(ids), _IN_CHUNK):
        part = ids[start:start + _IN_CHUNK]
        existing.update(conn.execute(select(perpetrators.c.id).where(perpetrators.c.id.in_(part))).scalars())
    for pid in existing:
        conn.execute(update(perpetrators).where(perpetrators.c.id == pid).values(unique.pop(pid)))
    if unique:
        conn.execute(perpetrators.insert(), list(unique.values()))


def load_perpetrators(conn: Connection, ids: Iterable[str], cipher: FieldCipher) -> dict[str, Perpetrator]:
    """Perpetrators by id (decrypted)."""
    ids = list(dict.fromkeys(ids))
    out: dict[str, Perpetrator] = {}
    for start in range(0, len(ids), _IN_CHUNK):
        query = select(perpetrators).where(perpetrators.c.id.in_(ids[start:start + _IN_CHUNK]))
        for row in conn.execute(query).mappings():
            out[row["id"]] = perpetrator_from_row(dict(row), cipher)
    return out


def links_of_cases(conn: Connection, case_ids: list[str]) -> dict[str, list[Row]]:
    """``case_perpetrators`` rows per case id, in position order."""
    out: dict[str, list[Row]] = {}
    query = (select(case_perpetrators).where(case_perpetrators.c.case_id.in_(case_ids))
             .order_by(case_perpetrators.c.case_id, case_perpetrators.c.position))
    for row in conn.execute(query).mappings():
        out.setdefault(row["case_id"], []).append(dict(row))
    return out


def reencrypt_perpetrators(conn: Connection, cipher: FieldCipher, batch: int = 1000) -> int:
    """Re-encrypt every perpetrator's personal data under the cipher's active key (key rotation); returns how
    many. Runs in the caller's transaction.
    """
    c = perpetrators.c
    stmt = (update(perpetrators).where(c.id == bindparam("pid"))
            .values(personal_ciphertext=bindparam("blob"), key_id=bindparam("kid")))
    done, last = 0, ""
    while True:
        rows = conn.execute(select(c.id, c.personal_ciphertext, c.key_id)
                            .where(c.personal_ciphertext.is_not(None), c.id > last).order_by(c.id).limit(batch)).all()
        if not rows:
            return done
        conn.execute(stmt, [{"pid": pid, "kid": cipher.active_id, "blob": cipher.encrypt_bytes(
            aad_id(pid), cipher.decrypt_bytes(aad_id(pid), bytes(blob), key_id))} for pid, blob, key_id in rows])
        done += len(rows)
        last = rows[-1][0]
