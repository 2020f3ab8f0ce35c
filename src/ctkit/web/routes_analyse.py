"""Analysts' dashboards: the snapshot's profiles, exploitation, routes, trends and funnel, with filters.

Every route depends on ``requires("snapshot.view")`` and authorizes the organisation's snapshot with the policy.
The page carries its charts as JSON (``<script type="application/json">``, never executed) and draws them with
plotly.js and ``dashboard.js`` served from this app: no inline script, no CDN (the CSP allows 'self' only).
Dashboards are internal (exact counts from the pseudonymised snapshot); publications go through
``ctkit report``, which applies disclosure control.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Annotated

import plotly
from fastapi import APIRouter, Depends, Query
from fastapi.responses import FileResponse, Response

from ctkit.errors import NotFoundError, ValidationError
from ctkit.web.guard import Ctx, requires
from ctkit.web.pages import render
from ctkit.web.policy import OrgResource

router = APIRouter()
api = APIRouter(prefix="/api/v1/analyse", tags=["analyse"])
ACTION = "snapshot.view"
ASSETS = {"plotly.min.js": Path(plotly.__file__).parent / "package_data" / "plotly.min.js",
          "dashboard.js": Path(str(resources.files("ctkit.web").joinpath("templates/analyse/dashboard.js")))}
Years = Annotated[int | None, Query(ge=1900, le=2100)]
Codes = Annotated[list[str] | None, Query()]


@lru_cache(maxsize=2)
def _open(path: str, stamp: float):
    from ctkit.analyse import Snapshot

    return Snapshot.open(Path(path))


def snapshot_for(ctx: Ctx):
    """The organisation's current snapshot (re-read when ``ctkit snapshot`` writes a new one)."""
    ctx.authorize(ACTION, OrgResource(ctx.actor.organisation_id))
    path = ctx.state.settings.data_dir / "snapshot"
    manifest = path / "manifest.json"
    if not manifest.exists():
        raise NotFoundError("there is no analysis snapshot yet", hint="run 'ctkit snapshot' on the server")
    return _open(str(path), manifest.stat().st_mtime)


def filters_of(year_from, year_to, sex, age_band, form, citizenship, region):
    from ctkit.analyse import Filters

    years = None if year_from is None and year_to is None else (year_from or 1900, year_to or 2100)
    return Filters(years=years, sex=tuple(sex or ()), age_band=tuple(age_band or ()), form=tuple(form or ()),
                   citizenship=tuple(c for c in citizenship or () if c),
                   region=tuple(r for r in region or () if r)).validated()


def _figures(snap, filters, lang: str) -> dict[str, str | None]:
    from ctkit.analyse import charts, corridors, exploitation, flows, funnel, place_roles, profiles, trends

    tables = {"profiles": profiles(snap, filters), "exploitation": exploitation(snap, filters),
              "flows": flows(snap, filters), "roles": place_roles(snap, filters),
              "corridors": corridors(snap, filters), "trends": trends(snap, filters), "funnel": funnel(snap, filters)}
    built = charts.figure_set(tables, lang)
    # JSON inside <script type="application/json">: escape '<' so no '</script>' can end the element.
    return {name: None if fig is None else fig.to_json().replace("<", "\\u003c") for name, fig in built.items()}


@router.get("/analyse", include_in_schema=False)
def dashboard_page(ctx: Annotated[Ctx, Depends(requires(ACTION))], year_from: Years = None, year_to: Years = None,
                   sex: Codes = None, age_band: Codes = None, form: Codes = None, citizenship: Codes = None,
                   region: Codes = None) -> Response:
    from ctkit.analyse.filters import AGE_BANDS
    from ctkit.vocab import code_list

    snap = snapshot_for(ctx)
    filters = filters_of(year_from, year_to, sex, age_band, form, citizenship, region)
    lang = ctx.lang if ctx.lang in ("en", "ru") else "en"
    cases = int(snap.scalar(f"WITH {filters.cte()[0]} SELECT count(*) FROM filtered", filters.cte()[1]))
    return render(ctx, "analyse/dashboard.html", figures=_figures(snap, filters, lang) if cases else {},
                  cases=cases, source=snap.source, created=snap.manifest.get("created_at"), filters=filters,
                  sexes=list(code_list("sex")), bands=AGE_BANDS, forms=list(code_list("exploitation_form")))


@router.get("/analyse/assets/{name}", include_in_schema=False)
def asset(ctx: Annotated[Ctx, Depends(requires(ACTION))], name: str) -> Response:
    if name not in ASSETS:
        raise NotFoundError("no such asset")
    return FileResponse(ASSETS[name], media_type="text/javascript", headers={"Cache-Control": "private, max-age=86400"})


@api.get("/{name}")
def api_analysis(ctx: Annotated[Ctx, Depends(requires(ACTION))], name: str, year_from: Years = None,
                 year_to: Years = None, sex: Codes = None, age_band: Codes = None, form: Codes = None,
                 citizenship: Codes = None, region: Codes = None, by: str | None = None,
                 level: str = "country", view: str = "corridors", period: str = "year") -> list[dict]:
    """One analysis of the snapshot as tidy rows (``profiles``, ``exploitation``, ``routes``, ``recruitment``,
    ``trends``, ``funnel``), with the dashboard's filters."""
    from ctkit.analyse import analysis

    func = analysis(name)
    snap = snapshot_for(ctx)
    filters = filters_of(year_from, year_to, sex, age_band, form, citizenship, region)
    options = {"profiles": {"by": by}, "exploitation": {"by": by}, "recruitment": {"by": by},
               "routes": {"level": level, "view": view}, "trends": {"period": period, "by": by}, "funnel": {}}[name]
    if by is not None and "by" not in options:
        raise ValidationError(f"'by' does not apply to {name}")
    table = func(snap, filters, **options)
    return table.astype(object).where(table.notna(), None).to_dict(orient="records")
