"""Estimation pages and API for analysts: the hidden number of victims by Multiple Systems Estimation.

Input is an uploaded capture-history CSV (one 0/1 column per list and an optional ``count`` column) or the
store's cases, where each person's recording agencies form the history (computed by the repository without
decrypting anything). The page shows the estimate table, every warning and the sensitivity chart; the chart is
JSON in the page drawn by the plotly.js and ``dashboard.js`` the analysis pages already serve (no CDN, no inline
script). Runs on the store are audited with the method and the number of persons only.

The Bayesian methods (``lcmcr``, ``bayes-threshold``) take their main settings with the package defaults, bounded
so that one request samples for seconds, not hours (``MAX_SWEEPS``, ``MAX_ITERATIONS``, ``MAX_CLASSES``); the page
adds the posterior's effective sample size and Monte Carlo errors and a trace chart. A run without a seed gets one
drawn here, so that every result can be repeated from its provenance.
"""

from __future__ import annotations

import io
import secrets
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Form, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from ctkit.errors import NotFoundError, ValidationError
from ctkit.store.audit import AuditEvent, append_now
from ctkit.web.guard import Ctx, requires
from ctkit.web.pages import render
from ctkit.web.policy import OrgResource

router = APIRouter()
api = APIRouter(prefix="/api/v1/estimate", tags=["estimate"])
ACTION = "estimate.run"
BAYESIAN = ("lcmcr", "bayes-threshold")
METHODS = ("stepwise", "bic", "aic", "classical", "main", *BAYESIAN)
MAX_BOOTSTRAP = 500  # a web request; larger bootstraps go through `ctkit estimate` on the server
MAX_CSV_BYTES = 900_000  # under the app's request limit, so the message is ours
MAX_SEED = 2**31 - 1
# A web request samples for seconds (about 0.1-0.3 ms a Gibbs sweep, 5-10 us a Metropolis step on 3 to 8 lists);
# longer chains go through `ctkit estimate` on the server. The package defaults are 20,000 sweeps and 11,000 steps.
MAX_SWEEPS = 50_000  # lcmcr: burn-in + samples x thinning
MAX_ITERATIONS = 200_000  # bayes-threshold: burn-in + iterations, per fit (two or three fits)
MAX_CLASSES = 50
# The settings each Bayesian method reads (besides the seed and the burn-in, which both take).
SETTINGS_OF = {"lcmcr": ("classes", "samples", "thinning"),
               "bayes-threshold": ("prior", "prior_variance", "ratio_threshold", "max_order", "mcmc", "thin")}
ERRORS = {401: {"description": "not signed in"}, 403: {"description": "not allowed"},
          404: {"description": "source 'store': no person in the store was recorded by an agency"},
          422: {"description": "invalid input, or data that cannot support an estimate"}}
Method = Literal["stepwise", "bic", "aic", "classical", "main", "lcmcr", "bayes-threshold"]


class BayesIn(BaseModel):
    """The Bayesian methods' main settings; a missing one takes the package default (``BayesSettings``)."""

    model_config = ConfigDict(extra="forbid")
    burnin: int | None = Field(default=None, ge=0, le=MAX_ITERATIONS,
                               description="sweeps (lcmcr, default 10,000) or iterations (bayes-threshold, "
                                           "default 1,000) discarded first")
    classes: int | None = Field(default=None, ge=2, le=MAX_CLASSES,
                                description="lcmcr: latent classes K, the truncation (default 10)")
    samples: int | None = Field(default=None, ge=1, le=MAX_SWEEPS, description="lcmcr: draws kept (default 1,000)")
    thinning: int | None = Field(default=None, ge=1, le=MAX_SWEEPS,
                                 description="lcmcr: Gibbs sweeps between kept draws (default 10)")
    prior: Literal["proper", "improper"] | None = Field(
        default=None, description="bayes-threshold: N(0, prior_variance) or flat priors on the interactions")
    prior_variance: float | None = Field(default=None, gt=0, le=10_000, allow_inf_nan=False,
                                         description="bayes-threshold: variance of the interactions' prior (1)")
    ratio_threshold: float | None = Field(default=None, ge=0, le=100, allow_inf_nan=False,
                                          description="bayes-threshold: keep terms with |mean|/sd at least this (2)")
    max_order: int | None = Field(default=None, ge=2, le=3,
                                  description="bayes-threshold: 3 adds three-list terms (needs 4 lists; default 2)")
    mcmc: int | None = Field(default=None, ge=1, le=MAX_ITERATIONS,
                             description="bayes-threshold: Metropolis iterations after the burn-in (10,000)")
    thin: int | None = Field(default=None, ge=1, le=MAX_ITERATIONS,
                             description="bayes-threshold: keep every thin-th iteration (1)")

    def given(self) -> list[str]:
        return [name for name in type(self).model_fields if getattr(self, name) is not None]


def bayes_defaults() -> dict[str, Any]:
    """The package defaults of the settings the page offers (its form starts from them)."""
    from ctkit.estimate import LcmcrSettings, MetropolisSettings
    from ctkit.estimate.bayes import BayesSettings

    package = BayesSettings()
    return {"burnin_lcmcr": LcmcrSettings().burnin, "burnin_threshold": MetropolisSettings().burnin,
            "classes": package.K, "samples": package.samples, "thinning": package.thinning,
            "prior": package.prior, "prior_variance": package.prior_variance, "ratio_threshold": package.threshold,
            "max_order": package.max_order, "mcmc": package.mcmc, "thin": package.thin}


def bayes_options(method: str, settings: BayesIn, seed: int | None) -> dict[str, Any]:
    """``estimate_bayesian``'s options: the defaults, then the given settings, checked against the web's bounds."""
    value = bayes_defaults() | {k: getattr(settings, k) for k in settings.given()}
    chosen = {"method": method, "seed": secrets.randbelow(MAX_SEED + 1) if seed is None else seed}
    if method == "lcmcr":
        burnin = value["burnin_lcmcr"] if settings.burnin is None else settings.burnin
        if burnin + value["samples"] * value["thinning"] > MAX_SWEEPS:
            raise ValidationError(f"burnin, samples, thinning: at most {MAX_SWEEPS:,} Gibbs sweeps (burn-in + samples "
                                  "x thinning) in a web request", hint="use ctkit estimate on the server for more")
        return chosen | {"burnin": burnin, "K": value["classes"], "samples": value["samples"],
                         "thinning": value["thinning"]}
    burnin = value["burnin_threshold"] if settings.burnin is None else settings.burnin
    if burnin + value["mcmc"] > MAX_ITERATIONS:
        raise ValidationError(f"burnin, mcmc: at most {MAX_ITERATIONS:,} Metropolis iterations (burn-in + "
                              "iterations) in a web request", hint="use ctkit estimate on the server for more")
    if value["thin"] > value["mcmc"]:
        raise ValidationError("thin: at most the number of iterations (mcmc)")
    return chosen | {"burnin": burnin, "prior": value["prior"], "prior_variance": value["prior_variance"],
                     "threshold": value["ratio_threshold"], "max_order": value["max_order"], "mcmc": value["mcmc"],
                     "thin": value["thin"]}


def history_from_csv(data: bytes):
    """A capture history from CSV bytes. Messages name the problem (and a column), never a value."""
    import pandas as pd

    from ctkit.estimate import from_frame

    if len(data) > MAX_CSV_BYTES:
        raise ValidationError(f"file: larger than {MAX_CSV_BYTES // 1000} kB")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError("file: not UTF-8 text") from None
    try:
        frame = pd.read_csv(io.StringIO(text))
    except (ValueError, pd.errors.ParserError) as exc:
        raise ValidationError(f"file: cannot be read as a CSV table ({type(exc).__name__})") from None
    return from_frame(frame)


def history_from_store(ctx: Ctx, method: str):
    """Each person's recording agencies as a history; persons recorded by no agency cannot be on any list."""
    from ctkit.estimate import from_records

    records = [h.agencies for h in ctx.state.store.cases.persons_capture_histories() if h.agencies]
    if not records:
        # As the analysis pages answer a missing snapshot: there is nothing to estimate from yet.
        raise NotFoundError("the store holds no person recorded by an agency", hint="upload a CSV instead")
    append_now(ctx.state.store.engine, AuditEvent(
        action=ACTION, outcome="allowed", reason="scope_org", actor_id=ctx.actor.user_id,
        organisation_id=ctx.actor.organisation_id, resource_type="organisation",
        resource_id=ctx.actor.organisation_id, details={"source": "store", "method": method, "persons": len(records)}))
    return from_records(records)


def options_for(method: str, bootstrap: int, seed: int | None, bayes: BayesIn | None = None) -> dict[str, Any]:
    """The library's options for one web run, checked before any data is read (one worker process: this runs
    inside a web request)."""
    if method not in METHODS:
        raise ValidationError(f"method: one of {', '.join(METHODS)}")
    if method in BAYESIAN:
        if bootstrap:
            raise ValidationError(f"bootstrap: {method} gives a credible interval without resampling; set it to 0")
        return bayes_options(method, bayes or BayesIn(), seed)
    if not 0 <= bootstrap <= MAX_BOOTSTRAP:
        raise ValidationError(f"bootstrap: from 0 to {MAX_BOOTSTRAP} resamples here; use ctkit estimate for more")
    return {"method": method, "bootstrap": bootstrap, "seed": seed, "workers": 1}


def run(history, options: dict[str, Any]):
    """Estimate with the library."""
    from ctkit.estimate import estimate

    if options.get("max_order") == 3 and history.n_lists < 4:
        raise ValidationError("max_order: three-list interactions need at least four lists")
    return estimate(history, **options)


def chart_json(result) -> str | None:
    from ctkit.estimate import sensitivity_figure

    # one latent-class model has no alternatives to compare: its only row is the table above
    if not result.sensitivity or result.method == "lcmcr":
        return None
    return _script_json(sensitivity_figure(result))


def trace_json(result, gettext) -> str | None:
    """The sampled total against the draw, with the median and the credible limits (None without a trace)."""
    import plotly.graph_objects as go

    from ctkit.analyse.charts import LAYOUT
    from ctkit.estimate.mcmc import TRACE_POINTS

    trace = result.diagnostics.get("trace") or []
    if not trace:
        return None
    step = max(1, int(result.diagnostics.get("posterior", {}).get("draws") or len(trace)) // TRACE_POINTS)  # as kept
    figure = go.Figure(go.Scatter(x=[i * step + 1 for i in range(len(trace))], y=trace, mode="lines",
                                  line={"color": "#2471a3", "width": 1},
                                  hovertemplate="%{x}: %{y:,.0f}<extra></extra>"))
    for value, dash in ((result.ci_low, "dot"), (result.estimate, "dash"), (result.ci_high, "dot")):
        figure.add_hline(y=value, line_dash=dash, line_color="#c0392b")
    figure.update_layout(**(LAYOUT | {"height": 320, "margin": {"l": 60, "r": 10, "t": 40, "b": 40}}),
                         title=gettext("Trace of the total (median and credible limits dashed)"),
                         xaxis_title=gettext("Kept draw"), yaxis_title=gettext("Total population"))
    return _script_json(figure)


def _script_json(figure) -> str:
    # JSON inside <script type="application/json">: escape '<' so no '</script>' can end the element.
    return figure.to_json().replace("<", "\\u003c")


# -- pages ----------------------------------------------------------------------------------------------------------

FormText = Annotated[str, Form(max_length=24)]


def bayes_form(burnin: FormText = "", classes: FormText = "", samples: FormText = "", thinning: FormText = "",
               prior: FormText = "", prior_variance: FormText = "", ratio_threshold: FormText = "",
               max_order: FormText = "", mcmc: FormText = "", thin: FormText = "") -> dict[str, str]:
    """The Bayesian settings as typed (blank: the package default), checked by ``BayesIn`` when a Bayesian method
    is chosen."""
    typed = {"burnin": burnin, "classes": classes, "samples": samples, "thinning": thinning, "prior": prior,
             "prior_variance": prior_variance, "ratio_threshold": ratio_threshold, "max_order": max_order,
             "mcmc": mcmc, "thin": thin}
    return {name: value.strip() for name, value in typed.items() if value.strip()}


def page(ctx: Ctx, chosen: dict[str, Any], result=None) -> Response:
    from ctkit.estimate.bayes import LOW_ESS

    defaults = bayes_defaults()
    values = {"method": "stepwise", "bootstrap": 0, "burnin": ""} | defaults | chosen
    return render(ctx, "estimate/page.html", methods=METHODS, chosen=values, defaults=defaults, result=result,
                  chart=chart_json(result) if result else None,
                  trace=trace_json(result, ctx.gettext) if result else None, settings=settings_rows(result),
                  max_bootstrap=MAX_BOOTSTRAP, max_sweeps=MAX_SWEEPS, max_iterations=MAX_ITERATIONS,
                  max_classes=MAX_CLASSES, low_ess=LOW_ESS)


def settings_rows(result) -> list[tuple[str, object]]:
    """The provenance's settings that shaped a Bayesian result (the others are the unused method's)."""
    if result is None or result.method not in BAYESIAN:
        return []
    names = (("K", "a_alpha", "b_alpha", "burnin", "samples", "thinning") if result.method == "lcmcr" else
             ("prior", "prior_variance", "threshold", "max_order", "burnin", "mcmc", "thin"))
    recorded = result.provenance.get("settings", {})
    return [(name, recorded.get(name)) for name in (*names, "level")]


@router.get("/estimate", include_in_schema=False)
def estimate_start(ctx: Annotated[Ctx, Depends(requires(ACTION))]) -> Response:
    ctx.authorize(ACTION, OrgResource(ctx.actor.organisation_id))
    return page(ctx, {})


@router.post("/estimate", include_in_schema=False)
def estimate_page(ctx: Annotated[Ctx, Depends(requires(ACTION))],
                  typed: Annotated[dict[str, str], Depends(bayes_form)],
                  source: Annotated[Literal["file", "store"], Form()] = "file",
                  method: Annotated[Method, Form()] = "stepwise",
                  bootstrap: Annotated[int, Form(ge=0, le=MAX_BOOTSTRAP)] = 0,
                  seed: Annotated[str, Form(max_length=10, pattern=r"^[0-9]*$")] = "",
                  file: Annotated[UploadFile | None, File()] = None) -> Response:
    ctx.authorize(ACTION, OrgResource(ctx.actor.organisation_id))
    bayes = BayesIn.model_validate(typed) if method in BAYESIAN else None
    options = options_for(method, bootstrap, int(seed) if seed else None, bayes)
    if source == "store":
        history = history_from_store(ctx, method)
    elif file is not None and file.filename:
        history = history_from_csv(file.file.read(MAX_CSV_BYTES + 1))
    else:
        raise ValidationError("file: choose a CSV file, or use the store's cases")
    result = run(history, options)
    return page(ctx, {"method": method, "bootstrap": bootstrap, "seed": seed, "source": source, **typed}, result)


# -- JSON API -------------------------------------------------------------------------------------------------------


class EstimateIn(BayesIn):
    model_config = ConfigDict(extra="forbid")
    source: Literal["rows", "store"] = Field(default="rows", description="rows below, or the store's cases")
    rows: list[dict[str, int]] = Field(default_factory=list, max_length=100_000,
                                       description="one object per pattern: a 0/1 value per list and 'count'")
    method: Method = "stepwise"
    bootstrap: int = Field(default=0, ge=0, le=MAX_BOOTSTRAP)
    seed: int | None = Field(default=None, ge=0, le=MAX_SEED,
                             description="bootstrap or MCMC seed; a Bayesian run without one gets one drawn")


def unused_settings(body: EstimateIn) -> None:
    """Refuse a Bayesian setting the chosen method does not read (it would be silently ignored)."""
    reads = set(SETTINGS_OF.get(body.method, ())) | ({"burnin"} if body.method in BAYESIAN else set())
    for name in BayesIn.model_fields:
        if getattr(body, name) is not None and name not in reads:
            users = [m for m in BAYESIAN if name in SETTINGS_OF[m]]
            raise ValidationError(f"{name}: a setting of {' and '.join(users) or 'the Bayesian methods'}, "
                                  f"not of method {body.method}")


@api.post("", responses=ERRORS)
def api_estimate(ctx: Annotated[Ctx, Depends(requires(ACTION))], body: EstimateIn) -> dict[str, Any]:
    """The estimate as ``ctkit estimate --json`` gives it: estimate, interval, method, model, warnings,
    diagnostics, sensitivity across models and provenance. With ``lcmcr`` or ``bayes-threshold`` the interval is
    credible and the diagnostics hold the posterior (quantiles, Monte Carlo errors, effective sample size) and a
    thinned trace; their settings are bounded (burn-in + samples x thinning at most 50,000 Gibbs sweeps, burn-in +
    mcmc at most 200,000 Metropolis iterations, classes at most 50)."""
    import pandas as pd

    from ctkit.estimate import from_frame

    ctx.authorize(ACTION, OrgResource(ctx.actor.organisation_id))
    unused_settings(body)
    options = options_for(body.method, body.bootstrap, body.seed, body)
    if body.source == "store":
        history = history_from_store(ctx, body.method)
    elif body.rows:
        history = from_frame(pd.DataFrame(body.rows).fillna(0))
    else:
        raise ValidationError("rows: give the capture-history rows, or source 'store'")
    return run(history, options).to_dict()
