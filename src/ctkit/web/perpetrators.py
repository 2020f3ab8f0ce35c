"""Perpetrators on a case (casework): list them, add a new or an already recorded one, edit one, and say which
perpetrator a legal proceeding is against. Used by :mod:`ctkit.web.routes_perpetrators` (pages and JSON).

Every service checks the action on the case through the policy (``perpetrator.view`` / ``perpetrator.edit`` /
``perpetrator.reveal``; denials audited, a case out of view answers 404) and audits what it did with ids and codes
only. A perpetrator's personal data is stored encrypted and returned by :func:`reveal` only, per perpetrator, with
a coded reason (the victim reveal's, :mod:`ctkit.web.reveal`); everything else says only whether some is recorded.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, delete, select, update

from ctkit.errors import ConflictError, NotFoundError
from ctkit.model import Case, CasePerpetrator, Perpetrator, PerpetratorPersonalData
from ctkit.record import Target
from ctkit.store import tables as t
from ctkit.store.audit import AuditEvent, append
from ctkit.store.perpetrators import link_rows, load_perpetrators, perpetrator_row, upsert_perpetrators
from ctkit.web import reveal as reveal_helpers
from ctkit.web.guard import Ctx
from ctkit.web.routes_casework_access import who

VIEW, EDIT, REVEAL = "perpetrator.view", "perpetrator.edit", "perpetrator.reveal"
PERSONAL_FIELDS = ("first_name", "middle_name", "last_name", "aliases", "birth_date", "documents", "notes")


@dataclass(frozen=True)
class Details:
    """The non-personal fields of a perpetrator as a form or the API gives them."""

    sex: str = "unknown"
    birth_year: int | None = None
    citizenship: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    label: str | None = None


def summary(case: Case) -> list[dict[str, Any]]:
    """The case's perpetrators without personal data, with the proceedings against each."""
    against: dict[str, list[dict[str, str]]] = {}
    for p in case.proceedings:
        if p.perpetrator_id:
            against.setdefault(p.perpetrator_id, []).append({"id": p.id, "status": p.status})
    return [{"id": link.perpetrator.id, "label": link.label, "roles": list(link.roles), "sex": link.perpetrator.sex,
             "birth_year": link.perpetrator.birth_year, "citizenship": list(link.perpetrator.citizenship),
             "personal_recorded": not link.perpetrator.personal.is_empty(),
             "proceedings": against.get(link.perpetrator.id, [])} for link in case.perpetrators]


def view(ctx: Ctx, case_id: str) -> tuple[Case, int]:
    """The case (for its perpetrators and proceedings) and its version; the view is audited."""
    scope = who(ctx).authorize(VIEW, Target(case_id))
    store = ctx.state.store
    version = store.cases.version(case_id)
    case = store.cases.get(case_id)
    with store.engine.begin() as conn:
        _audit(conn, ctx, VIEW, scope, case_id, view="perpetrators")
    return case, version


def add(ctx: Ctx, case_id: str, details: Details, *, personal: PerpetratorPersonalData | None = None,
        existing_id: str | None = None, version: int | None = None) -> tuple[str, int]:
    """Put a perpetrator on the case: a new one (``details`` and ``personal``), or ``existing_id``, one the
    organisation already recorded (on another case of the network), with ``details``' roles and label.
    Returns (perpetrator id, new case version)."""
    scope = who(ctx).authorize(EDIT, Target(case_id))
    case, current = _load(ctx, case_id, version)
    if existing_id is not None:
        perpetrator = _recorded(ctx, existing_id)
        if case.perpetrator(existing_id) is not None:
            raise ConflictError("perpetrator_id: is already on this case")
    else:
        perpetrator = Perpetrator(organisation_id=ctx.actor.organisation_id, sex=details.sex,
                                  birth_year=details.birth_year, citizenship=list(details.citizenship),
                                  personal=personal or PerpetratorPersonalData())
    case.perpetrators = [*case.perpetrators, CasePerpetrator(perpetrator=perpetrator, roles=list(details.roles),
                                                             label=details.label)]
    new_version = _save(ctx, case, current, [perpetrator] if existing_id is None else [], scope,
                        perpetrator=perpetrator.id, roles=len(details.roles), existing=existing_id is not None)
    return perpetrator.id, new_version


def edit(ctx: Ctx, case_id: str, perpetrator_id: str, details: Details, *,
         personal: PerpetratorPersonalData | None = None, version: int | None = None) -> int:
    """Change a perpetrator of the case (their details, and their roles and label on this case). ``personal``
    None keeps the recorded personal data; given, it replaces it. Returns the new case version."""
    scope = who(ctx).authorize(EDIT, Target(case_id))
    case, current = _load(ctx, case_id, version)
    link = case.perpetrator(perpetrator_id)
    if link is None:
        raise NotFoundError("no such perpetrator on this case")
    changed = Perpetrator(id=link.perpetrator.id, organisation_id=link.perpetrator.organisation_id, sex=details.sex,
                          birth_year=details.birth_year, citizenship=list(details.citizenship),
                          personal=personal if personal is not None else link.perpetrator.personal)
    case.perpetrators = [CasePerpetrator(perpetrator=changed, roles=list(details.roles), label=details.label)
                         if p.perpetrator.id == perpetrator_id else p for p in case.perpetrators]
    return _save(ctx, case, current, [changed], scope, perpetrator=perpetrator_id, roles=len(details.roles),
                 personal_changed=personal is not None)


def link_proceeding(ctx: Ctx, case_id: str, proceeding_id: str, perpetrator_id: str | None, *,
                    version: int | None = None) -> int:
    """Say which of the case's perpetrators a proceeding is against (None: not known). New case version."""
    scope = who(ctx).authorize(EDIT, Target(case_id))
    case, current = _load(ctx, case_id, version)
    if not any(p.id == proceeding_id for p in case.proceedings):
        raise NotFoundError("no such proceeding on this case")
    if perpetrator_id is not None and case.perpetrator(perpetrator_id) is None:
        raise ConflictError("perpetrator_id: names no perpetrator of this case")
    case.proceedings = [p.model_copy(update={"perpetrator_id": perpetrator_id}) if p.id == proceeding_id else p
                        for p in case.proceedings]
    return _save(ctx, case, current, [], scope, perpetrator=perpetrator_id, proceeding=proceeding_id)


def reveal(ctx: Ctx, case_id: str, perpetrator_id: str, reason_code: str) -> dict[str, object]:
    """The personal fields of one perpetrator of the case, after the policy check; the reveal, its reason code and
    the perpetrator's id are audited. NotFoundError when the perpetrator is not on this case."""
    reveal_helpers.checked_reason(reason_code)
    scope = who(ctx).authorize(REVEAL, Target(case_id))
    store = ctx.state.store
    with store.engine.begin() as conn:  # the read and its audit event: one transaction
        on_case = conn.execute(select(t.case_perpetrators.c.perpetrator_id).where(
            t.case_perpetrators.c.case_id == case_id,
            t.case_perpetrators.c.perpetrator_id == perpetrator_id)).first()
        found = load_perpetrators(conn, [perpetrator_id], store.cipher).get(perpetrator_id) if on_case else None
        if found is None:
            raise NotFoundError("no such perpetrator on this case")
        append(conn, reveal_helpers.reveal_event(ctx, REVEAL, case_id, reason_code, scope, perpetrator=perpetrator_id))
    return reveal_helpers.revealed_fields(found.personal, PERSONAL_FIELDS)


def _load(ctx: Ctx, case_id: str, expected: int | None) -> tuple[Case, int]:
    repo = ctx.state.store.cases
    version = repo.version(case_id)
    if expected is not None and expected != version:
        raise ConflictError(f"case {case_id} was changed by someone else (version {version}, expected {expected})",
                            hint="reload the case and apply your change again")
    return repo.get(case_id), version


def _recorded(ctx: Ctx, perpetrator_id: str) -> Perpetrator:
    """A perpetrator of the actor's organisation; NotFoundError for any other (a guessed id reveals nothing)."""
    with ctx.state.store.engine.connect() as conn:
        found = load_perpetrators(conn, [perpetrator_id], ctx.state.store.cipher).get(perpetrator_id)
    if found is None or found.organisation_id != ctx.actor.organisation_id:
        raise NotFoundError("perpetrator not found")
    return found


def _save(ctx: Ctx, case: Case, version: int, written: list[Perpetrator], scope: str, **details) -> int:
    """Write the case's perpetrators, links and proceeding links under the version check, and the audit row,
    in one transaction. The case is re-validated first (a proceeding must name a perpetrator of the case)."""
    Case.model_validate(case.model_dump())
    store = ctx.state.store
    with store.engine.begin() as conn:
        result = conn.execute(update(t.cases).where(t.cases.c.id == case.id, t.cases.c.version == version)
                              .values(version=version + 1))
        if result.rowcount != 1:
            raise ConflictError(f"case {case.id} was changed by someone else meanwhile",
                                hint="reload the case and apply your change again")
        if written:
            upsert_perpetrators(conn, [perpetrator_row(p, store.cipher) for p in written])
        conn.execute(delete(t.case_perpetrators).where(t.case_perpetrators.c.case_id == case.id))
        if case.perpetrators:
            conn.execute(t.case_perpetrators.insert(), link_rows(case))
        _write_proceeding_links(conn, case)
        _audit(conn, ctx, EDIT, scope, case.id, **details)
    return version + 1


def _write_proceeding_links(conn: Connection, case: Case) -> None:
    stored = dict(conn.execute(select(t.proceedings.c.id, t.proceedings.c.perpetrator_id)
                               .where(t.proceedings.c.case_id == case.id)).all())
    for p in case.proceedings:
        if p.id in stored and stored[p.id] != p.perpetrator_id:
            conn.execute(update(t.proceedings).where(t.proceedings.c.id == p.id)
                         .values(perpetrator_id=p.perpetrator_id))


def _audit(conn: Connection, ctx: Ctx, action: str, scope: str, case_id: str, **details) -> None:
    append(conn, AuditEvent(action=action, outcome="allowed", reason=scope, actor_id=ctx.actor.user_id,
                            organisation_id=ctx.actor.organisation_id, resource_type="case", resource_id=case_id,
                            details={k: v for k, v in details.items() if v is not None and v != ""}))
