"""Two data-only baselines for the backtest: the Densing Law and a naive pooled frontier line.

Both implement `forecast.evaluation.method_protocol.Method`: given the models released by a cutoff, they return
samples of each open event's crossing date in decimal years. Sizes are parameter counts on the
event's axis, logarithms are base 10 unless written ln, time is in decimal years, and a score is
reduced to one number per model by the same `ScoreRule` that decides the realised outcomes.

Both draw a crossing date from a normal distribution in time and condition it on the event not
having happened by the cutoff (the draw is truncated to dates after the cutoff), which every
method knows at the cutoff. Draws later than `horizon_years` after the cutoff become +inf
("not before the horizon").

The uncertainty of their fitted parameters comes from a bootstrap of each fit (`parameters =
"bootstrap"`, the default): `n_bootstrap` replicates are refitted on data resampled with
replacement, and every crossing sample is drawn from one replicate picked at random, with that
replicate's residual scatter. The replicates come from the generator seeded by the method's
`seed`, so the same seed gives the same samples. `parameters = "point"` keeps the fitted values
(residual scatter only).

Both are given the data known at the cutoff (the backtest filters the registry as of each
cutoff); `_released_by` is their one call of that filter, so a direct call of `fit` with the full
registry sees the same data.

The score link, used to compare thresholds: a score s on a benchmark with chance floor c maps to
the logit scale as ``g(s) = logit((s - c) / (1 - c))`` (c = 0.25 for four-way multiple choice
such as MMLU).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Literal

import numpy as np
import pandas as pd
from scipy.optimize import least_squares
from scipy.special import expit, log_ndtr, logit, ndtri_exp

from forecast.evaluation.events import Event, population_frame
from forecast.evaluation.score_rule import ScoreRule
from forecast.inputs.dates import decimal_year
from forecast.inputs.registry import known_by, load_registry, shipped_benchmarks
from forecast.core.errors import UserError

CHANCE_FLOORS: dict[str, float] = {"mmlu": 0.25}
LN10 = float(np.log(10.0))


def chance_floor(benchmark: str, floors: Mapping[str, float]) -> float:
    """Chance-level score of `benchmark`.

    Parameters
    ----------
    benchmark : str
        Lower-case benchmark name.
    floors : mapping of str to float
        Chance floors by benchmark.

    Returns
    -------
    float
        The benchmark's floor, 0 when `floors` does not name it.
    """
    return float(floors.get(benchmark, 0.0))


def score_logit(score, chance: float) -> np.ndarray:
    """g(s) = logit((s - c) / (1 - c)): the score above chance on the logit scale.

    Parameters
    ----------
    score : float or array_like
        Scores s (fractions).
    chance : float
        The chance floor c.

    Returns
    -------
    numpy.ndarray
        g(s), elementwise.
    """
    return logit((np.asarray(score, dtype=float) - chance) / (1.0 - chance))


def _released_by(
    models: pd.DataFrame, scores: pd.DataFrame, cutoff: date, data_dir: str | None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """What was public on `cutoff` (`forecast.inputs.registry.known_by`, the as-of filter every
    method uses), with the benchmarks table of the registry folder `data_dir` (None: the shipped
    one). On frames the backtest has already filtered as of `cutoff` it changes nothing."""
    benchmarks = load_registry(data_dir).benchmarks if data_dir is not None else shipped_benchmarks()
    return known_by(models, scores, benchmarks, cutoff)


def _resample(n: int, rng: np.random.Generator) -> np.ndarray:
    """n indices drawn from range(n) with replacement."""
    return rng.integers(0, n, size=n)


MAX_REDRAWS = 100  # resamples tried per replicate before one that determines the fit is given up


def _record_mask(values: np.ndarray, higher_is_better: bool) -> np.ndarray:
    """True where a value (in time order) strictly beats every earlier one: the running record."""
    v = np.asarray(values, dtype=float) * (1.0 if higher_is_better else -1.0)
    best = -np.inf
    mask = np.zeros(len(v), dtype=bool)
    for i, x in enumerate(v):
        if x > best:
            mask[i], best = True, x
    return mask


def sample_after(mean: np.ndarray, sd: np.ndarray, lower: float, rng: np.random.Generator) -> np.ndarray:
    """One draw per entry from Normal(mean, sd) truncated to (lower, inf).

    The draw inverts the upper tail in log space: z = -ndtri_exp(ln u + ln Phi(-a)),
    a = (lower - mean) / sd, which stays exact when the truncation point is far in the tail.

    Parameters
    ----------
    mean, sd : numpy.ndarray
        Location and scale per entry (same shape).
    lower : float
        The truncation point.
    rng : numpy.random.Generator
        Draws one uniform per entry with a finite mean and positive finite sd.

    Returns
    -------
    numpy.ndarray
        Draws of the shape of `mean`: +inf where the mean or sd is not finite, max(mean, lower)
        where sd = 0.
    """
    mean = np.asarray(mean, dtype=float)
    sd = np.asarray(sd, dtype=float)
    finite = np.isfinite(mean) & np.isfinite(sd) & (sd > 0)
    out = np.full(mean.shape, np.inf)
    point = np.isfinite(mean) & (sd == 0)
    out[point] = np.maximum(mean[point], lower)
    a = (lower - mean[finite]) / sd[finite]
    u = rng.uniform(size=a.shape)
    z = -ndtri_exp(np.log(u) + log_ndtr(-a))
    out[finite] = np.maximum(mean[finite] + sd[finite] * z, lower)
    return out


class _PerPopulation:
    """`Method.sample_crossings` for baselines that fit one frontier per event population
    (benchmark, axis, filters): `_sample_population` returns samples for a list of events that
    share a population; draws later than `horizon_years` after the cutoff become +inf."""

    name: str
    horizon_years: float

    def sample_crossings(
        self, models: pd.DataFrame, scores: pd.DataFrame, cutoff: date, events: list[Event],
        n_samples: int, seed: int,
    ) -> np.ndarray:
        """Samples of each event's crossing date, one fit per population (see `Method`)."""
        rng = np.random.default_rng(seed)
        groups: dict[tuple, list[int]] = defaultdict(list)
        for i, event in enumerate(events):
            groups[event.population].append(i)
        out = np.empty((len(events), n_samples))
        for indices in groups.values():
            out[indices] = self._sample_population(
                models, scores, cutoff, [events[i] for i in indices], n_samples, rng
            )
        out[out > float(decimal_year(pd.Timestamp(cutoff))) + self.horizon_years] = np.inf
        return out

    def _sample_population(self, models, scores, cutoff, events, n_samples, rng) -> np.ndarray:
        """Samples (len(events), n_samples) for events sharing one population; each baseline
        defines it."""
        raise NotImplementedError


# ----------------------------------------------------------------------------- Densing Law


def _reference_curve(
    log_n: np.ndarray, dt: np.ndarray, s: np.ndarray, c: float, with_trend: bool
) -> tuple[float, float, float]:
    """Least-squares (k, m, r) of s = c + (1 - c) * expit(k * (log10 N + r * dt - m)), with
    dt = t - t_ref and r fixed at 0 unless `with_trend`."""

    def residual(p: np.ndarray) -> np.ndarray:
        k, m, r = p if with_trend else (*p, 0.0)
        return c + (1 - c) * expit(k * (log_n + r * dt - m)) - s

    start = [2.0, float(np.median(log_n))] + ([0.3] if with_trend else [])
    lower = [0.05, 5.0] + ([-5.0] if with_trend else [])
    upper = [50.0, 15.0] + ([5.0] if with_trend else [])
    sol = least_squares(residual, start, bounds=(lower, upper))
    return sol.x if with_trend else (*sol.x, 0.0)


@dataclass(frozen=True)
class DensingFit:
    """A Densing-Law fit as of a cutoff.

    Reference curve (least squares over all models released by the cutoff):
        s = c + (1 - c) * expit(k * (log10 N + r * (t - t_ref) - m))
    The time term r (log10 parameters per year) separates vintage from size, so k is the
    within-vintage slope, as for the paper's single-corpus reference family; the curve at t_ref
    is the ruler. Effective size of a model with score s:
        log10 N_eff(s) = m + g(s) / k
    Capability density rho = N_eff / N. Maximum density, fitted by least squares to the running
    maximum of ln rho (at every distinct release date, or only where it rose; see `DensingLaw`):
        ln rho_max(t) = A * (t - t0) + B      (A per year; doubling time ln 2 / A years)
    with residual standard deviation `residual_sd` (ln units). `record_ids` are the models that
    set the running maximum, in time order; `n_points` the points of the line fit.
    """

    chance: float
    k: float
    m: float
    r: float
    t_ref: float
    A: float
    B: float
    t0: float
    residual_sd: float
    n_models: int
    n_points: int
    record_ids: tuple[str, ...]

    @property
    def doubling_time_years(self) -> float:
        """ln 2 / A, the doubling time of the maximum density in years (+inf unless A > 0)."""
        return float(np.log(2.0) / self.A) if self.A > 0 else np.inf

    def log10_effective_params(self, score) -> np.ndarray:
        """log10 N_eff(s) = m + g(s) / k, elementwise over `score`."""
        return self.m + score_logit(score, self.chance) / self.k

    def crossing_mean_sd(self, threshold: float, size: float) -> tuple[float, float]:
        """When ln rho_max reaches N_eff(threshold) / size.

        Parameters
        ----------
        threshold : float
            The score to reach.
        size : float
            The parameter budget.

        Returns
        -------
        tuple of float
            Mean and sd of the crossing date (decimal years, sd in years); (+inf, +inf) unless
            the density grows (A > 0).
        """
        if self.A <= 0:
            return np.inf, np.inf
        ln_rho_needed = LN10 * (float(self.log10_effective_params(threshold)) - np.log10(size))
        return self.t0 + (ln_rho_needed - self.B) / self.A, self.residual_sd / self.A


@dataclass(frozen=True)
class _DensingData:
    """The arrays of one Densing-Law fit: every scored model of the population (oldest first)
    and the mask of those usable for the density fit."""

    log_n: np.ndarray
    t: np.ndarray
    s: np.ndarray
    ids: np.ndarray
    usable: np.ndarray
    chance: float
    t_ref: float
    where: str


@dataclass(frozen=True)
class DensingLaw(_PerPopulation):
    """The Densing Law (Xiao et al. 2024, arXiv:2412.04315) as a backtest baseline.

    Capability density = effective parameters / actual parameters, the effective parameters
    read off a reference score-versus-log10-parameters curve fitted before the cutoff; one
    exponential, ln rho_max(t) = A t + B, fitted by least squares to the running-maximum density
    before the cutoff. A model of size S reaches threshold s once rho_max(t) >= N_eff(s) / S:

        t* = t0 + (ln(N_eff(s) / S) - B - eps) / A,    eps ~ Normal(0, residual_sd)

    Models scoring within `margin` of chance or of 1 carry no usable effective size and are left
    out of the density fit (they still inform the reference curve).

    Parameter uncertainty (`parameters="bootstrap"`): each of `n_bootstrap` replicates refits the
    reference curve on the scored models resampled with replacement, recomputes the density of
    every usable model (the original ones, so the running maximum is not lowered by models left
    out of a resample) with that curve, and refits the exponential on its frontier points
    resampled with replacement; each crossing sample takes (k, m, A, B) from one replicate picked
    at random, and eps keeps the fit's own residual_sd (n - 2 degrees of freedom), as a bootstrap
    prediction interval does: a resample's residuals understate the scatter, most with few points
    (its repeated points are fitted twice). `parameters="point"` uses the fit alone, whose
    residual scatter is then the only uncertainty, as in the paper.

    `frontier="dates"` (default) fits the running maximum density at every distinct release date
    of a usable model (the maximum density "at each date"); `"records"` fits only the dates where
    the running maximum rose. The first never has fewer points than release dates, which keeps
    the fit defined when one early model holds the record for long.

    Parameters
    ----------
    name : str
        The method's name in the backtest.
    rule : ScoreRule
        How a model's score rows become its score.
    chance_floors : mapping of str to float
        Chance floor by benchmark.
    reference_time_trend : bool
        Fit the time term r of the reference curve (False: r = 0).
    margin : float
        Models within this of chance or of 1 stay out of the density fit.
    frontier : {"dates", "records"}
        Which running-maximum points the exponential is fitted to.
    min_points : int
        Fewest frontier points to fit.
    horizon_years : float
        Draws later than this after the cutoff become +inf.
    parameters : {"bootstrap", "point"}
        Whether the samples carry the fitted parameters' uncertainty (a bootstrap) or not.
    n_bootstrap : int
        Bootstrap replicates per fit.
    data_dir : str or None
        The registry folder whose benchmarks table dates the benchmarks for the as-of filter
        (default: the shipped one).
    """

    name: str = "densing"
    rule: ScoreRule = ScoreRule()
    chance_floors: Mapping[str, float] = field(default_factory=lambda: dict(CHANCE_FLOORS))
    reference_time_trend: bool = True
    margin: float = 0.02
    frontier: Literal["dates", "records"] = "dates"
    min_points: int = 3
    horizon_years: float = 30.0
    parameters: Literal["bootstrap", "point"] = "bootstrap"
    n_bootstrap: int = 200
    data_dir: str | None = None

    def fit(self, models: pd.DataFrame, scores: pd.DataFrame, cutoff: date, event: Event) -> DensingFit:
        """Fit the reference curve and the density exponential on the event's population.

        Parameters
        ----------
        models, scores : pandas.DataFrame
            Model and score tables; only what was public on `cutoff` is used (`_released_by`).
        cutoff : datetime.date
            The date as of which to fit.
        event : Event
            Any event of the population to fit (threshold and size are not used).

        Returns
        -------
        DensingFit
            The fitted curve and exponential.

        Raises
        ------
        UserError
            With fewer than 4 scored models, or fewer than `min_points` points on the density
            frontier or points on only one date.
        """
        return self._fit(self._data(models, scores, cutoff, event))

    def bootstrap(
        self, models: pd.DataFrame, scores: pd.DataFrame, cutoff: date, event: Event,
        rng: np.random.Generator,
    ) -> list[DensingFit]:
        """`n_bootstrap` replicates of the fit (see the class docstring).

        Parameters
        ----------
        models, scores : pandas.DataFrame
            Model and score tables; only what was public on `cutoff` is used (`_released_by`).
        cutoff : datetime.date
            The date as of which to fit.
        event : Event
            Any event of the population to fit.
        rng : numpy.random.Generator
            Draws the resamples.

        Returns
        -------
        list of DensingFit
            One fit per replicate; a replicate whose resampled frontier points fall on one date
            (which do not determine a line) is redrawn, up to `MAX_REDRAWS` times, and then keeps
            all the frontier points.

        Raises
        ------
        UserError
            When the fit on the data itself fails (as `fit`).
        """
        data = self._data(models, scores, cutoff, event)
        point = self._fit(data)
        return [self._replicate(data, point, rng) for _ in range(self.n_bootstrap)]

    def _data(self, models: pd.DataFrame, scores: pd.DataFrame, cutoff: date, event: Event) -> _DensingData:
        """The population's arrays as of `cutoff`; `UserError` with fewer than 4 scored models."""
        models, scores = _released_by(models, scores, cutoff, self.data_dir)
        frame = population_frame(models, scores, event, self.rule)
        c = chance_floor(event.benchmark, self.chance_floors)
        where = f"densing fit at {cutoff} on {event.benchmark}"
        if len(frame) < 4:
            raise UserError(f"{where}: {len(frame)} scored models, need at least 4", key="cutoff")
        s = frame["score"].to_numpy(float)
        t = frame["t"].to_numpy(float)
        return _DensingData(
            log_n=np.log10(frame["size"].to_numpy(float)), t=t, s=s, ids=frame["model_id"].to_numpy().astype(str),
            usable=(s > c + self.margin) & (s < 1 - self.margin), chance=c, t_ref=float(t.mean()), where=where,
        )

    def _frontier(self, data: _DensingData, k: float, m: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The frontier points (dates, ln rho_max) of the usable models under the reference curve
        (k, m), and the mask of the usable models that set a record."""
        u = data.usable
        ln_rho = LN10 * (m + score_logit(data.s[u], data.chance) / k - data.log_n[u])
        records = _record_mask(ln_rho, higher_is_better=True)
        t_pts, y_pts = self._frontier_points(data.t[u], ln_rho, records)
        return t_pts, y_pts, records

    def _fit(self, data: _DensingData) -> DensingFit:
        """The fit on the data itself; `UserError` when the frontier has too few points."""
        k, m, r = _reference_curve(data.log_n, data.t - data.t_ref, data.s, data.chance, self.reference_time_trend)
        t_pts, y_pts, records = self._frontier(data, k, m)
        if len(t_pts) < self.min_points or np.unique(t_pts).size < 2:
            raise UserError(
                f"{data.where}: {len(t_pts)} points on the density frontier ({self.frontier}), "
                f"need at least {self.min_points} on 2 or more dates",
                key="cutoff",
            )
        t0 = float(t_pts.mean())
        A, B, sd = _line_fit(t_pts - t0, y_pts)
        return DensingFit(
            chance=data.chance, k=float(k), m=float(m), r=float(r), t_ref=data.t_ref, A=A, B=B, t0=t0,
            residual_sd=sd, n_models=int(len(data.s)), n_points=int(len(t_pts)),
            record_ids=tuple(data.ids[data.usable][records]),
        )

    def _replicate(self, data: _DensingData, point: DensingFit, rng: np.random.Generator) -> DensingFit:
        """One bootstrap replicate: the reference curve on resampled models, the exponential on
        resampled frontier points (times measured from the point fit's t0); residual_sd, t0 and
        n_points stay the point fit's."""
        idx = _resample(len(data.s), rng)
        k, m, r = _reference_curve(data.log_n[idx], data.t[idx] - data.t_ref, data.s[idx], data.chance,
                                   self.reference_time_trend)
        t_pts, y_pts, records = self._frontier(data, k, m)
        pick = np.arange(len(t_pts))
        for _ in range(MAX_REDRAWS):
            draw = _resample(len(t_pts), rng)
            if np.unique(t_pts[draw]).size >= 2:
                pick = draw
                break
        A, B, _ = _line_fit(t_pts[pick] - point.t0, y_pts[pick])
        return replace(point, k=float(k), m=float(m), r=float(r), A=A, B=B,
                       record_ids=tuple(data.ids[data.usable][records]))

    def _frontier_points(
        self, t: np.ndarray, ln_rho: np.ndarray, records: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """The (date, ln rho_max) points the exponential is fitted to, per `frontier`, from the
        usable models in time order and the mask of those that set a record."""
        if self.frontier == "records":
            return t[records], ln_rho[records]
        running = np.maximum.accumulate(ln_rho) if len(ln_rho) else ln_rho
        t_pts, first = np.unique(t[::-1], return_index=True)  # last model of each date
        return t_pts, running[::-1][first]

    def _sample_population(self, models, scores, cutoff, events, n_samples, rng) -> np.ndarray:
        if self.parameters == "bootstrap":
            fits = self.bootstrap(models, scores, cutoff, events[0], rng)
        else:
            fits = [self.fit(models, scores, cutoff, events[0])]
        pick = rng.integers(0, len(fits), size=n_samples)
        cutoff_year = float(decimal_year(pd.Timestamp(cutoff)))
        out = np.empty((len(events), n_samples))
        for i, event in enumerate(events):
            mean_sd = np.array([f.crossing_mean_sd(event.threshold, event.max_params) for f in fits])
            out[i] = sample_after(mean_sd[pick, 0], mean_sd[pick, 1], cutoff_year, rng)
        return out


def _line_fit(x: np.ndarray, y: np.ndarray) -> tuple[float, float, float]:
    """Least-squares slope, intercept and residual sd (n - 2 degrees of freedom, at least 1) of
    y = slope * x + intercept."""
    slope, intercept = np.polyfit(x, y, 1)
    resid = y - (slope * x + intercept)
    return float(slope), float(intercept), float(np.sqrt(resid @ resid / max(len(resid) - 2, 1)))


# ----------------------------------------------------------------------------- naive pooled line


def _threshold_records(
    t: np.ndarray, log_n: np.ndarray, s: np.ndarray, grid: list[float]
) -> tuple[list[float], list, list, list[int]]:
    """For every grid threshold some model reaches, the models that set a new smallest size
    reaching it at their release: the reached thresholds and the points' dates, log10 sizes and
    threshold indices."""
    thresholds, pts_t, pts_y, pts_k = [], [], [], []
    for thr in grid:
        hit = s >= thr - 1e-9
        if not hit.any():
            continue
        rec = _record_mask(log_n[hit], higher_is_better=False)
        k = len(thresholds)
        thresholds.append(thr)
        pts_t.extend(t[hit][rec])
        pts_y.extend(log_n[hit][rec])
        pts_k.extend([k] * int(rec.sum()))
    return thresholds, pts_t, pts_y, pts_k


@dataclass(frozen=True)
class NaiveFit:
    """The pooled frontier line as of a cutoff.

    For each threshold s_k reached by the cutoff, the record points are the models that set a
    new smallest size reaching s_k at their release. Least squares over all of them, with one
    slope b (log10 parameters per year, negative when models shrink) shared by all thresholds
    and, by `intercept_model`, either one intercept per threshold

        per_threshold:  log10 N_min = a_k + b * (t - t0) + eps,            coef = (a_1..a_K, b)

    or intercepts linear in the score logit g (the sigmoid score link makes the log size needed
    for a score linear in g at any date)

        link:           log10 N_min = c0 + c1 * g(s_k) + b * (t - t0) + eps,   coef = (c0, c1, b)

    eps ~ Normal(0, sigma^2); `xtx_inv` = (X'X)^-1, `df` = n - len(coef).
    """

    chance: float
    thresholds: tuple[float, ...]
    intercept_model: str
    t0: float
    coef: np.ndarray
    xtx_inv: np.ndarray
    sigma: float
    df: int
    n_records: int

    @property
    def slope(self) -> float:
        """b, the fitted slope (log10 parameters per year)."""
        return float(self.coef[-1])

    def draw(self, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        """Joint posterior draws under a flat prior (Gelman et al., BDA3 sec. 14.2):
        sigma^2 = df * s^2 / chi2(df), coef ~ Normal(coef_hat, sigma^2 (X'X)^-1).

        Parameters
        ----------
        n : int
            Number of draws.
        rng : numpy.random.Generator
            Source of the draws.

        Returns
        -------
        tuple of numpy.ndarray
            coef draws, shape (n, len(coef)), and sigma draws, shape (n,).
        """
        sigma2 = self.df * self.sigma**2 / rng.chisquare(self.df, size=n)
        chol = np.linalg.cholesky(self.xtx_inv)
        z = rng.standard_normal((n, len(self.coef)))
        return self.coef + np.sqrt(sigma2)[:, None] * (z @ chol.T), np.sqrt(sigma2)

    def intercepts(self, threshold: float, coef_draws: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Intercept draws (log10 parameters at t0) for `threshold`.

        link: c0 + c1 * g(threshold). per_threshold: the threshold's own column if it was
        reached; otherwise, per draw, the K drawn intercepts are regressed on the score logit,
        a_k = c0 + c1 * g(s_k) + eta (least squares), and the new intercept is drawn from that
        regression's predictive distribution, Student t with K - 2 degrees of freedom and scale
        s_eta * sqrt(1 + x'(G'G)^-1 x). That needs K >= 3, which `NaivePooled.fit` ensures.

        Parameters
        ----------
        threshold : float
            The event's threshold.
        coef_draws : numpy.ndarray
            Draws of `coef`, shape (n, len(coef)): from `draw`, bootstrap refits or the fit repeated.
        rng : numpy.random.Generator
            Draws the Student t term for an unreached threshold.

        Returns
        -------
        numpy.ndarray
            Shape (n,).
        """
        g_new = float(score_logit(threshold, self.chance))
        if self.intercept_model == "link":
            return coef_draws[:, 0] + coef_draws[:, 1] * g_new
        for k, thr in enumerate(self.thresholds):
            if abs(thr - threshold) < 1e-9:
                return coef_draws[:, k]
        n_k = len(self.thresholds)
        design = np.column_stack([np.ones(n_k), score_logit(self.thresholds, self.chance)])
        gtg_inv = np.linalg.inv(design.T @ design)
        a = coef_draws[:, :n_k]
        c = a @ design @ gtg_inv  # (n, 2) per-draw least squares
        resid = a - c @ design.T
        s_eta = np.sqrt((resid**2).sum(axis=1) / (n_k - 2))
        x = np.array([1.0, g_new])
        scale = s_eta * np.sqrt(1.0 + x @ gtg_inv @ x)
        return c @ x + scale * rng.standard_t(n_k - 2, size=len(c))


@dataclass(frozen=True)
class _NaivePoints:
    """The record points of one naive fit and the design they give (see `NaiveFit`)."""

    chance: float
    thresholds: list[float]
    t: np.ndarray
    y: np.ndarray
    k: np.ndarray
    model: str
    t0: float
    where: str

    def design(self, idx: np.ndarray) -> np.ndarray:
        """The least-squares design of the points `idx`: intercept columns, then t - t0."""
        n = len(idx)
        if self.model == "per_threshold":
            design = np.zeros((n, len(self.thresholds) + 1))
            design[np.arange(n), self.k[idx]] = 1.0
        else:
            g = score_logit(np.asarray(self.thresholds)[self.k[idx]], self.chance)
            design = np.column_stack([np.ones(n), g, np.zeros(n)])
        design[:, -1] = self.t[idx] - self.t0
        return design

    def solve(self, idx: np.ndarray) -> NaiveFit | None:
        """The least-squares fit on the points `idx`, or None when they do not determine it."""
        design = self.design(idx)
        if np.linalg.matrix_rank(design) < design.shape[1]:
            return None
        y = self.y[idx]
        coef, *_ = np.linalg.lstsq(design, y, rcond=None)
        resid = y - design @ coef
        df = len(idx) - design.shape[1]
        return NaiveFit(
            chance=self.chance, thresholds=tuple(self.thresholds), intercept_model=self.model, t0=self.t0,
            coef=coef, xtx_inv=np.linalg.inv(design.T @ design), sigma=float(np.sqrt(resid @ resid / df)),
            df=df, n_records=len(idx),
        )

    def resample(self, rng: np.random.Generator) -> np.ndarray:
        """Indices of the points resampled with replacement within each threshold (stratified, so
        every reached threshold keeps its number of points)."""
        idx = np.empty(len(self.k), dtype=int)
        for k in np.unique(self.k):
            members = np.flatnonzero(self.k == k)
            idx[members] = members[rng.integers(0, len(members), size=len(members))]
        return idx


@dataclass(frozen=True)
class NaivePooled(_PerPopulation):
    """Straight line through log10(smallest parameter count reaching each threshold) against
    time, one slope shared by all thresholds, fitted before the cutoff (see `NaiveFit`).

    The crossing of (threshold s, size S), per draw of the line's parameters (a, b, sigma):

        t* = t0 + (log10 S - a_s - eps) / b,    eps ~ Normal(0, sigma^2),  b < 0

    (draws with b >= 0 never cross: +inf). The line is fitted on `fit_thresholds` (default:
    0.30, 0.35, ..., 0.90 plus the events' thresholds, those above chance + 0.02 and reached by
    the cutoff), which gives the intercept model points below the events' range.

    The parameters' draws (`parameters`): "bootstrap" (default), the fit on `n_bootstrap`
    resamples of the record points, drawn with replacement within each threshold, each crossing
    sample taking (a, b) from one resample picked at random and sigma from the fit itself, as a
    bootstrap prediction interval does (a resample whose points do not determine the line is
    redrawn, up to `MAX_REDRAWS` times, and then keeps the points as they are); "normal", the
    flat-prior posterior of the regression (`NaiveFit.draw`), which treats the record points as
    independent; "point", the fitted values alone.

    Intercepts (`intercepts`): "per_threshold" (one per reached threshold; unreached ones from
    the regression of the intercepts on the score logit), "link" (c0 + c1 g for every
    threshold), or "auto" (default): per_threshold when it leaves at least 2 residual degrees
    of freedom and, if some event threshold is unreached, at least 3 reached thresholds; link
    otherwise (sparse early data).

    Parameters
    ----------
    name : str
        The method's name in the backtest.
    rule : ScoreRule
        How a model's score rows become its score.
    chance_floors : mapping of str to float
        Chance floor by benchmark.
    fit_thresholds : tuple of float, optional
        The grid the line is fitted on (with the events' thresholds); None for 0.30..0.90.
    intercepts : {"auto", "per_threshold", "link"}
        The intercept model.
    horizon_years : float
        Draws later than this after the cutoff become +inf.
    parameters : {"bootstrap", "normal", "point"}
        Where the draws of the line's parameters come from.
    n_bootstrap : int
        Bootstrap resamples per fit.
    data_dir : str or None
        The registry folder whose benchmarks table dates the benchmarks for the as-of filter
        (default: the shipped one).
    """

    name: str = "naive_pooled"
    rule: ScoreRule = ScoreRule()
    chance_floors: Mapping[str, float] = field(default_factory=lambda: dict(CHANCE_FLOORS))
    fit_thresholds: tuple[float, ...] | None = None
    intercepts: Literal["auto", "per_threshold", "link"] = "auto"
    horizon_years: float = 30.0
    parameters: Literal["bootstrap", "normal", "point"] = "bootstrap"
    n_bootstrap: int = 200
    data_dir: str | None = None

    def _grid(self, events: Sequence[Event], chance: float) -> list[float]:
        base = self.fit_thresholds if self.fit_thresholds is not None else np.round(np.arange(0.30, 0.901, 0.05), 2)
        grid = {round(float(x), 6) for x in base} | {round(e.threshold, 6) for e in events}
        return sorted(x for x in grid if chance + 0.02 < x < 1.0)

    def _intercept_model(self, n: int, n_k: int, n_k_with_points: int, unreached: bool, where: str) -> str:
        """The intercept model for `n` record points on `n_k` reached thresholds (`intercepts`,
        "auto" resolved); `UserError` when the points are too few for it."""
        per_threshold_ok = n - n_k - 1 >= 2 and (n_k >= 3 or not unreached)
        model = self.intercepts
        if model == "auto":
            model = "per_threshold" if per_threshold_ok else "link"
        if model == "per_threshold" and not per_threshold_ok:
            raise UserError(
                f"{where}: {n} record points on {n_k} reached thresholds, too few for one "
                "intercept per threshold (try intercepts='link')",
                key="cutoff",
            )
        if model == "link" and (n < 5 or n_k_with_points < 2):
            raise UserError(f"{where}: {n} record points on {n_k} thresholds, need 5 on 2", key="cutoff")
        return model

    def _points(
        self, models: pd.DataFrame, scores: pd.DataFrame, cutoff: date, events: Sequence[Event]
    ) -> _NaivePoints:
        """The record points of the population as of `cutoff` and their intercept model."""
        models, scores = _released_by(models, scores, cutoff, self.data_dir)
        frame = population_frame(models, scores, events[0], self.rule)
        c = chance_floor(events[0].benchmark, self.chance_floors)
        t, log_n, s = frame["t"].to_numpy(float), np.log10(frame["size"].to_numpy(float)), frame["score"].to_numpy(float)
        thresholds, pts_t, pts_y, pts_k = _threshold_records(t, log_n, s, self._grid(events, c))
        n, n_k = len(pts_t), len(thresholds)
        where = f"naive_pooled fit at {cutoff} on {events[0].benchmark}"
        unreached = any(round(e.threshold, 6) not in thresholds for e in events)
        model = self._intercept_model(n, n_k, len(set(pts_k)), unreached, where)
        pts_t = np.asarray(pts_t, dtype=float)
        return _NaivePoints(chance=c, thresholds=thresholds, t=pts_t, y=np.asarray(pts_y, dtype=float),
                            k=np.asarray(pts_k, dtype=int), model=model, t0=float(pts_t.mean()), where=where)

    def fit(
        self, models: pd.DataFrame, scores: pd.DataFrame, cutoff: date, events: Sequence[Event]
    ) -> NaiveFit:
        """Fit the pooled line on the population of `events`.

        Parameters
        ----------
        models, scores : pandas.DataFrame
            Model and score tables; only what was public on `cutoff` is used (`_released_by`).
        cutoff : datetime.date
            The date as of which to fit.
        events : sequence of Event
            Events sharing one population; their thresholds join the fit grid (`fit_thresholds`).

        Returns
        -------
        NaiveFit
            The fitted line.

        Raises
        ------
        UserError
            When the record points are too few for the intercept model or do not determine the
            line.
        """
        return _solve_all(self._points(models, scores, cutoff, events))

    def bootstrap(
        self, models: pd.DataFrame, scores: pd.DataFrame, cutoff: date, events: Sequence[Event],
        rng: np.random.Generator,
    ) -> tuple[NaiveFit, list[NaiveFit]]:
        """The fit and `n_bootstrap` refits on resampled record points (see the class docstring).

        Parameters
        ----------
        models, scores : pandas.DataFrame
            Model and score tables; only what was public on `cutoff` is used.
        cutoff : datetime.date
            The date as of which to fit.
        events : sequence of Event
            Events sharing one population.
        rng : numpy.random.Generator
            Draws the resamples.

        Returns
        -------
        tuple
            The fit on the record points themselves (`NaiveFit`) and the list of refits.

        Raises
        ------
        UserError
            When the fit on the record points themselves fails (as `fit`).
        """
        points = self._points(models, scores, cutoff, events)
        point = _solve_all(points)
        fits = []
        for _ in range(self.n_bootstrap):
            refit = None
            for _ in range(MAX_REDRAWS):
                refit = points.solve(points.resample(rng))
                if refit is not None:
                    break
            fits.append(refit if refit is not None else point)
        return point, fits

    def _draws(self, models, scores, cutoff, events, n_samples, rng) -> tuple[NaiveFit, np.ndarray, np.ndarray]:
        """The fit and n_samples draws of (coef, sigma), per `parameters`; the bootstrap's sigma
        is the fit's own (a resample's residuals understate it)."""
        if self.parameters == "bootstrap":
            fit, fits = self.bootstrap(models, scores, cutoff, events, rng)
            pick = rng.integers(0, len(fits), size=n_samples)
            return fit, np.stack([f.coef for f in fits])[pick], np.full(n_samples, fit.sigma)
        fit = self.fit(models, scores, cutoff, events)
        if self.parameters == "normal":
            return (fit, *fit.draw(n_samples, rng))
        return fit, np.tile(fit.coef, (n_samples, 1)), np.full(n_samples, fit.sigma)

    def _sample_population(self, models, scores, cutoff, events, n_samples, rng) -> np.ndarray:
        fit, coef, sigma = self._draws(models, scores, cutoff, events, n_samples, rng)
        cutoff_year = float(decimal_year(pd.Timestamp(cutoff)))
        slope = coef[:, -1]
        shrinking = slope < 0
        out = np.empty((len(events), n_samples))
        for i, event in enumerate(events):
            a = fit.intercepts(event.threshold, coef, rng)
            with np.errstate(divide="ignore", invalid="ignore"):
                mean = np.where(shrinking, fit.t0 + (np.log10(event.max_params) - a) / slope, np.inf)
                sd = np.where(shrinking, sigma / np.abs(slope), np.inf)
            out[i] = sample_after(mean, sd, cutoff_year, rng)
        return out


def _solve_all(points: _NaivePoints) -> NaiveFit:
    """The fit on all the record points; `UserError` when they do not determine the line."""
    fit = points.solve(np.arange(len(points.t)))
    if fit is None:
        raise UserError(
            f"{points.where}: the record points do not determine the line ({points.model} intercepts; "
            "too few release dates or thresholds)",
            key="cutoff",
        )
    return fit
