"""Recruitment: methods (multi-response) and the recruiter's relation to the victim."""

from __future__ import annotations

import pandas as pd

from ctkit.analyse._sql import Scope, finish, grouped_cases, multi_presence, run, single_response, with_shares
from ctkit.analyse.filters import Filters
from ctkit.analyse.snapshot import Snapshot


def recruitment(snap: Snapshot, filters: Filters | None = None, by: str | None = None) -> pd.DataFrame:
    """Recruitment methods and recruiter relation.

    Returns ``[by], attribute, value, count, denominator, share``: ``method`` shares are among cases with any
    method recorded (a case may have several, so they can add to more than 100%); ``relation`` shares are among
    cases where the relation is known (the unknown row has no share).

    Example: ``recruitment(snap, by="sex")``
    """
    scope = Scope.of(filters, by)
    body = f"""{grouped_cases(by)}
    {with_shares(single_response("relation", "recruiter_relation"))}
    UNION ALL {multi_presence(scope, "method", "case_methods")}
    """
    frame = run(snap, scope, body)
    return finish(frame, by, ["attribute", "value"], order=[*(["grp"] if by else []), "attribute", "value"],
                  denominators={"relation": "margin", "*": "cell"})
