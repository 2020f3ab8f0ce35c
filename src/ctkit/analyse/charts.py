"""Plotly figures from published (disclosure-controlled) tables: Sankey, role map, bars, lines, funnel.

Every builder returns None when no cell survived disclosure control, so a page shows "not enough records"
instead of an empty chart that would read as a real zero. Suppressed cells are left out, never drawn as 0.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from ctkit.analyse.geo import centroid, country_rings
from ctkit.analyse.texts import label, message, place_name

ROLE_COLOURS = {"origin": "#c0392b", "transit": "#e6a117", "destination": "#2471a3"}
# A plain layout instead of a named template: resolving "plotly_white" costs ~0.35 s per figure.
AXIS = dict(gridcolor="#e5e5e5", zerolinecolor="#cccccc")
LAYOUT = dict(plot_bgcolor="white", paper_bgcolor="white", margin=dict(l=10, r=10, t=40, b=10), height=380,
              xaxis=AXIS, yaxis=AXIS)


def figure_set(tables: dict[str, pd.DataFrame], lang: str) -> dict[str, go.Figure | None]:
    """The charts of the report and the dashboard, from tables keyed ``profiles``, ``exploitation``, ``flows``,
    ``roles``, ``corridors``, ``trends``, ``funnel`` (published ones for anything that leaves)."""
    prof, expl = tables["profiles"], tables["exploitation"]
    return {
        "sex": bar(prof, "sex", "sex", lang), "age": bar(prof, "age_band", None, lang),
        "forms": bar(expl, "form", "exploitation_form", lang),
        "means": bar(expl, "means", "means_of_control", lang, share=True),
        "sankey": sankey(tables["flows"], lang), "map": role_map(tables["roles"], tables["corridors"], lang),
        "trends": trend_line(tables["trends"], lang), "funnel": funnel_chart(tables["funnel"], lang),
    }


def _shown(table: pd.DataFrame) -> pd.DataFrame:
    return table[table["count"].notna()]


def bar(
    table: pd.DataFrame, attribute: str, list_name: str | None, lang: str, *, share: bool = False
) -> go.Figure | None:
    """Horizontal bars of one attribute of a published profile-like table (count or share)."""
    rows = _shown(table[(table["attribute"] == attribute) & table["value"].notna()])
    if share:
        rows = rows[rows["share"].notna()]
    if rows.empty:
        return None
    rows = rows.sort_values("share" if share else "count")
    x = rows["share"].astype(float) * 100 if share else rows["count"].astype(int)
    fig = go.Figure(go.Bar(x=x, y=[label(list_name, v, lang) for v in rows["value"]], orientation="h",
                           marker_color="#2471a3", hovertemplate="%{y}: %{x}<extra></extra>"))
    title = message(attribute, lang) if attribute in ("sex", "age_band", "form", "means") else attribute
    fig.update_layout(title=title, xaxis_title=("% " if share else "") + message("count", lang), **LAYOUT)
    return fig


def trend_line(table: pd.DataFrame, lang: str) -> go.Figure | None:
    rows = _shown(table)
    if rows.empty:
        return None
    fig = go.Figure(go.Scatter(x=rows["period"], y=rows["count"].astype(int), mode="lines+markers",
                               line_color="#2471a3"))
    fig.update_yaxes(rangemode="tozero")
    fig.update_layout(title=message("trends", lang), xaxis_title=message("year", lang),
                      yaxis_title=message("count", lang), **LAYOUT)
    return fig


def funnel_chart(table: pd.DataFrame, lang: str) -> go.Figure | None:
    rows = _shown(table)
    if rows.empty:
        return None
    fig = go.Figure(go.Funnel(y=[label("lifecycle_stage", s, lang) for s in rows["stage"]],
                              x=rows["count"].astype(int), textinfo="value+percent initial",
                              marker_color="#2471a3"))
    fig.update_layout(title=message("funnel", lang), **{**LAYOUT, "height": 440})
    return fig


def sankey(flows: pd.DataFrame, lang: str) -> go.Figure | None:
    """Origin -> transit -> destination Sankey of a published flows table (missing transit: straight link)."""
    rows = _shown(flows[flows["origin"].notna() & flows["destination"].notna()])
    if rows.empty:
        return None
    nodes: dict[tuple[str, str], int] = {}

    def node(role: str, place: str) -> int:
        return nodes.setdefault((role, place), len(nodes))

    links: dict[tuple[int, int], int] = {}
    for row in rows.itertuples(index=False):
        stops = [("origin", row.origin)]
        if isinstance(row.transit, str):
            stops.append(("transit", row.transit))
        stops.append(("destination", row.destination))
        for (r1, p1), (r2, p2) in zip(stops, stops[1:], strict=False):
            key = (node(r1, p1), node(r2, p2))
            links[key] = links.get(key, 0) + int(row.count)
    names = [f"{place_name(p, lang)}" for (_, p) in nodes]
    colours = [ROLE_COLOURS[r] for (r, _) in nodes]
    fig = go.Figure(go.Sankey(
        node=dict(label=names, color=colours, pad=12, thickness=14),
        link=dict(source=[s for s, _ in links], target=[t for _, t in links], value=list(links.values()))))
    fig.update_layout(title=message("route_sankey", lang), **{**LAYOUT, "height": 520})
    return fig


def _dominant_roles(roles: pd.DataFrame) -> pd.DataFrame:
    shown = _shown(roles)
    if shown.empty:
        return shown
    top = shown.sort_values("count", ascending=False).drop_duplicates("place")
    return top.set_index("place")


def role_map(roles: pd.DataFrame, corridors: pd.DataFrame, lang: str) -> go.Figure | None:
    """Countries coloured by their main role (published place-role table, country level), corridors as lines.

    Drawn on plain axes from the shipped Natural Earth outlines (no tiles, no map service).
    """
    main = _dominant_roles(roles)
    if main.empty:
        return None
    # One filled trace per colour (not per country): 4 traces draw the whole world quickly.
    groups: dict[str | None, list[str]] = {}
    for code in country_rings():
        groups.setdefault(main["role"].get(code) if code in main.index else None, []).append(code)
    fig = go.Figure()
    for role, codes in groups.items():
        xs, ys = _polygon_xy([ring for code in codes for ring in country_rings()[code]])
        fig.add_trace(go.Scatter(x=xs, y=ys, fill="toself", mode="lines", line=dict(width=0.4, color="#888"),
                                 fillcolor=ROLE_COLOURS.get(role, "#eeeeee"), hoverinfo="skip", showlegend=False))
    labelled = [(code, centroid(code)) for code in main.index if centroid(code)]
    fig.add_trace(go.Scatter(x=[p[0] for _, p in labelled], y=[p[1] for _, p in labelled], mode="markers",
                             marker=dict(size=6, color="rgba(0,0,0,0.25)"), showlegend=False, hoverinfo="text",
                             text=[_hover(roles, code, lang) for code, _ in labelled]))
    for row in _shown(corridors).head(10).itertuples(index=False):
        a, b = centroid(row.origin), centroid(row.destination)
        if a and b and a != b:
            fig.add_trace(go.Scatter(x=[a[0], b[0]], y=[a[1], b[1]], mode="lines", showlegend=False,
                                     line=dict(width=1 + 6 * float(row.share or 0), color="rgba(40,40,40,0.6)"),
                                     hoverinfo="text", text=f"{place_name(row.origin, lang)} → "
                                     f"{place_name(row.destination, lang)}: {int(row.count)}"))
    for role, colour in ROLE_COLOURS.items():
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", marker=dict(size=12, color=colour),
                                 name=message(role, lang)))
    x_range, y_range = _extent(main.index)
    fig.update_xaxes(visible=False, range=x_range)
    fig.update_yaxes(visible=False, range=y_range, scaleanchor="x", scaleratio=1.6)
    fig.update_layout(title=message("roles_map", lang), **{**LAYOUT, "height": 520})
    return fig


def _polygon_xy(polygons: list) -> tuple[list, list]:
    xs: list = []
    ys: list = []
    for ring in polygons:
        xs += [p[0] for p in ring] + [None]
        ys += [p[1] for p in ring] + [None]
    return xs, ys


def _hover(roles: pd.DataFrame, code: str, lang: str) -> str:
    rows = _shown(roles[roles["place"] == code])
    parts = [f"{message(r.role, lang)}: {int(r.count)}" for r in rows.itertuples(index=False)]
    return f"{place_name(code, lang)}<br>" + "<br>".join(parts)


def _extent(codes) -> tuple[list[float], list[float]]:
    points = [centroid(c) for c in codes if centroid(c)]
    if not points:
        return [-180, 180], [-60, 85]
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return [min(xs) - 15, max(xs) + 15], [max(min(ys) - 10, -60), min(max(ys) + 10, 85)]
