"""What a CTDC round trip keeps of a case: :func:`coarsen` states CTDC's coarsening on the model itself.

``import(export(case))`` equals ``coarsen(case)`` up to identifiers (the round-trip property tests check it). It is
written independently of the columnar exporter and importer, so each checks the other.
"""

from __future__ import annotations

from datetime import date

from ctkit.model import Case, Exploitation, Person, Recruitment, TraffickingEvent, TriState
from ctkit.share.formats.layouts import ctdc_spec
from ctkit.vocab import CTDC_AGE_BANDS, ctdc_age_band


def _combine(values: list[TriState | None]) -> TriState:
    values = [v or TriState.unknown for v in values]
    if TriState.yes in values:
        return TriState.yes
    return TriState.no if all(v == TriState.no for v in values) else TriState.unknown


def _middle(age: int | None) -> int | None:
    band = ctdc_age_band(age) if age is not None and age >= 0 else None
    for low, high, label in CTDC_AGE_BANDS:
        if label == band:
            return low if high is None else (low + high) // 2
    return None


def _person(case: Case, synthetic: bool, registered: date) -> Person:
    spec = ctdc_spec()
    genders = set(spec["gender"]["synthetic" if synthetic else "global"].values())
    sex = case.person.sex if case.person.sex in genders else (spec["gender_export"].get(case.person.sex) or "unknown")
    # The exporter reads only non-personal columns: the encrypted birth date does not count.
    public = case.person.model_copy(update={"personal": type(case.person.personal)()})
    middle = _middle(public.age_at(case.registered_on))
    return Person(
        id=case.person.id,
        sex=sex,
        age_years=middle,
        age_reference_date=registered if middle is not None else None,
        citizenship=case.person.citizenship[:1],
    )


def _means(case: Case, synthetic: bool) -> dict[str, TriState]:
    spec = ctdc_spec()
    means = case.means_of_control
    out: dict[str, TriState] = {}
    if synthetic:
        for members in spec["synthetic_means"].values():
            value = _combine([means.get(c) for c in members])
            out[members[0]] = value
            out.update({c: TriState.no if value == TriState.no else TriState.unknown for c in members[1:]})
        return out
    folded = spec["global_means_export"]
    for code in dict.fromkeys(spec["global_means"].values()):
        extra = [c for c, target in folded.items() if spec["global_means"][target] == code]
        out[code] = _combine([means.get(code), *[means.get(c) for c in extra]])
    return out


def _exploitations(case: Case, synthetic: bool) -> list[Exploitation]:
    spec = ctdc_spec()
    forms = spec["synthetic_forms" if synthetic else "global_forms"]
    labour = list(spec["synthetic_labour" if synthetic else "global_labour"].values())
    as_labour = {form: sector for form, (_, sector) in spec["global_forms_as_labour"].items()}
    found_forms, sectors = set(), set()
    for exp in case.exploitations:
        form, sector = exp.form, exp.sector
        if form in as_labour:
            form, sector = "forced_labour", as_labour[form]
        if form not in forms.values():
            form = "other"
        found_forms.add(form)
        if form == "forced_labour":
            sector = spec["global_labour_export"].get(sector, sector)
            if sector in labour:
                sectors.add(sector)
    out: list[Exploitation] = []
    for form in forms.values():
        if form not in found_forms:
            continue
        if form == "forced_labour":
            out += [Exploitation(form=form, sector=s) for s in labour if s in sectors]
            if not sectors:
                out.append(Exploitation(form=form))
        else:
            out.append(Exploitation(form=form))
    return out


def coarsen(case: Case, layout: str = "ctdc") -> Case:
    """The case as a CTDC file can carry it (``layout``: ``ctdc``, ``ctdc-2021`` or ``ctdc-synthetic``).

    Statuses take the import defaults (identified victim, closed case), which is what re-importing gives.
    """
    spec = ctdc_spec()
    synthetic = layout == "ctdc-synthetic"
    registered = date(case.registered_on.year, 1, 1)
    relation = case.recruitment.recruiter_relation
    relation = spec["global_recruiter_export"].get(relation, relation)
    exploitation = next((e for e in case.events if e.type == "exploitation"), None)
    events = [TraffickingEvent(type="exploitation", country=exploitation.country)] if (
        exploitation and exploitation.country) else []
    return Case(
        id=case.id,
        person=_person(case, synthetic, registered),
        registered_on=registered,
        identification_status="conclusive_victim",
        case_status="closed",
        is_abduction=TriState.unknown if synthetic else case.is_abduction,
        recruitment=Recruitment(recruiter_relation=relation),
        means_of_control=_means(case, synthetic),
        exploitations=_exploitations(case, synthetic),
        events=events,
        source=None if synthetic or case.source not in spec["datasource"] else case.source,
    )
