"""The aggregate-then-synthesise engine: pac-synth (Microsoft's Synthetic Data Showcase), as CTDC's synthetic data.

pac-synth's DP aggregate-seeded synthesiser (1) counts every attribute combination up to the reporting length,
(2) adds Gaussian noise to the counts, with part of the budget spent on a percentile-based bound of each record's
contribution and on thresholds that suppress combinations that are probably noise, (3) samples synthetic records
whose combinations follow those noisy counts. Only step 2 sees the true data; the sampling is post-processing.

pac-synth takes no random seed: two runs on the same data give different records (and each run costs budget).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from functools import cache
from importlib.metadata import version

import pandas as pd

from ctkit.errors import DependencyMissing, ValidationError
from ctkit.share.disclosure.combinations import as_text

FABRICATION_MODES = ("balanced", "minimize", "progressive", "uncontrolled")
ACCURACY_MODES = ("prioritize_long_combinations", "prioritize_short_combinations", "balanced")


@cache
def pacsynth():
    """The pac-synth module (imported on first use: it loads a native library)."""
    try:
        import pacsynth as module
    except ImportError as exc:  # pragma: no cover - pac-synth is a declared dependency
        raise DependencyMissing("pac-synth", "differentially private synthetic data") from exc
    return module


def text_dataset(frame: pd.DataFrame, *, zeros_are_values: bool = False):
    """A pac-synth Dataset of a text frame; "0" is a value only with ``zeros_are_values`` (else like empty)."""
    return pacsynth().Dataset.from_data_frame(frame, sensitive_zeros=list(frame.columns) if zeros_are_values else [])


@dataclass(frozen=True)
class SynthesisParameters:
    """Everything that decides a synthesis besides the data; stated in full with each release.

    ``fabrication`` controls combinations reported without being in the data (``balanced``: thresholds on the
    2-counts; ``minimize``: on every length, fewer fabricated but more suppressed). ``accuracy`` splits the budget
    over combination lengths. Percentile settings bound each record's contribution (see pac-synth's docs).
    ``use_synthetic_counts`` makes the sampler take combinations it has already produced less often (pac-synth's
    default, False, is kept: on CTDC-shaped data neither setting was consistently better).
    ``zeros_are_values`` False (the Synthetic Data Showcase default) treats a flag's "0" like "not recorded": only
    the 1s form combinations, so a CTDC record has about 8 attributes instead of about 20, the contribution bound
    (and the noise) is far smaller, and the released flags read 1 or empty. True keeps 1 / 0 / empty apart at
    roughly ten times the noise on CTDC's 27 columns.
    """

    epsilon: float
    delta: float
    reporting_length: int = 3
    fabrication: str = "balanced"
    accuracy: str = "prioritize_long_combinations"
    percentile_percentage: int = 99
    percentile_epsilon_proportion: float = 0.01
    number_of_records_epsilon_proportion: float = 0.005
    use_synthetic_counts: bool = False
    zeros_are_values: bool = False

    def __post_init__(self) -> None:
        if not (isinstance(self.reporting_length, int) and 1 <= self.reporting_length <= 6):
            raise ValidationError(f"reporting_length must be an integer from 1 to 6, got {self.reporting_length!r}")
        if self.fabrication not in FABRICATION_MODES:
            raise ValidationError(f"fabrication mode {self.fabrication!r} is not one of {', '.join(FABRICATION_MODES)}")
        if self.accuracy not in ACCURACY_MODES:
            raise ValidationError(f"accuracy mode {self.accuracy!r} is not one of {', '.join(ACCURACY_MODES)}")
        if not self.delta > 0:
            raise ValidationError("DP synthetic data uses Gaussian noise: delta must be > 0 (e.g. 1e-6)")

    def stated(self) -> dict:
        return {**asdict(self), "engine": f"pac-synth {version('pac-synth')}",
                "synthesiser": "DpAggregateSeededSynthesizer", "seeded": False}


@dataclass(frozen=True)
class Synthesis:
    """What one run produced: synthetic records, the DP aggregates (key -> count), the DP number of records."""

    records: pd.DataFrame
    aggregates: dict[str, int]
    dp_records: int


def synthesise(table: pd.DataFrame, parameters: SynthesisParameters) -> Synthesis:
    """Fit pac-synth on ``table`` (text cells, empty = not recorded); sample as many records as its DP count.

    """
    module = pacsynth()
    frame = as_text(table)
    dataset = text_dataset(frame, zeros_are_values=parameters.zeros_are_values)
    built = (module.DpAggregateSeededParametersBuilder()
             .reporting_length(parameters.reporting_length).epsilon(parameters.epsilon).delta(parameters.delta)
             .percentile_percentage(parameters.percentile_percentage)
             .percentile_epsilon_proportion(parameters.percentile_epsilon_proportion)
             .number_of_records_epsilon_proportion(parameters.number_of_records_epsilon_proportion)
             .use_synthetic_counts(parameters.use_synthetic_counts)
             .fabrication_mode(getattr(module.FabricationMode, parameters.fabrication)())
             .accuracy_mode(getattr(module.AccuracyMode, parameters.accuracy)())
             .build())
    synthesizer = module.DpAggregateSeededSynthesizer(built)
    synthesizer.fit(dataset)
    dp_records = int(synthesizer.get_dp_number_of_records())
    # As many records as the DP count of the true records (pac-synth's own default can overshoot it by far).
    raw = synthesizer.sample(max(dp_records, 1))
    records = module.Dataset.raw_data_to_data_frame(raw).reindex(columns=list(frame.columns), fill_value="")
    return Synthesis(records=records.astype(object), aggregates=dict(synthesizer.get_dp_aggregates(";")),
                     dp_records=dp_records)
