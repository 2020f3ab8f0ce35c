"""Derived tables built once when a snapshot is loaded, so dashboard queries are plain scans, not joins.

They are computed from the snapshot tables (never stored in the snapshot files): each case's route summary, the
distinct (case, place, role) triples at country and region level, and the days between consecutive funnel stages.
"""

from __future__ import annotations

import duckdb

from ctkit.analyse.schema import TABLES
from ctkit.vocab import code_list

# Bump when a derived table changes: snapshot files with another version get their derived tables rebuilt.
DERIVED_VERSION = 1
LEVEL_PLACE = {
    "country": "CAST(country AS VARCHAR)",
    "region": "coalesce(CAST(region AS VARCHAR), CAST(country AS VARCHAR))",
}


def _route_summary() -> str:
    parts = []
    for level, place in LEVEL_PLACE.items():
        known = f"{place} IS NOT NULL"
        parts += [
            f"arg_min({place}, leg_no) FILTER (WHERE role = 'origin' AND {known}) AS origin_{level}",
            f"arg_min({place}, leg_no) FILTER (WHERE role = 'transit' AND {known}) AS transit_{level}",
            f"arg_max({place}, leg_no) FILTER (WHERE role = 'destination' AND {known}) AS destination_{level}",
        ]
    return f"CREATE TABLE case_routes AS SELECT case_id, {', '.join(parts)} FROM route_legs GROUP BY case_id"


ROLE_BITS = {"origin": 1, "transit": 2, "destination": 4}


def _case_places() -> str:
    """One row per (case, level, place) with the roles the place plays in the case as bits (ROLE_BITS)."""
    bits = " ".join(f"WHEN '{role}' THEN {bit}" for role, bit in ROLE_BITS.items())
    selects = [
        f"SELECT case_id, '{level}' AS level, {place} AS place, bit_or(CASE CAST(role AS VARCHAR) {bits} ELSE 0 END)"
        f" AS roles FROM route_legs WHERE {place} IS NOT NULL GROUP BY ALL"
        for level, place in LEVEL_PLACE.items()
    ]
    return f"CREATE TABLE case_places AS {' UNION ALL '.join(selects)}"


# Recorded multi-response flags as two bitmasks per case (bit i = the i-th code of the table's codes):
# counting every item is then one scan of one row per case instead of a group-by over millions of rows.
FLAG_TABLES = {"case_means": "means", "case_vulnerabilities": "vulnerabilities"}


def _flag_masks(con: duckdb.DuckDBPyConnection, derived: str, source: str) -> list[str]:
    codes = [row[0] for row in con.execute(
        f"SELECT DISTINCT CAST(code AS VARCHAR) FROM {source} WHERE code IS NOT NULL ORDER BY 1").fetchall()][:63]
    con.execute(f"""CREATE TABLE {derived} AS
        SELECT case_id, bit_or(CAST(1 AS BIGINT) << pos) AS recorded,
            bit_or(CASE WHEN present THEN CAST(1 AS BIGINT) << pos ELSE 0 END) AS present
        FROM (SELECT case_id, list_position(?, CAST(code AS VARCHAR)) - 1 AS pos, present FROM {source}
              WHERE present IS NOT NULL AND list_position(?, CAST(code AS VARCHAR)) > 0)
        GROUP BY case_id""", [codes, codes])
    return codes


# First date per (case, stage), numbered in funnel order, and the days since the previous stage where both exist.
CASE_STAGES = """
CREATE TABLE case_stages AS
WITH s AS (SELECT case_id, list_position(?, stage) AS stage_no, min(reached_on) AS reached_on
           FROM stages GROUP BY ALL)
SELECT cur.case_id, cur.stage_no, cur.reached_on, date_diff('day', prev.reached_on, cur.reached_on) AS days
FROM s cur LEFT JOIN s prev ON prev.case_id = cur.case_id AND prev.stage_no = cur.stage_no - 1
"""
# Distinct (case, value) pairs of the multi-valued lists, so counting cases needs no DISTINCT at query time.
# ``first_of_case`` marks one row per case, so "cases with any value" is a count_if, not a COUNT(DISTINCT).
DISTINCT_PAIRS = {
    "case_forms": ("exploitations", "form"),
    "case_sectors": ("exploitations", "sector"),
    "case_methods": ("recruitment_methods", "method"),
}


def _pairs(source: str, column: str) -> str:
    return f"""SELECT case_id, value, row_number() OVER (PARTITION BY case_id) = 1 AS first_of_case
        FROM (SELECT DISTINCT case_id, {column} AS value FROM {source} WHERE {column} IS NOT NULL)"""


DERIVED = ("case_routes", "case_places", "case_stages", *DISTINCT_PAIRS, *FLAG_TABLES)


def encode_codes(con: duckdb.DuckDBPyConnection, tables: dict[str, list[str]] | None = None) -> None:
    """Turn VARCHAR code columns into ENUMs of their own values: grouping on small integers is 2-4x faster.

    ``tables`` maps table -> columns (default: every VARCHAR column of the snapshot schema). Values are kept as
    they are (no code is dropped or renamed); results convert back to text.
    """
    if tables is None:
        tables = {t: [c for c, kind in columns if kind == "VARCHAR"] for t, columns in TABLES.items()}
    for table, columns in tables.items():
        for column in columns:
            if not con.execute(f"SELECT count({column}) FROM {table}").fetchone()[0]:
                continue
            type_name = f"enum_{table}_{column}"
            con.execute(f"DROP TYPE IF EXISTS {type_name}")
            con.execute(f"CREATE TYPE {type_name} AS ENUM "
                        f"(SELECT DISTINCT {column} FROM {table} WHERE {column} IS NOT NULL ORDER BY 1)")
            con.execute(f"ALTER TABLE {table} ALTER {column} TYPE {type_name}")


def build_derived(con: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    """Encode code columns and create (or re-create) the derived tables on a connection holding the snapshot.

    Returns the codes behind the bits of each flag bitmask table (``case_means``, ``case_vulnerabilities``).
    """
    encode_codes(con)
    for table in DERIVED:
        con.execute(f"DROP TABLE IF EXISTS {table}")
    con.execute(_route_summary())
    con.execute(_case_places())
    route_columns = [f"{role}_{level}" for role in ("origin", "transit", "destination") for level in LEVEL_PLACE]
    encode_codes(con, {"case_routes": route_columns, "case_places": ["level", "place"]})
    con.execute(CASE_STAGES, [list(code_list("lifecycle_stage"))])
    for table, (source, column) in DISTINCT_PAIRS.items():
        con.execute(f"CREATE TABLE {table} AS {_pairs(source, column)}")
    return {derived: _flag_masks(con, derived, source) for derived, source in FLAG_TABLES.items()}
