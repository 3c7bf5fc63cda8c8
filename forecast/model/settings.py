"""The settings of a fit besides data and priors, and the sampler defaults that depend on the data."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any, Literal

FitVariant = Literal["full", "drift_only", "priors_only"]
# The benchmarks fitted by default: the general-capability set used by observational scaling
# laws (Ruan et al. 2024, arXiv:2405.10938) plus MMLU-Pro and BBH. Narrow or saturated ones
# (IFEval, MuSR, LAMBADA, TriviaQA, ...) would pull the shared capability toward what they test.
CORE_BENCHMARKS = ("mmlu", "mmlu_pro", "arc_c", "hellaswag", "winogrande", "bbh", "gsm8k", "humaneval")

# From this many informative models on, NUTS's target acceptance rate is 0.8 by default and 0.9
# below: with many informative models the posterior is well conditioned and the longer step pays;
# with fewer it diverges more often and mixes worse.
LONG_STEP_MIN_MODELS = 300

# nutpie's tuning steps by default: `SHORT_TUNE` from `LONG_STEP_MIN_MODELS` informative models
# on, `LONG_TUNE` below (equal at present; why, in docs/decisions/positive-drift-slopes.md). The
# backtest's fits set their own (`forecast.evaluation.methods`).
SHORT_TUNE, LONG_TUNE = 1000, 1000

# the settings that change the model's graph; the others (draws, tuning steps, chains, cores, seed,
# target acceptance) only steer the sampler. The as-of date is not among them: it reaches a fit
# only through the data and the priors it selects, which the cache key holds as their hashes
# (`forecast.model.store.fit_keys`; docs/decisions/fit-key-what-the-fit-saw.md).
MODEL_SETTINGS = ("variant", "min_models_per_benchmark", "benchmarks")


@dataclass(frozen=True)
class FitSettings:
    """Everything besides data and priors that changes a fit."""

    as_of: date
    draws: int = 2000
    tune: int | None = None  # None: `tune_for` the fitted data
    chains: int = 4
    cores: int = 2
    seed: int = 20230319
    variant: FitVariant = "full"
    target_accept: float | None = None  # None: `target_accept_for` the fitted data
    min_models_per_benchmark: int = 12
    benchmarks: tuple[str, ...] = CORE_BENCHMARKS

    def to_dict(self) -> dict[str, Any]:
        """The settings as JSON-ready values (the date in ISO form, the benchmarks as a list)."""
        d = asdict(self)
        d["as_of"] = self.as_of.isoformat()
        d["benchmarks"] = list(self.benchmarks)
        return d

    def key_dict(self) -> dict[str, Any]:
        """`to_dict` without the as-of date: the settings as a fit's cache key holds them.

        The date selects the data and the priors a fit sees, and the key holds those as their
        hashes; the same data and priors under a later date give the same posterior."""
        d = self.to_dict()
        del d["as_of"]
        return d


def _by_data_size(setting: Any, n_informative: int, large: Any, small: Any) -> Any:
    """`setting` when it is set, else `large` from `LONG_STEP_MIN_MODELS` informative models on
    and `small` below."""
    if setting is not None:
        return setting
    return large if n_informative >= LONG_STEP_MIN_MODELS else small


def tune_for(settings: FitSettings, n_informative: int) -> int:
    """The number of tuning steps of a fit.

    Parameters
    ----------
    settings : FitSettings
        The fit's settings.
    n_informative : int
        The number of informative models in the fitted data.

    Returns
    -------
    int
        `settings.tune`, or when it is None `SHORT_TUNE` from `LONG_STEP_MIN_MODELS` informative
        models on and `LONG_TUNE` below.
    """
    return int(_by_data_size(settings.tune, n_informative, SHORT_TUNE, LONG_TUNE))


def target_accept_for(settings: FitSettings, n_informative: int) -> float:
    """NUTS's target acceptance rate of a fit.

    Parameters
    ----------
    settings : FitSettings
        The fit's settings.
    n_informative : int
        The number of informative models in the fitted data.

    Returns
    -------
    float
        `settings.target_accept`, or when it is None 0.8 from `LONG_STEP_MIN_MODELS` informative
        models on and 0.9 below.
    """
    return float(_by_data_size(settings.target_accept, n_informative, 0.8, 0.9))
