"""Country outlines from the Natural Earth 1:110m file shipped in ``data/`` (public domain; see its README).

The file is world-atlas 2.0.2's ``countries-110m.json`` (TopoJSON, ISC licence, data from Natural Earth 4.1.0).
This module decodes its arcs into plain (lon, lat) rings keyed by ISO 3166-1 alpha-3, so maps are drawn from
the package alone: no tiles and no map data from the internet.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

import pycountry

# Features without an ISO numeric id in Natural Earth, by name.
NAMED = {"Kosovo": "XKX", "N. Cyprus": "CYP", "Somaliland": "SOM"}
Ring = list[tuple[float, float]]


def _decode_arcs(topology: dict) -> list[Ring]:
    scale_x, scale_y = topology["transform"]["scale"]
    shift_x, shift_y = topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * scale_x + shift_x, y * scale_y + shift_y))
        arcs.append(points)
    return arcs


def _ring(arcs: list[Ring], indexes: list[int]) -> Ring:
    points: Ring = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc[1:] if points else arc)
    return points


def _alpha3(feature: dict) -> str | None:
    numeric = feature.get("id")
    if numeric is not None:
        country = pycountry.countries.get(numeric=str(numeric).zfill(3))
        if country is not None:
            return country.alpha_3
    return NAMED.get(feature.get("properties", {}).get("name", ""))


@cache
def country_rings() -> dict[str, list[Ring]]:
    """Outer rings of every country, by alpha-3 (a country may have several: islands, exclaves like Kaliningrad)."""
    text = resources.files("ctkit.analyse").joinpath("data/countries-110m.json").read_text(encoding="utf-8")
    topology = json.loads(text)
    arcs = _decode_arcs(topology)
    out: dict[str, list[Ring]] = {}
    for feature in topology["objects"]["countries"]["geometries"]:
        code = _alpha3(feature)
        if code is None:
            continue
        polygons = feature["arcs"] if feature["type"] == "MultiPolygon" else [feature["arcs"]]
        out.setdefault(code, []).extend(_ring(arcs, polygon[0]) for polygon in polygons if polygon)
    return out


def centroid(alpha3: str) -> tuple[float, float] | None:
    """A label point for the country: the mean of the vertices of its largest ring (None if not on the map)."""
    rings = country_rings().get(alpha3)
    if not rings:
        return None
    largest = max(rings, key=len)
    return (sum(p[0] for p in largest) / len(largest), sum(p[1] for p in largest) / len(largest))
