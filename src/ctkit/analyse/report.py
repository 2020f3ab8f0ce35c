"""The public report: one self-contained HTML file (English or Russian) built only from published tables.

Every number in it has passed :func:`ctkit.analyse.publish.publish` (disclosure control); the plain-language text
is generated from those published numbers, never from the raw counts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
from jinja2 import Environment, PackageLoader, select_autoescape

from ctkit.analyse import charts
from ctkit.analyse.exploitation import exploitation
from ctkit.analyse.filters import Filters
from ctkit.analyse.funnel import funnel
from ctkit.analyse.profiles import profiles
from ctkit.analyse.publish import publish
from ctkit.analyse.routes import corridors, flows, place_roles, place_totals
from ctkit.analyse.scale import scale_text
from ctkit.analyse.snapshot import Snapshot
from ctkit.analyse.texts import check_lang, label, message, percent, place_name
from ctkit.analyse.trends import trends
from ctkit.errors import DisclosureError
from ctkit.share.disclosure import DisclosurePolicy


@dataclass
class Published:
    """The disclosure-controlled tables one report is made of."""

    profiles: pd.DataFrame
    exploitation: pd.DataFrame
    trends: pd.DataFrame
    funnel: pd.DataFrame
    roles: pd.DataFrame
    region_roles: pd.DataFrame
    corridors: pd.DataFrame
    flows: pd.DataFrame

    @property
    def total(self) -> int:
        shown = self.trends["count"].dropna()
        return int(shown.sum()) if len(shown) else 0


def published_tables(snap: Snapshot, policy: DisclosurePolicy, filters: Filters | None = None) -> Published:
    """Run every report analysis on ``snap`` and pass each table through ``policy``."""
    countries = place_totals(snap, filters, "country")
    regions = place_totals(snap, filters, "region")
    corr = publish(corridors(snap, filters, top=None), policy, countries)
    return Published(
        profiles=publish(profiles(snap, filters), policy),
        exploitation=publish(exploitation(snap, filters), policy),
        trends=publish(trends(snap, filters), policy),
        funnel=publish(funnel(snap, filters), policy),
        roles=publish(place_roles(snap, filters, "country"), policy, countries),
        region_roles=publish(place_roles(snap, filters, "region"), policy, regions),
        corridors=corr.sort_values("count", ascending=False, na_position="last").reset_index(drop=True),
        flows=publish(flows(snap, filters, "country"), policy, countries),
    )


def _value(table: pd.DataFrame, column: str, **where):
    rows = table
    for key, value in where.items():
        rows = rows[rows[key] == value]
    return rows[column].iloc[0] if len(rows) and pd.notna(rows[column].iloc[0]) else None


def _top(table: pd.DataFrame, attribute: str, by: str = "count"):
    # 'other' is no finding to headline
    rows = table[(table["attribute"] == attribute) & table[by].notna() & table["value"].notna()
                 & (table["value"] != "other")]
    return None if rows.empty else rows.sort_values(by, ascending=False).iloc[0]


def _who(p: Published, lang: str) -> str | None:
    band = _top(p.profiles, "age_band")
    if band is None:
        return None
    return message("who_text", lang, band=str(band["value"]).replace("--", "–"),
                   women=percent(_value(p.profiles, "share", attribute="sex", value="female"), lang),
                   minors=percent(_value(p.profiles, "share", attribute="minor", value="minor"), lang))


def _exploitation(p: Published, lang: str) -> str | None:
    form, means = _top(p.exploitation, "form"), _top(p.exploitation, "means", "share")
    if form is None or means is None:
        return None
    return message("exploitation_text", lang, form=label("exploitation_form", form["value"], lang).lower(),
                   form_share=percent(form["share"], lang), means_share=percent(means["share"], lang),
                   means=label("means_of_control", means["value"], lang).lower())


def _routes(p: Published, lang: str) -> str | None:
    shown = p.corridors[p.corridors["count"].notna()]
    if shown.empty:
        return None
    top = shown.iloc[0]
    values = dict(origin=place_name(top["origin"], lang), destination=place_name(top["destination"], lang),
                  share=percent(top["share"], lang))
    roles = p.region_roles[p.region_roles["count"].notna()]
    threefold = roles.groupby("place")["role"].nunique()
    places = [place for place, n in threefold.items() if n == 3]
    if not places:
        return message("routes_text_short", lang, **values)
    place = max(places, key=lambda x: roles[roles["place"] == x]["denominator"].max())
    share = {r: percent(_value(roles, "share", place=place, role=r), lang)
             for r in ("origin", "transit", "destination")}
    return message("routes_text", lang, place=place_name(place, lang), o=share["origin"], t=share["transit"],
                   d=share["destination"], **values)


def _trends(p: Published, lang: str) -> str | None:
    shown = p.trends[p.trends["count"].notna()]
    if len(shown) < 2:
        return None
    first, last = shown.iloc[0], shown.iloc[-1]
    return message("trends_text", lang, first=first["period"], last=last["period"],
                   first_count=int(first["count"]), last_count=int(last["count"]))


def _funnel(p: Published, lang: str) -> str | None:
    table = p.funnel
    if table["count"].isna().all() or not table["count"].iloc[0]:
        return None

    def per100(stage: str) -> str:
        share = _value(table, "share_of_first", stage=stage)
        return "-" if share is None else f"{100 * float(share):.0f}"

    losses = table[table["share_of_previous"].notna()]
    if losses.empty:
        return None
    worst = losses.sort_values("share_of_previous").iloc[0]
    before = table[table["stage_no"] == worst["stage_no"] - 1].iloc[0]
    days = table["days_median"].iloc[1] if len(table) > 1 and pd.notna(table["days_median"].iloc[1]) else None
    return message("funnel_text", lang, conclusive=per100("conclusive_grounds"), reported=per100("reported"),
                   convicted=per100("convicted"), from_stage=label("lifecycle_stage", before["stage"], lang),
                   to_stage=label("lifecycle_stage", worst["stage"], lang),
                   first_stage=label("lifecycle_stage", table["stage"].iloc[0], lang),
                   days="-" if days is None else f"{days:.0f}")


def _html(fig, first: bool) -> str | None:
    if fig is None:
        return None
    # The first chart carries plotly.js inline (no CDN): the file works offline and is self-contained.
    return fig.to_html(full_html=False, include_plotlyjs=True if first else False, config={"displaylogo": False})


def _figures(p: Published, lang: str) -> dict[str, str | None]:
    tables = {"profiles": p.profiles, "exploitation": p.exploitation, "flows": p.flows, "roles": p.roles,
              "corridors": p.corridors, "trends": p.trends, "funnel": p.funnel}
    out, first = {}, True
    for name, fig in charts.figure_set(tables, lang).items():
        out[name] = _html(fig, first)
        first = first and fig is None
    return out


def render_report(snap: Snapshot, *, lang: str = "en", policy: DisclosurePolicy | None = None,
                  filters: Filters | None = None, today: date | None = None,
                  estimate: Mapping[str, Any] | None = None) -> str:
    """The report as one HTML document. Raises DisclosureError when fewer than k records can be published.

    ``estimate`` (the JSON object of ``ctkit estimate --json``) adds a section on the hidden scale.
    """
    lang = check_lang(lang)
    policy = policy or DisclosurePolicy()
    snap.require_cases()
    p = published_tables(snap, policy, filters)
    if p.total == 0:
        raise DisclosureError(f"fewer than k={policy.k} records in every group: nothing can be published",
                              hint="use a smaller k (at least 2), fewer filters or more data")
    periods = p.trends[p.trends["count"].notna()]["period"]
    env = Environment(loader=PackageLoader("ctkit.analyse", "templates"), autoescape=select_autoescape(["html"]))
    source = snap.source.split(":", 1)[-1]
    context = {
        "lang": lang, "k": policy.k, "m": lambda key, **kw: message(key, lang, **kw),
        "subtitle": message("subtitle", lang, source=source, first=periods.iloc[0], last=periods.iloc[-1],
                            k=policy.k),
        "total": p.total, "women": percent(_value(p.profiles, "share", attribute="sex", value="female"), lang),
        "minors": percent(_value(p.profiles, "share", attribute="minor", value="minor"), lang),
        "convicted": _value(p.funnel, "count", stage="convicted"),
        "texts": {"who": _who(p, lang), "exploitation": _exploitation(p, lang), "routes": _routes(p, lang),
                  "trends": _trends(p, lang), "funnel": _funnel(p, lang)},
        "figures": _figures(p, lang),
        # sections the source does not record at all (e.g. no funnel in CTDC files): said so, not "too few"
        "unrecorded": {name for name, table in (("funnel", p.funnel), ("sankey", p.flows)) if table.empty},
        "places": _place_rows(p, lang),
        "scale": scale_text(estimate, lang, policy.k) if estimate is not None else None,
        "footer": message("footer", lang, source=source, date=(today or date.today()).isoformat()),
    }
    return env.get_template("report.html").render(**context)


def _place_rows(p: Published, lang: str) -> list[dict]:
    roles = p.region_roles[p.region_roles["count"].notna()]
    rows = []
    for place, group in roles.groupby("place"):
        cells = {r.role: percent(r.share, lang) for r in group.itertuples(index=False)}
        rows.append({"name": place_name(place, lang), "total": int(group["denominator"].max()), **cells})
    return sorted(rows, key=lambda r: -r["total"])[:15]


def write_report(snap: Snapshot, output: Path, *, lang: str = "en", policy: DisclosurePolicy | None = None,
                 filters: Filters | None = None, estimate: Mapping[str, Any] | None = None) -> Path:
    """Render the report to ``output`` (UTF-8 HTML) and return the path."""
    html = render_report(snap, lang=lang, policy=policy, filters=filters, estimate=estimate)
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(html, encoding="utf-8")
    return output
