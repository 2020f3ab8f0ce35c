"""Mapping between a :class:`ctkit.model.Case` and rows of the case tables (both directions).

``case_rows`` is also the bulk path's building block: it returns plain dicts per table, ready for an
``executemany`` insert. Personal data is encrypted here and nowhere else.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from ctkit.model import (
    Assistance,
    Case,
    Consent,
    Exploitation,
    LegalProceeding,
    LifecycleEvent,
    Perpetrator,
    Person,
    Recruitment,
    Referral,
    ScreeningResult,
    TraffickingEvent,
    TriState,
)
from ctkit.store import tables as t
from ctkit.store.crypto import FieldCipher
from ctkit.store.perpetrators import link_rows, links_from_rows, perpetrator_rows

Row = dict[str, Any]
TableRows = dict[str, list[Row]]

# Child tables whose rows are a model object dumped field by field (plus case_id and position).
_PLAIN_CHILDREN: dict[str, tuple[str, type]] = {
    "case_events": ("events", TraffickingEvent),
    "referrals": ("referrals", Referral),
    "assistance": ("assistance", Assistance),
    "consents": ("consents", Consent),
    "proceedings": ("proceedings", LegalProceeding),
    "screenings": ("screenings", ScreeningResult),
}


# TriState is a str enum with str hashing, so one dict maps both members and plain strings to plain strings
# (drivers get exact str values; this runs for every flag of every row, so it must be cheap).
_FLAG_TEXT: dict[object, str] = {**{m: m.value for m in TriState}, **{m.value: m.value for m in TriState}}
# Tri-state columns of the child tables dumped field by field.
_CHILD_FLAGS: dict[str, tuple[str, ...]] = {
    "consents": ("interpreter_used",),
    "proceedings": ("non_punishment", "compensation_awarded"),
}


def _flag(value: TriState | str | None) -> str | None:
    return None if value is None else _FLAG_TEXT[value]


_VUL_COLUMNS = tuple((code, t.vul_column(code)) for code in t.VULNERABILITIES)
_MOC_COLUMNS = tuple((code, t.moc_column(code)) for code in t.MEANS_OF_CONTROL)


def _put_flags(row: Row, flags: dict, columns: tuple[tuple[str, str], ...]) -> None:
    for code, column in columns:
        value = flags.get(code)
        row[column] = None if value is None else _FLAG_TEXT[value]


def person_row(person: Person, cipher: FieldCipher) -> Row:
    """The ``persons`` row of ``person`` (personal data encrypted with the cipher's active key)."""
    blob, key_id = cipher.encrypt(person.id, person.personal)
    row: Row = {
        "id": person.id,
        "sex": person.sex,
        "birth_year": person.birth_year,
        "age_years": person.age_years,
        "age_reference_date": person.age_reference_date,
        "citizenship": person.citizenship[0] if person.citizenship else None,
        "other_citizenships": " ".join(person.citizenship[1:]) or None,
        "language": person.primary_language,
        "personal_ciphertext": blob,
        "key_id": key_id,
    }
    _put_flags(row, person.vulnerabilities, _VUL_COLUMNS)
    return row


def case_row(case: Case, version: int = 1) -> Row:
    """The ``cases`` row of ``case`` at ``version``."""
    row: Row = {
        "id": case.id,
        "person_id": case.person.id,
        "organisation_id": case.organisation_id,
        "registered_on": case.registered_on,
        "identification_status": case.identification_status,
        "case_status": case.case_status,
        "justice_status": case.justice_status,
        "is_abduction": _flag(case.is_abduction),
        "recruiter_relation": case.recruitment.recruiter_relation,
        "source": case.source,
        "version": version,
    }
    _put_flags(row, case.means_of_control, _MOC_COLUMNS)
    return row


def child_rows(case: Case) -> TableRows:
    """Rows of every child table of ``case``, keyed by table name (tables without rows are absent)."""
    out: TableRows = defaultdict(list)
    for table, (attr, _) in _PLAIN_CHILDREN.items():
        for position, item in enumerate(getattr(case, attr)):
            # A model's __dict__ holds exactly its fields; copying it is far cheaper than model_dump (hot path).
            out[table].append({**item.__dict__, "case_id": case.id, "position": position})
    for position, exp in enumerate(case.exploitations):
        out["case_exploitations"].append({"case_id": case.id, "position": position, "form": exp.form,
                                          "sector": exp.sector})
    for position, method in enumerate(case.recruitment.methods):
        out["case_recruitment_methods"].append({"case_id": case.id, "position": position, "method": method})
    for position, stage in enumerate(case.lifecycle):
        out["case_lifecycle"].append({"case_id": case.id, "position": position, "stage": stage.stage,
                                      "on_date": stage.on, "outcome": stage.outcome})
    for position, agency in enumerate(dict.fromkeys(case.recorded_by)):  # a set in the store, order kept
        out["case_recorded_by"].append({"case_id": case.id, "position": position, "agency": agency})
    if case.perpetrators:
        out["case_perpetrators"] = link_rows(case)
    for table, columns in _CHILD_FLAGS.items():
        for row in out.get(table, ()):
            for column in columns:
                row[column] = _flag(row[column])
    return dict(out)


def case_rows(case: Case, cipher: FieldCipher, version: int = 1) -> TableRows:
    """All rows of ``case`` keyed by table name: ``persons``, ``cases`` and the child tables."""
    rows: TableRows = {"persons": [person_row(case.person, cipher)], "cases": [case_row(case, version)]}
    if case.perpetrators:
        rows["perpetrators"] = perpetrator_rows(case, cipher)
    rows.update(child_rows(case))
    return rows


def _flags(row: Row, codes: tuple[str, ...], column) -> dict[str, TriState]:
    return {code: TriState(row[column(code)]) for code in codes if row[column(code)] is not None}


def person_from_row(row: Row, cipher: FieldCipher) -> Person:
    citizenship = [row["citizenship"]] if row["citizenship"] else []
    citizenship += (row["other_citizenships"] or "").split()
    return Person.model_construct(
        id=row["id"],
        personal=cipher.decrypt(row["id"], row["personal_ciphertext"], row["key_id"]),
        sex=row["sex"],
        birth_year=row["birth_year"],
        age_years=row["age_years"],
        age_reference_date=row["age_reference_date"],
        citizenship=citizenship,
        primary_language=row["language"],
        vulnerabilities=_flags(row, t.VULNERABILITIES, t.vul_column),
    )


def _strip(row: Row) -> Row:
    return {k: v for k, v in row.items() if k not in ("case_id", "position")}


def case_from_rows(case: Row, person: Person, children: dict[str, list[Row]],
                   perpetrators: dict[str, Perpetrator] | None = None) -> Case:
    """Rebuild a Case from its ``cases`` row, its Person, its child rows (each list in position order) and the
    perpetrators its ``case_perpetrators`` rows name (by id).

    Values were validated on the way in, so the model is rebuilt without re-validation (the read path is hot).
    """
    fields: dict[str, Any] = {
        table_attr: [cls.model_construct(**_strip(r)) for r in children.get(table, [])]
        for table, (table_attr, cls) in _PLAIN_CHILDREN.items()
    }
    for name in ("consents", "proceedings"):
        for item in fields[name]:
            for key in ("interpreter_used", "non_punishment", "compensation_awarded"):
                if key in item.__dict__:
                    item.__dict__[key] = TriState(item.__dict__[key])
    return Case.model_construct(
        id=case["id"],
        organisation_id=case["organisation_id"],
        person=person,
        registered_on=case["registered_on"],
        identification_status=case["identification_status"],
        case_status=case["case_status"],
        justice_status=case["justice_status"],
        exploitations=[Exploitation.model_construct(form=r["form"], sector=r["sector"])
                       for r in children.get("case_exploitations", [])],
        recruitment=Recruitment.model_construct(
            methods=[r["method"] for r in children.get("case_recruitment_methods", [])],
            recruiter_relation=case["recruiter_relation"],
        ),
        means_of_control=_flags(case, t.MEANS_OF_CONTROL, t.moc_column),
        is_abduction=TriState(case["is_abduction"]),
        lifecycle=[LifecycleEvent.model_construct(stage=r["stage"], on=r["on_date"], outcome=r["outcome"])
                   for r in children.get("case_lifecycle", [])],
        recorded_by=[r["agency"] for r in children.get("case_recorded_by", [])],
        source=case["source"],
        perpetrators=links_from_rows(children.get("case_perpetrators", []), perpetrators or {}),
        **fields,
    )
