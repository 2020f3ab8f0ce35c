"""One plotly figure of a release's utility figures, for the reviewer who decides whether to publish it.

Kept out of the package's eager imports: plotly takes a while to import and most releases need no chart.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

TRUE_COLOUR, RELEASED_COLOUR = "#7f8c8d", "#2471a3"
# The analysis charts' plain look (share must not import analyse: analyse depends on share).
AXIS = {"gridcolor": "#e5e5e5", "zerolinecolor": "#cccccc"}
LAYOUT = {"plot_bgcolor": "white", "paper_bgcolor": "white", "margin": {"l": 10, "r": 10, "t": 60, "b": 10},
          "height": 460}


def utility_chart(figures: pd.DataFrame, *, item: str = "synthetic_records") -> go.Figure:
    """Left: mean proportional error and suppressed share per combination length; right: true vs released shares.

    ``figures`` is a table from :func:`ctkit.share.disclosure.utility_figures`; ``item`` picks whose combination
    figures are drawn (``synthetic_records`` or ``dp_aggregates``).

    >>> utility_chart(release.utility).write_html("utility.html")  # doctest: +SKIP
    """
    combos = figures[(figures["item"] == item) & figures["length"].notna()]
    shares = figures[figures["figure"] == "share"].dropna(subset=["true", "released"], how="all")
    fig = make_subplots(rows=1, cols=2, column_widths=[0.35, 0.65],
                        subplot_titles=("Combinations by length", "Shares: true vs released"))
    for figure, colour in (("mean_proportional_error", RELEASED_COLOUR), ("suppressed_share", "#c0392b"),
                           ("fabricated_share", "#e6a117")):
        rows = combos[combos["figure"] == figure]
        fig.add_trace(go.Bar(x=[f"k={int(k)}" for k in rows["length"]], y=rows["value"], marker_color=colour,
                             name=figure.replace("_", " ")), row=1, col=1)
    for column, name, colour in (("true", "true", TRUE_COLOUR), ("released", "released", RELEASED_COLOUR)):
        fig.add_trace(go.Bar(x=shares["item"], y=shares[column] * 100, name=f"{name} (%)", marker_color=colour),
                      row=1, col=2)
    rho = figures.loc[figures["figure"] == "corridor_rank_correlation", "value"]
    title = "Utility of the release" + (f" (top corridors' rank correlation {rho.iloc[0]:.2f})"
                                        if len(rho) and pd.notna(rho.iloc[0]) else "")
    fig.update_layout(**LAYOUT, title=title, barmode="group")
    fig.update_xaxes(**AXIS)
    fig.update_yaxes(**AXIS)
    return fig
