"""A case as an HTCDS record and back: standard HTCDS v2.0 fields plus ``ctk_`` extension fields.

A record is a dict of JSON-native values (text, lists of text, lists of objects). The standard fields carry what
HTCDS can say, in HTCDS values; the ``ctk_`` fields carry our exact codes and the parts of a case HTCDS is silent
about, so model -> HTCDS -> model is lossless for everything but personal data, which an export never contains.
A record from another system (standard fields only) is read as well as HTCDS allows.

HTCDS: Human Trafficking Case Data Standard by IOM, CC BY 4.0, https://github.com/UNMigration/HTCDS.
"""

from __future__ import annotations

import json
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

import yaml
from pydantic import ValidationError as PydanticValidationError

from ctkit.errors import CtkitError, ImportFormatError
from ctkit.model import Case, TriState, describe_validation_error
from ctkit.vocab import code_list, country_alpha3

Record = dict[str, Any]
_LIST_CHILDREN = ("lifecycle", "referrals", "assistance", "consents", "proceedings", "screenings")


@cache
def htcds_spec() -> dict[str, Any]:
    text = resources.files("ctkit.share.formats").joinpath("data/htcds.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def columns() -> list[str]:
    """Every column an export writes, in order: the standard HTCDS fields, then the ctk_ extension fields."""
    spec = htcds_spec()
    return [*spec["standard"], *spec["extension"]]


def _to_htcds(list_name: str, code: str | None) -> str:
    return (code_list(list_name).to_htcds(code) or "") if code else ""


def _from_htcds(list_name: str, value: str) -> str | None:
    """Our code for an HTCDS value: 'other' where several codes share it, else the first; None if unmapped."""
    codes = [c for c in code_list(list_name).codes.values() if c.htcds == value]
    if not codes:
        return "other" if "other" in code_list(list_name) else None
    return next((c.code for c in codes if c.code == "other"), codes[0].code)


def _unique(values: list[str]) -> list[str]:
    return [v for v in dict.fromkeys(values) if v]


def _iso(value: date | None) -> str:
    return value.isoformat() if value else ""


def case_to_record(case: Case) -> Record:
    """The HTCDS record of ``case``. Personal data (names, birth date, contacts...) is never included.

    >>> case_to_record(case)["prs_Gender"]  # doctest: +SKIP
    'Feminine'
    """
    person = case.person
    route = case.route()
    first = route[0] if route else None
    began = next((e.start_date for e in route if e.start_date), None)
    age = person.age_at(began) if began else None
    forced = next((e.sector for e in case.exploitations if e.form == "forced_labour" and e.sector), None)
    yes = TriState.yes
    return {
        "prs_Gender": _to_htcds("sex", person.sex),
        "prs_Citizenship": list(person.citizenship),
        "prs_PrimaryLanguage": person.primary_language or "",
        "vic_TraffickingStatus": _to_htcds("identification_status", case.identification_status),
        "vic_RelationshipToTrafficker": _to_htcds("recruiter_relation", case.recruitment.recruiter_relation),
        "vic_AgeWhenTrafficked": "" if age is None else str(age),
        "vic_MethodOfRecruitment": _unique([_to_htcds("recruitment_method", m) for m in case.recruitment.methods]),
        "vic_MethodsOfControl": _unique([_to_htcds("means_of_control", c) for c, v in case.means_of_control.items()
                                         if v == yes]),
        "vic_TypeOfExploitation": _unique([_to_htcds("exploitation_form", e.form) for e in case.exploitations]),
        "vic_ForcedLabourIndustry": _to_htcds("sector", forced),
        "vic_Vulnerabilities": _unique([_to_htcds("vulnerability", c) for c, v in person.vulnerabilities.items()
                                        if v == yes]),
        "cas_Status": _to_htcds("case_status", case.case_status),
        "hte_Type": _to_htcds("event_type", first.type) if first else "",
        "hte_Country": (first.country or "") if first else "",
        "hte_Date": _iso(first.start_date) if first else "",
        "con_Consent": "" if not case.consents else str(any(c.withdrawn_on is None for c in case.consents)).lower(),
        # one victim record carries the roles of all its perpetrators (HTCDS's perpetrator context, flattened)
        "per_RoleInProcess": _unique([_to_htcds("perpetrator_role", r) for p in case.perpetrators for r in p.roles]),
        **_extension(case),
    }


def _extension(case: Case) -> Record:
    person = case.person
    return {
        "ctk_case_id": case.id,
        "ctk_person_id": person.id,
        "ctk_organisation_id": case.organisation_id or "",
        "ctk_registered_on": case.registered_on.isoformat(),
        "ctk_source": case.source or "",
        "ctk_identification_status": case.identification_status,
        "ctk_case_status": case.case_status,
        "ctk_justice_status": case.justice_status,
        "ctk_is_abduction": TriState(case.is_abduction).value,
        "ctk_sex": person.sex,
        "ctk_birth_year": "" if person.birth_year is None else str(person.birth_year),
        "ctk_age_years": "" if person.age_years is None else str(person.age_years),
        "ctk_age_reference_date": _iso(person.age_reference_date),
        "ctk_vulnerabilities": [f"{c}={TriState(v).value}" for c, v in person.vulnerabilities.items()],
        "ctk_recruitment_methods": list(case.recruitment.methods),
        "ctk_recruiter_relation": case.recruitment.recruiter_relation or "",
        "ctk_means_of_control": [f"{c}={TriState(v).value}" for c, v in case.means_of_control.items()],
        "ctk_exploitations": [f"{e.form}:{e.sector or ''}" for e in case.exploitations],
        "ctk_events": [e.model_dump(mode="json") for e in case.events],
        "ctk_recorded_by": list(case.recorded_by),
        **{f"ctk_{name}": [item.model_dump(mode="json") for item in getattr(case, name)] for name in _LIST_CHILDREN},
        "ctk_perpetrators": [{**p.perpetrator.model_dump(mode="json", exclude={"personal"}), "roles": list(p.roles),
                              "label": p.label} for p in case.perpetrators],  # never the personal data
    }


class _Reader:
    """Reads one record; every error names the file, line and column."""

    def __init__(self, record: Record, where: str) -> None:
        self.record, self.where = record, where

    def fail(self, column: str, message: str) -> ImportFormatError:
        return ImportFormatError(f"{self.where}, column '{column}': {message}")

    def text(self, column: str) -> str:
        value = self.record.get(column, "")
        if isinstance(value, list | dict):
            raise self.fail(column, "expected a single value, found a list")
        return "" if value is None else str(value).strip()

    def items(self, column: str) -> list:
        value = self.record.get(column, [])
        if isinstance(value, str):
            return [v.strip() for v in value.split(";") if v.strip()]
        if not isinstance(value, list):
            raise self.fail(column, "expected a list")
        return value

    def picklist(self, column: str, value: str) -> str:
        allowed = htcds_spec()["standard"][column].get("values")
        if allowed and value not in allowed:
            raise self.fail(column, f"value not allowed; allowed: {', '.join(allowed)}")
        return value

    def coded(self, ext: str, column: str | None, list_name: str, default: str | None) -> str | None:
        exact = self.text(ext)
        if exact:
            if exact not in code_list(list_name):
                raise self.fail(ext, f"value not allowed; allowed: {', '.join(code_list(list_name))}")
            return exact
        value = self.text(column) if column else ""
        return _from_htcds(list_name, self.picklist(column, value)) if value else default

    def flags(self, ext: str, column: str, list_name: str) -> dict[str, str]:
        exact = self.items(ext)
        if exact:
            pairs = [item.partition("=") for item in exact]
            if any(not sep or v not in TriState.__members__ for _, sep, v in pairs):
                raise self.fail(ext, "expected code=yes|no|unknown items")
            return {code: value for code, _, value in pairs}
        codes = [_from_htcds(list_name, self.picklist(column, v)) for v in self.items(column)]
        return {code: "yes" for code in codes if code}


def record_to_case(record: Record, where: str) -> Case:
    """Rebuild a Case from an HTCDS record; ``where`` ("file: line N") prefixes every error message.

    Raises ImportFormatError naming the column (or the model field) and the allowed values.
    """
    r = _Reader(record, where)
    person: dict[str, Any] = {
        "sex": r.coded("ctk_sex", "prs_Gender", "sex", "unknown"),
        "citizenship": _countries(r, "prs_Citizenship"),
        "primary_language": r.text("prs_PrimaryLanguage") or None,
        "birth_year": r.text("ctk_birth_year") or None,
        "age_years": r.text("ctk_age_years") or None,
        "age_reference_date": r.text("ctk_age_reference_date") or None,
        "vulnerabilities": r.flags("ctk_vulnerabilities", "vic_Vulnerabilities", "vulnerability"),
        "personal": {field: r.text(col) or None for col, field in htcds_spec()["personal_fields"].items()},
    }
    if r.text("ctk_person_id"):
        person["id"] = r.text("ctk_person_id")
    data: dict[str, Any] = {
        "person": person,
        "organisation_id": r.text("ctk_organisation_id") or None,
        "registered_on": r.text("ctk_registered_on") or r.text("hte_Date") or None,
        "source": r.text("ctk_source") or None,
        "identification_status": r.coded("ctk_identification_status", "vic_TraffickingStatus",
                                         "identification_status", "screened"),
        "case_status": r.coded("ctk_case_status", "cas_Status", "case_status", "open"),
        "justice_status": r.coded("ctk_justice_status", None, "justice_status", "none"),
        "is_abduction": r.text("ctk_is_abduction") or "unknown",
        "recruitment": {
            "methods": r.items("ctk_recruitment_methods") or _mapped(r, "vic_MethodOfRecruitment",
                                                                      "recruitment_method"),
            "recruiter_relation": r.coded("ctk_recruiter_relation", "vic_RelationshipToTrafficker",
                                          "recruiter_relation", None),
        },
        "means_of_control": r.flags("ctk_means_of_control", "vic_MethodsOfControl", "means_of_control"),
        "exploitations": _exploitations(r),
        "events": _json_list(r, "ctk_events") or _first_event(r),
        "recorded_by": r.items("ctk_recorded_by"),
        **{name: _json_list(r, f"ctk_{name}") for name in _LIST_CHILDREN},
        "perpetrators": _perpetrators(r),
    }
    if r.text("ctk_case_id"):
        data["id"] = r.text("ctk_case_id")
    if data["registered_on"] is None:
        raise r.fail("ctk_registered_on", "a registration date is required (or hte_Date as a fallback)")
    try:
        return Case.model_validate(data)
    except PydanticValidationError as exc:
        raise ImportFormatError(describe_validation_error(exc, where)) from None


def _countries(r: _Reader, column: str) -> list[str]:
    try:
        return [country_alpha3(code) for code in r.items(column)]
    except CtkitError:
        raise r.fail(column, "not an ISO 3166-1 country code (alpha-2 or alpha-3)") from None


def _mapped(r: _Reader, column: str, list_name: str) -> list[str]:
    return _unique([_from_htcds(list_name, r.picklist(column, v)) or "" for v in r.items(column)])


def _exploitations(r: _Reader) -> list[dict]:
    exact = r.items("ctk_exploitations")
    if exact:
        return [{"form": form, "sector": sector or None} for form, _, sector in (i.partition(":") for i in exact)]
    industry = r.text("vic_ForcedLabourIndustry")
    sector = _from_htcds("sector", r.picklist("vic_ForcedLabourIndustry", industry)) if industry else None
    forms = _mapped(r, "vic_TypeOfExploitation", "exploitation_form")
    return [{"form": f, "sector": sector if f == "forced_labour" else None} for f in forms]


def _perpetrators(r: _Reader) -> list[dict]:
    """``ctk_perpetrators`` as written by ctkit; else one perpetrator holding the standard roles, if any."""
    exact = _json_list(r, "ctk_perpetrators")
    if exact:
        return [{"perpetrator": {k: v for k, v in item.items() if k not in ("roles", "label")},
                 "roles": item.get("roles", []), "label": item.get("label")} for item in exact]
    roles = _mapped(r, "per_RoleInProcess", "perpetrator_role")
    return [{"perpetrator": {}, "roles": roles}] if roles else []


def _first_event(r: _Reader) -> list[dict]:
    kind = r.text("hte_Type")
    if not kind:
        return []
    event = {"type": _from_htcds("event_type", r.picklist("hte_Type", kind)),
             "country": r.text("hte_Country") or None, "start_date": r.text("hte_Date") or None}
    return [event]


def _json_list(r: _Reader, column: str) -> list:
    value = r.record.get(column, [])
    if isinstance(value, str):
        if not value.strip():
            return []
        try:
            value = json.loads(value)
        except ValueError:
            raise r.fail(column, "not valid JSON (expected a list of objects)") from None
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise r.fail(column, "expected a list of objects")
    return value
