"""The sensitivity picture: the estimate under each candidate model, with its interval, as a Plotly figure."""

from __future__ import annotations

from pathlib import Path

from ctkit.errors import DependencyMissing
from ctkit.estimate.result import EstimateResult


def sensitivity_figure(result: EstimateResult):
    """A horizontal dot-and-whisker chart, one row per candidate model; the chosen model is highlighted."""
    try:
        import plotly.graph_objects as go
    except ImportError as exc:  # pragma: no cover - plotly is a core dependency
        raise DependencyMissing("plotly", "the sensitivity chart") from exc
    rows = result.sensitivity or []
    labels = [f"{c.model}" + (f"  ({c.score_name} {c.score:.1f})" if c.score is not None else "") for c in rows]
    colours = ["#c0392b" if c.chosen else "#2c3e50" for c in rows]
    figure = go.Figure(
        go.Scatter(
            x=[c.estimate for c in rows],
            y=labels,
            mode="markers",
            marker={"color": colours, "size": 10},
            error_x={
                "type": "data",
                "symmetric": False,
                "array": [c.ci_high - c.estimate for c in rows],
                "arrayminus": [c.estimate - c.ci_low for c in rows],
            },
            hovertemplate="%{y}<br>estimate %{x:,.0f}<extra></extra>",
        )
    )
    figure.add_vline(x=result.n_observed, line_dash="dot", annotation_text="observed", line_color="#7f8c8d")
    figure.update_layout(
        title=(
            f"Estimated total by model ({result.method}); chosen: {result.estimate:,.0f} "
            f"[{result.ci_low:,.0f}, {result.ci_high:,.0f}], {result.level:.0%} {result.interval}"
        ),
        xaxis_title="estimated total population",
        yaxis={"autorange": "reversed"},
        height=max(320, 60 + 40 * len(rows)),
        margin={"l": 320},
    )
    return figure


def write_sensitivity_chart(result: EstimateResult, path: str | Path) -> Path:
    """Write the chart as a self-contained HTML page (Plotly's JavaScript embedded, no CDN)."""
    path = Path(path)
    sensitivity_figure(result).write_html(path, include_plotlyjs=True, full_html=True)
    return path
