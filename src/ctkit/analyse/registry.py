"""The analyses by name: the one registry the CLI, the web and the report look analyses up in.

Built-ins register here the same way a deployment's own analysis would, with :func:`register_analysis`.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from ctkit.analyse.exploitation import exploitation
from ctkit.analyse.funnel import funnel
from ctkit.analyse.profiles import profiles
from ctkit.analyse.recruitment import recruitment
from ctkit.analyse.routes import routes
from ctkit.analyse.trends import trends
from ctkit.errors import ValidationError

Analysis = Callable[..., pd.DataFrame]
_ANALYSES: dict[str, Analysis] = {}


def register_analysis(name: str, func: Analysis) -> None:
    """Make ``func(snapshot, filters, **options) -> DataFrame`` available as ``name``."""
    _ANALYSES[name] = func


def analysis(name: str) -> Analysis:
    """The analysis called ``name``; raises ValidationError naming the known ones."""
    if name not in _ANALYSES:
        raise ValidationError(f"unknown analysis '{name}'; known: {', '.join(_ANALYSES)}")
    return _ANALYSES[name]


def analysis_names() -> list[str]:
    return list(_ANALYSES)


for _name, _func in (("profiles", profiles), ("exploitation", exploitation), ("routes", routes),
                     ("recruitment", recruitment), ("trends", trends), ("funnel", funnel)):
    register_analysis(_name, _func)
