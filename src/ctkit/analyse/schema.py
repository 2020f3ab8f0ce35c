"""The pseudonymised snapshot schema: a few tables keyed by a pseudonymous case id.

What is deliberately absent: names, contacts, document numbers, addresses, free text (place names, narratives),
exact birth dates and sub-day timestamps. Ages are whole years at registration plus the CTDC band. Ids are keyed
hashes (see :mod:`ctkit.analyse.pseudonym`) stored as BIGINT, which keeps joins fast at 10 million cases.

Multi-response items (means of control, vulnerabilities) are long tables with one row per *recorded* item
(``present`` true or false); an item that was never recorded has no row, which is what CTDC's denominator rule
needs (shares among records where the item was recorded).
"""

from __future__ import annotations

SCHEMA_VERSION = 2  # 2: perpetrator tables

# table -> ordered (column, DuckDB type). The order is the Parquet column order.
TABLES: dict[str, list[tuple[str, str]]] = {
    "cases": [
        ("case_id", "BIGINT"),
        ("person_id", "BIGINT"),
        ("registered_on", "DATE"),
        ("year", "SMALLINT"),
        ("quarter", "TINYINT"),
        ("sex", "VARCHAR"),
        ("age_years", "SMALLINT"),
        ("age_band", "VARCHAR"),
        ("is_minor", "BOOLEAN"),
        ("citizenship", "VARCHAR"),
        ("identification_status", "VARCHAR"),
        ("justice_status", "VARCHAR"),
        ("recruiter_relation", "VARCHAR"),
        ("is_abduction", "BOOLEAN"),
    ],
    "persons": [
        ("person_id", "BIGINT"),
        ("sex", "VARCHAR"),
        ("citizenship", "VARCHAR"),
    ],
    # One row per leg of the route; role is origin (recruitment), transit or destination (exploitation).
    "route_legs": [
        ("case_id", "BIGINT"),
        ("leg_no", "SMALLINT"),
        ("role", "VARCHAR"),
        ("country", "VARCHAR"),
        ("region", "VARCHAR"),
        ("year", "SMALLINT"),
    ],
    "exploitations": [
        ("case_id", "BIGINT"),
        ("form", "VARCHAR"),
        ("sector", "VARCHAR"),
    ],
    "means": [
        ("case_id", "BIGINT"),
        ("code", "VARCHAR"),
        ("present", "BOOLEAN"),
    ],
    "vulnerabilities": [
        ("case_id", "BIGINT"),
        ("code", "VARCHAR"),
        ("present", "BOOLEAN"),
    ],
    "recruitment_methods": [
        ("case_id", "BIGINT"),
        ("method", "VARCHAR"),
    ],
    # The dated stages of the attrition funnel (first date the case reached each stage).
    "stages": [
        ("case_id", "BIGINT"),
        ("stage", "VARCHAR"),
        ("reached_on", "DATE"),
    ],
    # Which agencies' lists recorded the case (capture histories for scale estimation).
    "recorded_by": [
        ("case_id", "BIGINT"),
        ("agency", "VARCHAR"),
    ],
    # Perpetrators: no name, alias, birth date or document; the age band is at the first year they were
    # suspected (else at their first case's registration); roles are every role on any case, comma-separated;
    # first_* are the first year each justice stage was reached (see ctkit.analyse.offenders).
    "perpetrators": [
        ("perpetrator_id", "BIGINT"),
        ("sex", "VARCHAR"),
        ("age_band", "VARCHAR"),
        ("citizenship", "VARCHAR"),
        ("roles", "VARCHAR"),
        ("first_suspected", "SMALLINT"),
        ("first_prosecuted", "SMALLINT"),
        ("first_convicted", "SMALLINT"),
    ],
    # One row per perpetrator, stage (suspected, prosecuted, convicted) and year it was reached in any proceeding.
    "perpetrator_stages": [
        ("perpetrator_id", "BIGINT"),
        ("stage", "VARCHAR"),
        ("year", "SMALLINT"),
    ],
    # Who is on which case, in which roles (comma-separated, as recorded).
    "case_perpetrators": [
        ("case_id", "BIGINT"),
        ("perpetrator_id", "BIGINT"),
        ("roles", "VARCHAR"),
    ],
}

ROLE_OF_EVENT = {"recruitment": "origin", "transit": "transit", "exploitation": "destination"}
ROLES = ("origin", "transit", "destination")


def create_sql(table: str) -> str:
    """``CREATE TABLE`` statement for one snapshot table."""
    columns = ", ".join(f"{name} {kind}" for name, kind in TABLES[table])
    return f"CREATE TABLE {table} ({columns})"


def column_names(table: str) -> list[str]:
    return [name for name, _ in TABLES[table]]
