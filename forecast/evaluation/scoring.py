"""Proper scores of forecast samples of crossing dates against censored outcomes.

Forecasts are samples X of an event's crossing date T in decimal years (+inf: "not before the
method's horizon"), so scores (CRPS) are in years. An event not reached by the end of the data
d (`data_end`) is right-censored: T is only known to exceed d. The scores treat it as such:

* CRPS over the observed window: forecast samples and outcome are clipped at d,
  ``CRPS(min(X, d), min(T, d))``. This is the threshold-weighted CRPS with weight 1{x <= d}
  (chaining function v(x) = min(x, d); Allen, Ginsbourger & Ziegel 2023, arXiv:2202.12732),
  a proper score that the censored outcome determines exactly. Units: years.
* Interval coverage per row (`covered_50/80/90`) is True/False only where the outcome decides
  it: an uncensored T decides it; a censored T decides it only when the interval ends by d (then
  not covered) or when its upper end is +inf ("not before the horizon") and its lower end is at
  most d (then covered). Otherwise it is NA.
* Coverage credit per row (`credit_50/80/90`): the decided value where decided, else the
  forecast's own probability that T falls in the interval given T > d,
  ``P(lo <= T <= hi, T > d) / P(T > d)`` (the censored-PIT treatment of D-calibration; Haider,
  Hoehn, Davis & Greiner 2020, JMLR 21(85)). Under calibration its mean is unbiased for the
  nominal level, but it takes the forecast's word for the rows it cannot check, so the summary's
  headline coverage is the decided rows' with the bounds the undecided rows allow
  (`forecast.evaluation.censored_split`); the mean credit is kept as `coverage`.
* PIT. Uncensored: F(T) (randomised between F(T-) and F(T) on ties). Censored: the PIT is only
  known to lie in [F(d), 1]; the row's `pit` is the *randomised* PIT, uniform on that interval
  (uniform on [0, 1] marginally under calibration), and `pit_lo`/`pit_hi` give the interval. The
  PIT histogram in the summary spreads each row's unit mass uniformly over [pit_lo, pit_hi], so
  it does not depend on the randomisation.
* P(first crossing by d) per row (`p_by_data_end`): the share of samples at most d. Every row
  decides this question (`forecast.evaluation.data_end_brier` scores it).
* Brier score of "reached within h years of the cutoff" (h = 1, 2), with forecast probability
  P(X <= cutoff + h). It is counted only for rows with cutoff + h <= d, where every event's
  outcome is known; dropping just the censored rows at a later cutoff would keep the reached
  events and drop the unreached ones, a selection on the outcome.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

QUANTILES = (0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95)
LEVELS = (0.5, 0.8, 0.9)
BRIER_HORIZONS_YEARS = (1, 2)
#: Per-row score columns, in the order the backtest's rows carry them.
SCORE_FIELDS = (
    *(f"q{round(p * 100):02d}" for p in QUANTILES),
    *(f"{kind}_{round(level * 100)}" for level in LEVELS for kind in ("covered", "credit")),
    "pit_lo", "pit_hi", "pit", "crps", "p_by_data_end",
    *(f"{kind}_{h}y" for h in BRIER_HORIZONS_YEARS for kind in ("p", "brier")),
)


def sample_quantiles(samples: np.ndarray, probs: Sequence[float] = QUANTILES) -> np.ndarray:
    """Quantiles per row of `samples`, by linear interpolation.

    Parameters
    ----------
    samples : numpy.ndarray
        Shape (events, samples); may hold +inf.
    probs : sequence of float
        Probabilities of the quantiles.

    Returns
    -------
    numpy.ndarray
        Shape (events, len(probs)). A quantile whose upper neighbouring order statistic is
        +inf is +inf.
    """
    x = np.asarray(samples, dtype=float)
    big = np.where(np.isinf(x), np.finfo(float).max / 4, x)
    q = np.quantile(big, probs, axis=1).T
    upper = np.quantile(x, probs, axis=1, method="higher").T
    q[np.isinf(upper)] = np.inf
    return q


def score_samples(
    samples: np.ndarray,
    outcome_year: np.ndarray,
    censored: np.ndarray,
    data_end_year: np.ndarray,
    cutoff_year: float,
    rng: np.random.Generator,
) -> dict[str, np.ndarray]:
    """Score forecast samples against outcomes, by the rules in the module docstring.

    Parameters
    ----------
    samples : numpy.ndarray
        Shape (events, samples): crossing dates in decimal years, +inf allowed.
    outcome_year : numpy.ndarray
        The realised crossing per event (ignored where `censored`).
    censored : numpy.ndarray
        Per event: not reached by its `data_end_year`.
    data_end_year : numpy.ndarray
        The censoring date d per event, decimal years.
    cutoff_year : float
        The cutoff in decimal years (start of the Brier horizons).
    rng : numpy.random.Generator
        Draws the randomised PIT (one uniform per event).

    Returns
    -------
    dict of str to numpy.ndarray
        Per-event arrays: quantiles `q05`..`q95`; for each level L in 50/80/90 `covered_L`
        (1.0, 0.0 or NaN = undecided) and `credit_L`; `pit_lo`, `pit_hi`, `pit`; `crps`
        (years); `p_by_data_end` (share of samples at most the event's data end); `p_1y`,
        `brier_1y`, `p_2y`, `brier_2y` (Brier NaN = not counted).
    """
    import scoringrules as sr  # deferred: scoringrules imports numba (about 4 s)

    x = np.asarray(samples, dtype=float)
    cens = np.asarray(censored, dtype=bool)
    d = np.asarray(data_end_year, dtype=float)
    y = np.where(cens, np.inf, np.asarray(outcome_year, dtype=float))
    out: dict[str, np.ndarray] = {}

    q = sample_quantiles(x)
    for j, p in enumerate(QUANTILES):
        out[f"q{round(p * 100):02d}"] = q[:, j]
    for level in LEVELS:
        tag = f"{round(level * 100)}"
        out[f"covered_{tag}"], out[f"credit_{tag}"] = _coverage(x, y, cens, d, level)
    out["pit_lo"], out["pit_hi"], out["pit"] = _pit(x, y, cens, d, rng)
    out["crps"] = np.asarray(sr.crps_ensemble(np.minimum(y, d), np.minimum(x, d[:, None])), dtype=float)
    out["p_by_data_end"] = (x <= d[:, None]).mean(axis=1)
    for h in BRIER_HORIZONS_YEARS:
        out[f"p_{h}y"], out[f"brier_{h}y"] = _brier(x, y, cens, d, cutoff_year + h)
    return out


def _coverage(
    x: np.ndarray, y: np.ndarray, cens: np.ndarray, d: np.ndarray, level: float
) -> tuple[np.ndarray, np.ndarray]:
    """Per event: whether the central `level` interval covers T (NaN = undecided) and its credit."""
    n_events = x.shape[0]
    lo, hi = sample_quantiles(x, [(1 - level) / 2, (1 + level) / 2]).T
    covered = np.full(n_events, np.nan)
    covered[~cens] = ((lo <= y) & (y <= hi))[~cens]
    covered[cens & (hi <= d)] = 0.0
    covered[cens & np.isinf(hi) & (lo <= d)] = 1.0
    # credit where undecided: P(lo <= T <= hi, T > d) / P(T > d) under the forecast
    after_d = x > d[:, None]
    inside = after_d & (x >= lo[:, None]) & (x <= hi[:, None])
    denom = after_d.mean(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(denom > 0, inside.mean(axis=1) / denom, 0.0)
    credit = np.where(np.isnan(covered), share, covered)
    return covered, credit


def _pit(
    x: np.ndarray, y: np.ndarray, cens: np.ndarray, d: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per event: the PIT interval [pit_lo, pit_hi] and the randomised PIT uniform on it."""
    f_minus = np.where(cens, (x <= d[:, None]).mean(axis=1), (x < y[:, None]).mean(axis=1))
    f_plus = np.where(cens, 1.0, (x <= y[:, None]).mean(axis=1))
    return f_minus, f_plus, f_minus + rng.uniform(size=x.shape[0]) * (f_plus - f_minus)


def _brier(
    x: np.ndarray, y: np.ndarray, cens: np.ndarray, d: np.ndarray, horizon: float
) -> tuple[np.ndarray, np.ndarray]:
    """Per event: P(X <= horizon) and its Brier score, NaN where the horizon passes d."""
    prob = (x <= horizon).mean(axis=1)
    happened = (~cens) & (y <= horizon)
    brier = (prob - happened) ** 2
    return prob, np.where(horizon <= d, brier, np.nan)
