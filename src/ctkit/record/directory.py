"""The directory of service providers: organisations with their services, languages, regions and capacity.

It reads the store's ``organisations`` table (nothing personal). Free places = capacity minus the referrals for
that service the organisation has accepted and not yet finished.

>>> search(conn, service="shelter", language="ru")  # doctest: +SKIP
[Provider(id='...', name='Safe House', services=('shelter',), ...)]
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, func, select

from ctkit.errors import NotFoundError, ValidationError
from ctkit.model import Organisation
from ctkit.store import tables as t
from ctkit.store.casework_tables import casework_referrals


@dataclass(frozen=True)
class Provider:
    id: str
    name: str
    type: str
    country: str | None
    region: str | None
    services: tuple[str, ...]
    languages: tuple[str, ...]
    capacity: int | None
    in_use: int

    @property
    def free(self) -> int | None:
        """Free places, or None when the organisation states no capacity."""
        return None if self.capacity is None else max(0, self.capacity - self.in_use)


def register(conn: Connection, org: Organisation) -> str:
    """Add an organisation to the directory (validated by the model); returns its id."""
    conn.execute(t.organisations.insert().values(
        id=org.id, name=org.name, type=org.type, country=org.country, region=org.region,
        services=list(org.services), languages=list(org.languages), capacity=org.capacity))
    return org.id


def _in_use(conn: Connection) -> dict[str, int]:
    rows = conn.execute(select(casework_referrals.c.to_organisation_id, func.count())
                        .where(casework_referrals.c.status == "accepted")
                        .group_by(casework_referrals.c.to_organisation_id)).all()
    return dict(rows)


def _provider(row, in_use: dict[str, int]) -> Provider:
    return Provider(row.id, row.name, row.type, row.country, row.region, tuple(row.services or ()),
                    tuple(row.languages or ()), row.capacity, in_use.get(row.id, 0))


def get(conn: Connection, organisation_id: str) -> Provider:
    """One provider; NotFoundError naming ``to_organisation`` when it is not in the directory."""
    row = conn.execute(select(t.organisations).where(t.organisations.c.id == organisation_id)).first()
    if row is None:
        raise NotFoundError("to_organisation: not in the service directory")
    return _provider(row, _in_use(conn))


def search(conn: Connection, *, service: str | None = None, language: str | None = None,
           region: str | None = None, country: str | None = None, with_free_places: bool = False,
           limit: int = 100) -> list[Provider]:
    """Providers matching every given criterion, by name. Filters on JSON lists run in Python (small table)."""
    if limit < 1 or limit > 500:
        raise ValidationError("limit: must be between 1 and 500")
    query = select(t.organisations).order_by(t.organisations.c.name)
    if region:
        query = query.where(t.organisations.c.region == region)
    if country:
        query = query.where(t.organisations.c.country == country)
    in_use = _in_use(conn)
    found = []
    for row in conn.execute(query):
        p = _provider(row, in_use)
        if service and service not in p.services:
            continue
        if language and language not in p.languages:
            continue
        if with_free_places and p.free == 0:
            continue
        found.append(p)
    return found[:limit]
