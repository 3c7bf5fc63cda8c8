"""Figures of the priors: the density of each multiplier with its median and 90% interval.

For a positive quantity the x axis is logarithmic and the curve is the density per decade,
p(log10 m) = f(m) * m * ln 10, so a lognormal prior draws as a symmetric bell. Quantities that can
be negative (normal priors such as the drift rate) use a linear axis and the plain density f(x).
Every function returns a `matplotlib.figure.Figure` built without pyplot (no global state), which
the PDF report embeds.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from forecast.inputs.priors import FAMILIES, Dist, PriorSet, Technique

_AXIS_LABELS = {
    "params_total": "multiplier on total parameters",
    "params_active": "multiplier on active parameters",
    "memory_bytes": "weight-byte multiplier vs BF16",
    "tokens": "multiplier on training tokens",
}
_COLOR = "#2a6fb0"
_SECOND = "#c0504d"


def _curve(dist: Dist, log_axis: bool, n: int = 400) -> tuple[np.ndarray, np.ndarray]:
    lo, hi = dist.ppf(np.array([0.0015, 0.9985]))
    if log_axis:
        x = np.logspace(math.log10(lo), math.log10(hi), n)
        return x, np.asarray(dist.pdf(x)) * x * math.log(10.0)
    x = np.linspace(lo, hi, n)
    return x, np.asarray(dist.pdf(x))


def _draw(ax, dist: Dist, log_axis: bool, color: str, label: str | None) -> None:
    """One density with its 90% interval shaded and its median marked."""
    if dist.distribution == "fixed":
        ax.axvline(dist.median, color=color, lw=2, label=label)
        return
    x, y = _curve(dist, log_axis)
    lo, hi = dist.interval90
    ax.plot(x, y, color=color, lw=1.8, label=label)
    inside = (x >= lo) & (x <= hi)
    ax.fill_between(x[inside], 0, y[inside], color=color, alpha=0.18, lw=0)
    y_med = float(np.interp(dist.median, x, y))
    ax.plot([dist.median, dist.median], [0, y_med], color=color, lw=1.4, ls="--")


def plot_prior(item: Technique | Dist, *, title: str | None = None, xlabel: str | None = None,
               ax=None):
    """Figure of one prior: a technique's multiplier (with the total-parameter effect for
    mixture-of-experts) or any `Dist`.

    Parameters
    ----------
    item : Technique or Dist
        The prior to draw.
    title, xlabel : str or None
        The panel's title and x label; None for the technique's name and axis (none for a `Dist`).
    ax : matplotlib.axes.Axes or None
        The panel to draw into; None for a new figure.

    Returns
    -------
    matplotlib.figure.Figure
        The new figure, or the one `ax` belongs to.
    """
    from matplotlib.figure import Figure  # deferred: about 0.9 s to import; loaded on the first plot

    dist = item.multiplier if isinstance(item, Technique) else item
    log_axis = FAMILIES[dist.distribution].support != "real" or (dist.distribution == "fixed" and dist.median > 0)
    if ax is None:
        fig = Figure(figsize=(5.0, 3.0), layout="constrained")
        ax = fig.add_subplot()
    else:
        fig = ax.figure
    lo, hi = dist.interval90
    label = f"median {dist.median:.3g}, 90% [{lo:.3g}, {hi:.3g}]"
    _draw(ax, dist, log_axis, _COLOR, label)
    if isinstance(item, Technique):
        if item.total_multiplier is not None:
            t = item.total_multiplier
            _draw(ax, t, log_axis, _SECOND,
                  f"total params at sparsity {item.reference_sparsity:g}: {t.median:.3g} "
                  f"[{t.interval90[0]:.3g}, {t.interval90[1]:.3g}]")
        ax.axvline(1.0, color="0.5", lw=0.8, ls=":")
        title = title or item.name
        xlabel = xlabel or _AXIS_LABELS.get(item.axis, item.axis)
        if item.total_multiplier is not None:
            xlabel = "multiplier (blue: active parameters, red: total)"
        if item.reference_tpp is not None:
            xlabel += f" at {item.reference_tpp:g} tokens/param"
    if log_axis:
        from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter  # deferred: Matplotlib

        ax.set_xscale("log")
        ax.xaxis.set_major_locator(LogLocator(base=10.0, subs=(1.0, 2.0, 5.0)))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.set_ylabel("density per decade")
    else:
        ax.set_ylabel("density")
    ax.set_ylim(0, ax.get_ylim()[1] * 1.35)  # room for the legend above the curves
    if title:
        ax.set_title(title, fontsize=9)
    if xlabel:
        ax.set_xlabel(xlabel)
    ax.legend(fontsize=7, loc="upper left", frameon=False)
    return fig


def plot_priors(priors: PriorSet, ids: Sequence[str] | None = None, ncols: int = 3):
    """A grid with one panel per technique.

    Parameters
    ----------
    priors : PriorSet
        The priors.
    ids : sequence of str or None
        The techniques to draw, in order; None for all.
    ncols : int
        Panels per row.

    Returns
    -------
    matplotlib.figure.Figure
        The grid; panels left over in the last row are hidden.
    """
    from matplotlib.figure import Figure  # deferred: about 0.9 s to import; loaded on the first plot

    ids = list(ids) if ids is not None else list(priors.techniques)
    nrows = max(1, math.ceil(len(ids) / ncols))
    fig = Figure(figsize=(4.2 * ncols, 2.8 * nrows), layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
    for ax, tid in zip(axes, ids):
        plot_prior(priors[tid], ax=ax)
    for ax in axes[len(ids):]:
        ax.set_visible(False)
    return fig
