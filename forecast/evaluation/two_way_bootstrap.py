"""The two-way (pigeonhole) bootstrap of a backtest's mean scores over cutoffs and events.

A backtest row is one (cutoff, event) pair. Rows at one cutoff share a fit and its data; rows of
one event share an outcome, decided by the same release at every cutoff. The scores are
correlated along both ways, so a resample draws the cutoffs and the distinct events
independently, each with replacement, and takes the rows in their product: a row (c, e) enters
with weight ``n_c * n_e``, the times its cutoff and its event were drawn (Owen 2007, "The
pigeonhole bootstrap", Ann. Appl. Stat. 1(2)). A mean score is a ratio of weighted sums; its
interval is the percentile interval of the resampled ratios. The weights depend only on the
sorted cutoffs, the sorted events and the seed, so every method and every score shares them and
differences between methods are paired. Within one cutoff only the events are resampled.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from forecast.core.errors import UserError


class TwoWayBootstrap:
    """Resampling weights over cutoffs and events, and the weighted sums and intervals they give.

    Parameters
    ----------
    cutoffs : sequence
        The backtest's cutoffs (any sortable, hashable values: dates or strings).
    events : sequence of str
        The distinct event keys.
    n_bootstrap : int
        Resamples (at least 1).
    seed : int
        Seed of the resampling.
    ci : float
        Probability of the central intervals, strictly between 0 and 1.

    Raises
    ------
    UserError
        When there is no cutoff or no event (key "rows"), `n_bootstrap` is below 1 (key
        "n_bootstrap") or `ci` is outside (0, 1) (key "ci").
    """

    def __init__(self, cutoffs: Sequence, events: Sequence[str], n_bootstrap: int, seed: int, ci: float) -> None:
        if n_bootstrap < 1:
            raise UserError(f"n_bootstrap={n_bootstrap} must be at least 1", key="n_bootstrap")
        if not 0 < ci < 1:
            raise UserError(f"ci={ci} must lie strictly between 0 and 1", key="ci")
        self.cutoffs = sorted(set(cutoffs))
        self.events = sorted({str(e) for e in events})
        if not self.cutoffs or not self.events:
            raise UserError("the bootstrap needs at least one cutoff and one event", key="rows")
        self._cutoff_index = {c: i for i, c in enumerate(self.cutoffs)}
        self._event_index = {e: i for i, e in enumerate(self.events)}
        rng = np.random.default_rng(np.random.SeedSequence([int(seed), 7919, 2]))
        nc, ne = len(self.cutoffs), len(self.events)
        self.cutoff_weights = rng.multinomial(nc, np.full(nc, 1 / nc), size=n_bootstrap).astype(float)
        self.event_weights = rng.multinomial(ne, np.full(ne, 1 / ne), size=n_bootstrap).astype(float)
        self.n_bootstrap = int(n_bootstrap)
        self.ci = float(ci)
        self.tail = (1 - ci) / 2 * 100

    def weights(self, cutoffs: Sequence, events: Sequence[str], within_cutoff: bool = False) -> np.ndarray:
        """The resampling weight of each row in each resample.

        Parameters
        ----------
        cutoffs, events : sequence
            Each row's cutoff and event key (equal lengths), all among those the bootstrap was
            made with.
        within_cutoff : bool
            Resample the events only (for scores of one cutoff).

        Returns
        -------
        numpy.ndarray
            Shape (n_bootstrap, rows).

        Raises
        ------
        UserError
            When a row's cutoff or event is unknown to the bootstrap (key "rows").
        """
        try:
            ci = np.array([self._cutoff_index[c] for c in cutoffs], dtype=int)
            ei = np.array([self._event_index[str(e)] for e in events], dtype=int)
        except KeyError as exc:
            raise UserError(f"row with cutoff or event {exc.args[0]!r} unknown to the bootstrap", key="rows") from None
        if len(ci) != len(ei):
            raise UserError("cutoffs and events differ in length", key="rows")
        w = self.event_weights[:, ei]
        return w if within_cutoff else w * self.cutoff_weights[:, ci]

    def mean(self, frame: pd.DataFrame, values: np.ndarray, within_cutoff: bool = False) -> tuple[float | None, list | None]:
        """The mean of `values` over the rows of `frame` where it is finite, and its interval.

        Parameters
        ----------
        frame : pandas.DataFrame
            Rows with columns `cutoff` and `event`.
        values : numpy.ndarray
            One value per row of `frame`; NaN rows are left out.
        within_cutoff : bool
            Resample the events only.

        Returns
        -------
        tuple
            The mean (None without rows) and its percentile interval [low, high] (None when no
            resample holds a row).
        """
        return self.ratio(frame, values, np.ones(len(frame)), within_cutoff)

    def ratio(
        self, frame: pd.DataFrame, numerator: np.ndarray, denominator: np.ndarray, within_cutoff: bool = False,
        transform=None,
    ) -> tuple[float | None, list | None]:
        """``sum(numerator) / sum(denominator)`` over the rows where both are finite, and its interval.

        Parameters
        ----------
        frame : pandas.DataFrame
            Rows with columns `cutoff` and `event`.
        numerator, denominator : numpy.ndarray
            One value each per row of `frame`.
        within_cutoff : bool
            Resample the events only.
        transform : callable, optional
            Applied to the ratio (point and resamples alike), e.g. ``lambda r: 1 - r``.

        Returns
        -------
        tuple
            The statistic (None without rows or with a zero denominator) and its percentile
            interval [low, high] over the resamples where it is finite (None when there is none).
        """
        num = np.asarray(numerator, dtype=float)
        den = np.asarray(denominator, dtype=float)
        keep = np.isfinite(num) & np.isfinite(den)
        if not keep.any() or den[keep].sum() == 0:
            return None, None
        f = (lambda r: r) if transform is None else transform
        point = float(f(num[keep].sum() / den[keep].sum()))
        w = self.weights(frame["cutoff"].to_numpy()[keep], frame["event"].to_numpy()[keep], within_cutoff)
        with np.errstate(invalid="ignore", divide="ignore"):
            boot = f((w @ num[keep]) / (w @ den[keep]))
        boot = boot[np.isfinite(boot)]
        if not len(boot):
            return point, None
        return point, [float(np.percentile(boot, self.tail)), float(np.percentile(boot, 100 - self.tail))]

    def describe(self) -> dict:
        """The scheme as the summary records it.

        Returns
        -------
        dict
            ``resampled`` ("cutoffs x events (two-way)"), ``n``, ``ci``, ``n_cutoffs``,
            ``n_events`` (distinct events).
        """
        return {"resampled": "cutoffs x events (two-way)", "n": self.n_bootstrap, "ci": self.ci,
                "n_cutoffs": len(self.cutoffs), "n_events": len(self.events)}
