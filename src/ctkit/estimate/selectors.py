"""Model-selection procedures as picklable callables (history -> fitted model), for the bootstrap's workers."""

from __future__ import annotations

from dataclasses import dataclass

from ctkit.errors import EstimationError
from ctkit.estimate.history import CaptureHistory, remove_degenerate_lists
from ctkit.estimate.loglinear import FittedModel, fit_model
from ctkit.estimate.models import Model
from ctkit.estimate.search import search_models
from ctkit.estimate.stepwise import DEFAULT_THRESHOLD, stepwise


@dataclass(frozen=True)
class StepwiseSelector:
    """Stepwise selection at ``threshold``; lists a resample leaves empty or full are dropped first."""

    threshold: float = DEFAULT_THRESHOLD

    def fit(self, history: CaptureHistory) -> FittedModel:
        reduced, _ = remove_degenerate_lists(history)
        return stepwise(reduced, self.threshold).fit

    def __call__(self, history: CaptureHistory) -> float:
        return self.fit(history).total


@dataclass(frozen=True)
class SearchSelector:
    """The best model by AIC or BIC among ``models`` (all hierarchical models up to ``max_order`` if None)."""

    criterion: str = "bic"
    max_order: int = 2
    models: tuple[Model, ...] | None = None

    def fit(self, history: CaptureHistory) -> FittedModel:
        result = search_models(
            history, self.criterion, self.max_order, list(self.models) if self.models else None, workers=1
        )
        return fit_model(history, result.best)

    def __call__(self, history: CaptureHistory) -> float:
        models = list(self.models) if self.models else None
        return search_models(history, self.criterion, self.max_order, models, workers=1).best_total


@dataclass(frozen=True)
class FixedSelector:
    """A fixed model (no selection): the bootstrap then measures sampling variation only."""

    model: Model

    def __call__(self, history: CaptureHistory) -> float:
        from ctkit.estimate.existence import check_model

        check = check_model(history, self.model)
        if not check.ok:
            raise EstimationError(check.message(self.model, history.lists))
        return fit_model(history, self.model).total
