"""Victim profiles: sex, age band, minors, citizenship and vulnerabilities, optionally by year or form."""

from __future__ import annotations

import pandas as pd

from ctkit.analyse._sql import Scope, finish, flag_rows, grouped_cases, run, single_response, with_shares
from ctkit.analyse.filters import Filters
from ctkit.analyse.snapshot import Snapshot


def profiles(snap: Snapshot, filters: Filters | None = None, by: str | None = None) -> pd.DataFrame:
    """Profile of the victims in ``snap`` matching ``filters``.

    Returns a tidy table ``[by], attribute, value, count, denominator, share``: attribute is ``sex``,
    ``age_band``, ``minor`` (``minor``/``adult``), ``citizenship`` or ``vulnerability``. Shares of single-response
    attributes are among records where the attribute is known (unknown rows have no share); vulnerabilities
    follow CTDC's rule (share among records where that item was recorded). ``by`` is one of ``year``,
    ``quarter``, ``sex``, ``age_band``, ``citizenship``, ``form``. Raises ValidationError for a bad filter.

    Example: ``profiles(snap, by="year")``
    """
    singles = " UNION ALL ".join([
        single_response("sex", "sex"),
        single_response("age_band", "age_band"),
        single_response("minor", "is_minor", "CASE WHEN v THEN 'minor' WHEN NOT v THEN 'adult' END"),
        single_response("citizenship", "citizenship"),
    ])
    scope = Scope.of(filters, by)
    body = f"""{grouped_cases(by)}
    {with_shares(singles)}
    """
    frame = pd.concat([run(snap, scope, body), flag_rows(snap, scope, "vulnerability", "case_vulnerabilities")],
                      ignore_index=True)
    return finish(frame, by, ["attribute", "value"], order=[*(["grp"] if by else []), "attribute", "value"],
                  denominators={"vulnerability": "recorded", "*": "margin"})
