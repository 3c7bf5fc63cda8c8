"""The report's figures: one function per figure, each a pure function of the tables that
`forecast.report.content` gathers, returning a `matplotlib.figure.Figure` (no pyplot state).

Every figure is drawn inside `report_style()`: DejaVu Sans (the body font of the PDF), small
sizes for an A4 page, TrueType font embedding (`pdf.fonttype` 42) and text kept as text in SVG.
Series differ in line style and marker as well as colour, so the figures read in grey print.
Sizes on axes are parameter counts on a log scale; times are decimal years.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterator
from typing import Any

import matplotlib

matplotlib.use("Agg")  # headless; a stray DISPLAY must not matter

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402
from matplotlib.ticker import FixedLocator, FuncFormatter, NullFormatter  # noqa: E402

from forecast.api.targets import format_count  # noqa: E402
from forecast.report.prior_plots import plot_prior  # noqa: E402

WIDTH = 7.1  # inches: the text width of the A4 page (182 mm)
COLORS = ("#1b4f8a", "#c8553d", "#2e7d4f", "#7b4f9d", "#a07000", "#3c3c3c", "#2aa1b3", "#b03a7a")
LINESTYLES = ("-", "--", "-.", ":", (0, (5, 1, 1, 1)), (0, (1, 1)), (0, (8, 2)), (0, (3, 1, 1, 1, 1, 1)))
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*", "h", "<")
GREY = "#7f7f7f"
BAND = "#1b4f8a"
RC = {
    "font.family": "DejaVu Sans",
    "font.size": 7.5,
    "axes.titlesize": 8.0,
    "axes.labelsize": 7.5,
    "xtick.labelsize": 7.0,
    "ytick.labelsize": 7.0,
    "legend.fontsize": 6.6,
    "legend.frameon": False,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#e0e0e0",
    "grid.linewidth": 0.5,
    "axes.axisbelow": True,
    "lines.linewidth": 1.3,
    "pdf.fonttype": 42,
    "ps.fonttype": 42,
    "svg.fonttype": "none",
}


@contextlib.contextmanager
def report_style() -> Iterator[None]:
    """Matplotlib settings of every report figure."""
    with matplotlib.rc_context(RC):
        yield


def style(i: int) -> dict[str, Any]:
    """Colour, line style and marker of the i-th series."""
    return {"color": COLORS[i % len(COLORS)], "linestyle": LINESTYLES[i % len(LINESTYLES)],
            "marker": MARKERS[i % len(MARKERS)]}


def params_label(v: float, _: Any = None) -> str:
    """Axis tick label (matplotlib's FuncFormatter passes the tick position as `_`)."""
    return format_count(v)


def _params_axis(axis: Any, lo: float, hi: float) -> None:
    """A log axis of parameter counts with ticks at 1, 3 x 10^k labelled 100M, 1B, ..."""
    ticks = [m * 10.0**k for k in range(7, 14) for m in (1, 3) if lo <= m * 10.0**k <= hi]
    axis.set_major_locator(FixedLocator(ticks))
    axis.set_major_formatter(FuncFormatter(params_label))
    axis.set_minor_formatter(NullFormatter())


def _year_axis(ax: Any, lo: float, hi: float) -> None:
    ax.set_xlim(lo, hi)
    span = hi - lo
    step = 1 if span <= 8 else 2 if span <= 16 else 5
    ax.set_xticks(np.arange(math.ceil(lo), math.floor(hi) + 1, step))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{int(v)}"))


def _mark_dates(ax: Any, as_of: float, data_end: float, text: bool = True) -> None:
    ax.axvline(data_end, color="#555555", lw=0.9, ls="--", zorder=1)
    ax.axvline(as_of, color="#111111", lw=0.9, ls="-", zorder=1)
    if text:
        top = ax.get_ylim()[1]
        kw = {"fontsize": 6.0, "va": "top", "rotation": 90, "color": "#333333"}
        if ax.get_yscale() == "log":
            y = top / 1.15
        else:
            y = top - 0.02 * (top - ax.get_ylim()[0])
        ax.text(data_end - 0.06, y, "data end", ha="right", **kw)
        ax.text(as_of + 0.06, y, "as of", ha="left", **kw)


# ----------------------------------------------------------------------------- page 1


def headline_figure(table: pd.DataFrame, as_of: float, horizon: float, year_of: Any, ncols: int = 2) -> Figure:
    """Forest plot of the headline table, one panel per target (in `ncols` columns): per budget
    the median first date (marker) and its 80% interval (bar); a star where the registry already
    shows the target reached within the budget (at that model's release date). Bars that run
    past the plot end in an arrow. `year_of` converts an ISO date string to a decimal year."""
    targets = list(dict.fromkeys(table["target_label"]))
    per = table.groupby("target_label", sort=False).size().max()
    nrows = math.ceil(len(targets) / ncols)
    fig = Figure(figsize=(WIDTH, nrows * (0.32 + 0.125 * per) + 0.3), layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False, sharex=True).ravel()
    lo, hi = 2019.5, min(horizon, math.floor(as_of) + 9.5)
    for i, (ax, target) in enumerate(zip(axes, targets)):
        st = style(i)
        rows = table[table["target_label"] == target].reset_index(drop=True)
        for j, r in rows.iterrows():
            y = -j
            if isinstance(r["reached_by"], str):
                x = year_of(r["reached_date"])
                ax.plot([x], [y], marker="*", ms=7, color=st["color"], mec="black", mew=0.4, ls="none")
                ax.text(x + 0.25, y, f"reached: {r['reached_by']}", fontsize=5.8, va="center")
                continue
            q10 = year_of(r["q10"]) if isinstance(r["q10"], str) else hi + 1
            q90 = year_of(r["q90"]) if isinstance(r["q90"], str) else hi + 1
            ax.plot([q10, min(q90, hi)], [y, y], color=st["color"], lw=2.4, solid_capstyle="butt", alpha=0.5)
            if q90 > hi:
                ax.annotate("", xy=(hi, y), xytext=(hi - 0.5, y),
                            arrowprops={"arrowstyle": "->", "color": st["color"], "lw": 1.0})
            if isinstance(r["median"], str):
                ax.plot([year_of(r["median"])], [y], marker=st["marker"], ms=4.2, color=st["color"],
                        mec="black", mew=0.4, ls="none")
            else:
                ax.text(hi - 0.1, y + 0.2, "median after the horizon", fontsize=5.8, ha="right")
        ax.set_yticks(-np.arange(len(rows)), rows["budget_label"])
        ax.tick_params(axis="y", length=0, labelsize=6.3)
        ax.set_ylim(-len(rows) + 0.4, 0.6)
        _year_axis(ax, lo, hi)
        ax.axvline(as_of, color="#111111", lw=0.8)
        ax.grid(axis="y", visible=False)
        ax.set_title(target, fontsize=7.2, color=st["color"], fontweight="bold", loc="left")
    for ax in axes[len(targets):]:
        ax.set_visible(False)
    fig.supxlabel("first date a release within the budget meets the target (vertical line: as-of date)",
                  fontsize=7.0)
    return fig


# ----------------------------------------------------------------------------- page 2


def fan_figure(fans: dict[str, pd.DataFrame], meeting: dict[str, pd.DataFrame], as_of: float,
               data_end: float, budgets: list[float], x_range: tuple[float, float]) -> Figure:
    """One panel per target: quantile bands (50/80/95%) and median of the smallest parameter
    count among releases after the data's end that meets the target by each date; registry
    models meeting the target (grey circles) and the record-setters (filled, joined by the
    staircase of the smallest size so far); budgets as dotted lines; data end and as-of marked."""
    names = list(fans)
    ncols = 2
    nrows = math.ceil(len(names) / ncols)
    fig = Figure(figsize=(WIDTH, 3.05 * nrows + 0.3), layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False, sharey=True).ravel()
    y_lo, y_hi = 1e8, 10**12.5
    for i, (ax, name) in enumerate(zip(axes, names)):
        f = fans[name]
        x = f["year"].to_numpy()

        def p(col: str) -> np.ndarray:
            v = f[col].to_numpy(float)
            return np.where(np.isfinite(v), 10**v, y_hi * 3)

        for (a, b), alpha, label in ((("q0.025", "q0.975"), 0.14, "95%"), (("q0.1", "q0.9"), 0.22, "80%"),
                                     (("q0.25", "q0.75"), 0.34, "50%")):
            ax.fill_between(x, p(a), p(b), color=BAND, alpha=alpha, lw=0, label=f"{label} band", step=None)
        ax.plot(x, p("q0.5"), color=BAND, lw=1.5, label="median (future releases)")
        m = meeting.get(name)
        if m is not None and len(m):
            ax.plot(m["year"], m["params"], ls="none", marker="o", ms=2.6, mfc="none", mec=GREY, mew=0.6,
                    label="registry models meeting it")
            rec = m[m["record"]]
            xs = np.append(rec["year"].to_numpy(), x_range[1])
            ys = np.append(rec["params"].to_numpy(), rec["params"].to_numpy()[-1])
            ax.plot(xs, ys, drawstyle="steps-post", color=COLORS[1], lw=1.0, ls="--")
            ax.plot(rec["year"], rec["params"], ls="none", marker="D", ms=3.6, color=COLORS[1], mec="black",
                    mew=0.4, label="record-setters (smallest so far)")
            last = rec.iloc[-1]
            ax.annotate(f"{last['name']}", (last["year"], last["params"]), xytext=(2, -8),
                        textcoords="offset points", fontsize=5.8, color="#222222")
        for b in budgets:
            ax.axhline(b, color="#999999", lw=0.6, ls=":", zorder=1)
            ax.text(x_range[1] - 0.05, b * 1.08, params_label(b), fontsize=5.6, ha="right", va="bottom",
                    color="#555555")
        ax.set_yscale("log")
        ax.set_ylim(y_lo, y_hi)
        _params_axis(ax.yaxis, y_lo, y_hi)
        _year_axis(ax, *x_range)
        _mark_dates(ax, as_of, data_end)
        ax.set_title(name)
        if i % ncols == 0:
            ax.set_ylabel("total parameters")
    for ax in axes[len(names):]:
        ax.set_visible(False)
    handles, labels = axes[0].get_legend_handles_labels()
    for ax in axes[1:len(names)]:
        for h, lbl in zip(*ax.get_legend_handles_labels()):
            if lbl not in labels:
                handles.append(h)
                labels.append(lbl)
    fig.legend(handles, labels, loc="outside lower center", ncols=4, fontsize=6.4)
    return fig


# ----------------------------------------------------------------------------- page 3


def tilting_figure(curves: pd.DataFrame, observed: pd.DataFrame, chance: float, benchmark: str) -> Figure:
    """Score against total parameters: one posterior-median curve per release year, observed
    models as points in the colour and marker of their year (earlier years pooled into the
    first curve year)."""
    years = sorted(curves["year"].unique())
    cmap = matplotlib.colormaps["viridis"]
    colors = {y: cmap(0.02 + 0.78 * i / max(1, len(years) - 1)) for i, y in enumerate(years)}
    fig = Figure(figsize=(WIDTH, 5.6), layout="constrained")
    ax = fig.add_subplot()
    earlier = int((observed["year"] < years[0]).sum())
    obs = observed.assign(year=observed["year"].clip(lower=years[0], upper=years[-1]))
    for i, y in enumerate(years):
        pts = obs[obs["year"] == y]
        ax.plot(10 ** pts["log10_params"], pts["score"], ls="none", marker=MARKERS[i % len(MARKERS)], ms=3.2,
                color=colors[y], mec="black", mew=0.25, alpha=0.8)
        c = curves[curves["year"] == y]
        label = f"{y}: {len(pts)} models" + (f" (incl. {earlier} earlier)" if i == 0 and earlier else "")
        ax.plot(10 ** c["log10_params"], c["score"], color=colors[y], ls=LINESTYLES[i % len(LINESTYLES)], lw=1.8,
                marker=MARKERS[i % len(MARKERS)], markevery=[len(c) - 1], ms=4.5, mec="black", mew=0.3,
                label=label)
    ax.axhline(chance, color="#777777", lw=0.8, ls=":")
    ax.text(0.995, chance - 0.004, f"chance ({chance:g})", fontsize=6.2, color="#555555", va="top", ha="right",
            transform=ax.get_yaxis_transform())
    ax.set_xscale("log")
    lo, hi = 10 ** curves["log10_params"].min(), 10 ** curves["log10_params"].max()
    ax.set_xlim(lo, hi)
    _params_axis(ax.xaxis, lo, hi)
    ax.set_ylim(min(chance - 0.03, 0.2), 1.0)
    ax.set_xlabel("total parameters (log scale)")
    ax.set_ylabel(f"{benchmark} score")
    ax.legend(loc="upper left", title="release year: curve and points", title_fontsize=6.8)
    return fig


# ----------------------------------------------------------------------------- page 4


def waterfall_figure(table: pd.DataFrame) -> Figure:
    """Horizontal waterfall: each component's median contribution (log10 params) stacked from
    zero, with its 10-90% interval as a whisker at the bar's end; the total (sum per draw) last.
    Negative contributions are hatched; the top axis shows the multiplier 10^x."""
    comps = table[table["id"] != "total"]
    total = table[table["id"] == "total"].iloc[0]
    fig = Figure(figsize=(WIDTH, 0.75 + 0.2 * (len(comps) + 1)), layout="constrained")
    ax = fig.add_subplot()
    cum = 0.0
    labels = []
    for i, r in enumerate(comps.itertuples()):
        y = -i
        neg = r.median < 0
        ax.barh(y, r.median, left=cum, height=0.62, color=COLORS[1] if neg else COLORS[0], alpha=0.85,
                hatch="////" if neg else None, edgecolor="black", lw=0.4)
        end = cum + r.median
        ax.errorbar(end, y, xerr=[[r.median - r.lo], [r.hi - r.median]], fmt="none", ecolor="black", lw=0.7,
                    capsize=1.8)
        ax.text(max(end, cum) + max(r.hi - r.median, 0) + 0.02, y, f"x{10 ** r.median:.2f}", va="center",
                fontsize=6.2)
        if i < len(comps) - 1:
            ax.plot([end, end], [y - 0.31, y - 0.69], color="#555555", lw=0.5)
        cum = end
        labels.append(r.component)
    y = -len(comps)
    ax.barh(y, total["median"], left=0, height=0.62, color=COLORS[5], edgecolor="black", lw=0.4)
    ax.errorbar(total["median"], y, xerr=[[total["median"] - total["lo"]], [total["hi"] - total["median"]]],
                fmt="none", ecolor="black", lw=0.7, capsize=1.8)
    ax.text(total["hi"] + 0.02, y, f"x{10 ** total['median']:.0f} (80%: x{10 ** total['lo']:.0f}"
            f"-x{10 ** total['hi']:.0f})", va="center", fontsize=6.4, fontweight="bold")
    labels.append("total")
    ax.set_yticks(-np.arange(len(labels)), labels)
    ax.tick_params(axis="y", length=0)
    ax.axvline(0, color="black", lw=0.6)
    ax.set_xlabel("contribution to capability, log10 baseline-equivalent parameters")
    right = max(total["hi"], comps["hi"].max()) + 0.45
    ax.set_xlim(min(0.0, (comps["lo"].min())) - 0.05, right)
    ax.grid(axis="y", visible=False)
    sec = ax.secondary_xaxis("top", functions=(lambda v: 10**v, lambda v: np.log10(np.clip(v, 1e-9, None))))
    sec.set_xlabel("multiplier (x fewer parameters for the same capability)", fontsize=6.8)
    lo_x, hi_x = ax.get_xlim()
    sec.xaxis.set_major_locator(FixedLocator([m * 10.0**k for k in range(-1, 5) for m in (1, 2, 5)
                                              if lo_x <= math.log10(m * 10.0**k) <= hi_x]))
    sec.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    sec.xaxis.set_minor_formatter(NullFormatter())
    return fig


def tornado_figure(table: pd.DataFrame, year_to_text: Any) -> Figure:
    """Leave one technique out: for each headline cell (one bar colour and end marker each), how
    many years its median first date moves when one technique's effect is removed; techniques
    sorted by the mean size of the shift. A '>' marks a median pushed past the horizon (capped)."""
    cells = list(dict.fromkeys(zip(table["target_label"], table["budget_label"])))
    order = table.groupby("technique")["shift"].apply(lambda v: v.abs().mean()).sort_values().index
    n = len(cells)
    fig = Figure(figsize=(WIDTH, 0.9 + 0.085 * n * len(order) + 0.05 * len(order)), layout="constrained")
    ax = fig.add_subplot()
    height = 0.8 / max(n, 1)
    for i, (tl, bl) in enumerate(cells):
        t = table[(table["target_label"] == tl) & (table["budget_label"] == bl)].set_index("technique")
        t = t.reindex(order)
        ys = np.arange(len(order)) + (n - 1 - 2 * i) * height / 2
        base = year_to_text(t["base_median"].dropna().iloc[0])
        st = style(i)
        ax.barh(ys, t["shift"], height=height * 0.92, color=st["color"], alpha=0.8, edgecolor="black", lw=0.35)
        ax.plot(t["shift"], ys, ls="none", marker=st["marker"], ms=3.2, color=st["color"], mec="black", mew=0.4)
        ax.plot([], [], color=st["color"], marker=st["marker"], mec="black", mew=0.4, lw=4, alpha=0.8,
                label=f"{tl}, {bl} (median {base})")
        capped = t["capped"].fillna(False).to_numpy(bool)
        if capped.any():
            ax.plot(t["shift"].to_numpy()[capped], ys[capped], ls="none", marker=">", color="black", ms=3)
    ax.set_yticks(np.arange(len(order)), list(order))
    ax.tick_params(axis="y", length=0)
    ax.axvline(0, color="black", lw=0.7)
    ax.set_xlabel("shift of the median first date when the technique is removed (years; "
                  "positive = later without it)")
    ax.grid(axis="y", visible=False)
    ax.legend(loc="lower right", fontsize=6.2)
    return fig


# ----------------------------------------------------------------------------- page 5

# per variant of the refit sweep: bar colour and hatch (hatched: a group of engine priors)
VARIANT_STYLE = {"removed": (COLORS[1], None), "widened": (COLORS[0], None),
                 "group": (COLORS[2], "////")}


def refit_tornado_figure(rows: pd.DataFrame) -> Figure:
    """The refit tornado: one panel per question (two to a row), one line per technique or group
    and variant in the order of `rows` (largest shift on top): a bar from 0 to the shift of the
    median first date in days and a whisker over the refit's 80% interval, both measured from
    the unmodified fit's median, whose own 80% interval is the grey band. Bars take the variant's
    colour (hatched for a group); a quantile past the horizon runs to the panel's right edge and
    ends in '>'. A '*' after a label marks a refit that failed its convergence checks.

    Parameters
    ----------
    rows : pandas.DataFrame
        `forecast.report.content.refit_rows`'s rows (sorted by rank, then question).

    Returns
    -------
    matplotlib.figure.Figure
    """
    questions = list(dict.fromkeys(rows["question"]))
    keys = list(dict.fromkeys(zip(rows["technique"], rows["variant"])))
    first = rows.drop_duplicates(["technique", "variant"]).set_index(["technique", "variant"])
    failed = rows.groupby(["technique", "variant"], sort=False)["fit_ok"].all()
    labels = [str(first.loc[k, "label"]) + ("" if k[1] == "group" else f": {k[1]}")
              + ("" if failed[k] else " *") for k in keys]
    ncols = min(len(questions), 2)
    nrows = math.ceil(len(questions) / ncols)
    fig = Figure(figsize=(WIDTH, nrows * (0.55 + 0.14 * len(keys)) + 0.3), layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False, sharey=True).ravel()
    ys = -np.arange(len(keys), dtype=float)
    for ax, question in zip(axes, questions):
        t = rows[rows["question"] == question].set_index(["technique", "variant"]).reindex(keys)
        ax.set_title(question)
        base = t[["base_lo", "base_hi"]].dropna()
        if base.empty:
            ax.text(0.5, 0.5, "the unmodified median is past the horizon", transform=ax.transAxes,
                    ha="center", va="center", fontsize=6.4)
            continue
        base_lo, base_hi = float(base["base_lo"].iloc[0]), float(base["base_hi"].iloc[0])
        values = [t[c].to_numpy(float) for c in ("shift", "lo", "hi")] + [[0.0, base_lo, base_hi]]
        finite = np.concatenate(values)
        finite = finite[np.isfinite(finite)]
        lo_x, hi_x = float(finite.min()), float(finite.max())
        pad = 0.06 * max(hi_x - lo_x, 1.0)
        edge = hi_x + pad  # where a quantile past the horizon is drawn
        ax.axvspan(base_lo, base_hi, color="#e4e4e4", lw=0, zorder=0)
        for y, (_, variant), (_, r) in zip(ys, keys, t.iterrows()):
            if not isinstance(r["label"], str):  # a pair the sweep did not ask this question
                continue
            color, hatch = VARIANT_STYLE.get(variant, (GREY, None))
            shift = r["shift"] if np.isfinite(r["shift"]) else (edge if r["past"] else np.nan)
            if np.isfinite(shift):
                ax.barh(y, shift, height=0.62, color=color, alpha=0.85, hatch=hatch,
                        edgecolor="black", lw=0.35)
            lo = r["lo"] if np.isfinite(r["lo"]) else edge
            hi = r["hi"] if np.isfinite(r["hi"]) else edge
            ax.plot([lo, hi], [y, y], color="black", lw=0.7)
            ax.plot([lo], [y], ls="none", marker="|", color="black", ms=3.5)
            ax.plot([hi], [y], ls="none", marker=">" if not np.isfinite(r["hi"]) else "|",
                    color="black", ms=3.0 if not np.isfinite(r["hi"]) else 3.5)
            if r["past"]:
                ax.plot([edge], [y], ls="none", marker=">", color=color, mec="black", mew=0.4, ms=4)
        ax.axvline(0, color="black", lw=0.7)
        ax.set_xlim(lo_x - pad, edge + pad)
        ax.grid(axis="y", visible=False)
        ax.tick_params(axis="y", length=0)
    axes[0].set_yticks(ys, labels)
    axes[0].set_ylim(ys.min() - 0.6 if len(ys) else -0.6, 0.6)
    for ax in axes[len(questions):]:
        ax.set_visible(False)
    present = list(dict.fromkeys(rows["variant"]))
    handles: list[Any] = [Patch(facecolor=VARIANT_STYLE[v][0], hatch=VARIANT_STYLE[v][1],
                                edgecolor="black", lw=0.35, alpha=0.85, label=v)
                          for v in ("removed", "widened", "group") if v in present]
    handles.append(Patch(facecolor="#e4e4e4", label="unmodified fit's 80% interval"))
    handles.append(Line2D([], [], color="black", lw=0.7, marker="|", label="refit's 80% interval"))
    fig.supxlabel("days from the unmodified fit's median first date (positive = later)",
                  fontsize=RC["axes.labelsize"])
    fig.legend(handles=handles, loc="outside upper center", ncols=len(handles), fontsize=6.2)
    return fig


# ----------------------------------------------------------------------------- page 6


def priors_figure(priors: Any, samples: dict[str, np.ndarray], table: pd.DataFrame, names: dict[str, str],
                  ncols: int = 3) -> Figure:
    """One panel per technique: the prior density per decade (blue, shaded 90% interval; for
    mixture-of-experts also the total-parameter effect in red) from `forecast.report.prior_plots`, and
    the posterior density of the same multiplier (black dashed, a Gaussian KDE of log10 draws)."""
    from scipy.stats import gaussian_kde  # deferred: about 0.7 s to import; only this figure needs it

    ids = list(table["id"])
    nrows = math.ceil(len(ids) / ncols)
    fig = Figure(figsize=(WIDTH, 1.3 * nrows + 0.1), layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
    rows = table.set_index("id")
    for ax, tid in zip(axes, ids):
        tech = priors.techniques[tid]
        plot_prior(tech, ax=ax)
        legend = ax.get_legend()
        if legend is not None:
            legend.remove()
        v = samples.get(tid)
        r = rows.loc[tid]
        if v is not None and len(v) > 5 and np.std(np.log10(v)) > 0:
            lv = np.log10(v)
            grid = np.linspace(lv.min() - 0.1, lv.max() + 0.1, 300)
            dens = gaussian_kde(lv)(grid)
            ax.plot(10**grid, dens, color="black", ls="--", lw=1.2)
            lo_x, hi_x = ax.get_xlim()
            ax.set_xlim(min(lo_x, 10 ** grid[0]), max(hi_x, 10 ** grid[-1]))
            ax.set_ylim(0, max(ax.get_ylim()[1], dens.max() * 1.15))
            change = (f"{r['narrowing']:.0%} narrower" if r["narrowing"] >= 0
                      else f"{-r['narrowing']:.0%} wider")
            sub = f"median {r['prior_median']:.2f} -> {r['posterior_median']:.2f}; 90% int. {change}"
        else:
            sub = "prior only: the registry does not inform it"
        ax.set_title(f"{names.get(tid, tid)}\n{sub}", fontsize=6.5)
        ax.set_xlabel(ax.get_xlabel(), fontsize=5.7)
        ax.set_ylabel("density / decade", fontsize=6.0)
        ax.tick_params(labelsize=6.0)
    for ax in axes[len(ids):]:
        ax.set_visible(False)
    return fig


# ----------------------------------------------------------------------------- page 7


def adoption_figure(curves: pd.DataFrame, shares: pd.DataFrame, names: dict[str, str], as_of: float,
                    data_end: float, highlight: str = "multimodal", ncols: int = 3) -> Figure:
    """One panel per technique: posterior adoption share A_k(t) among releases (median line,
    80% band) and the registry share per half-year (circles, area ~ number of models with a
    known indicator). The `highlight` panel marks one half and where the median crosses it."""
    ids = list(dict.fromkeys(curves["id"]))
    if highlight in ids:
        ids = [highlight] + [i for i in ids if i != highlight]
    nrows = math.ceil(len(ids) / ncols)
    fig = Figure(figsize=(WIDTH, 1.55 * nrows + 0.15), layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False, sharex=True, sharey=True).ravel()
    lo, hi = float(curves["year"].min()), float(curves["year"].max())
    for ax, tid in zip(axes, ids):
        c = curves[curves["id"] == tid]
        ax.fill_between(c["year"], c["lo"], c["hi"], color=BAND, alpha=0.22, lw=0)
        ax.plot(c["year"], c["median"], color=BAND, lw=1.3)
        s = shares[shares["id"] == tid]
        ax.scatter(s["year"], s["share"], s=4 + 40 * np.sqrt(s["n"] / max(1, shares["n"].max())),
                   facecolors="none", edgecolors=COLORS[1], linewidths=0.7, zorder=3)
        title = names.get(tid, tid)
        if tid == highlight:
            ax.axhline(0.5, color="black", lw=0.7, ls=":")
            above = c[c["median"] > 0.5]
            if len(above):
                x = float(above["year"].iloc[0])
                ax.plot([x], [0.5], marker="v", color="black", ms=4)
                title += f"\nmedian share passes one half in {x:.1f}"
            else:
                title += "\nmedian share stays below one half"
            for side in ("top", "right", "bottom", "left"):
                ax.spines[side].set_visible(True)
                ax.spines[side].set_linewidth(1.2)
        ax.set_title(title, fontsize=6.6)
        ax.set_ylim(-0.02, 1.02)
        _year_axis(ax, lo, hi)
        ax.axvline(data_end, color="#555555", lw=0.7, ls="--")
        ax.axvline(as_of, color="#111111", lw=0.7)
        ax.tick_params(labelsize=6.0)
    for ax in axes[len(ids):]:
        ax.set_visible(False)
    for ax in axes[max(0, len(ids) - ncols):len(ids)]:  # the lowest panel of each column keeps its years
        ax.tick_params(labelbottom=True)
    fig.supylabel("share of releases using it", fontsize=7)
    return fig


# ----------------------------------------------------------------------------- page 8


def backtest_figure(card: pd.DataFrame, reliability: pd.DataFrame, summary: dict) -> Figure:
    """(a) Interval coverage on decided rows against the nominal level per method, with the
    bounds on all rows that the censored rows allow as bars; (b) reliability of P(first crossing
    by the data's end): observed frequency against the mean forecast probability per bin, marker
    area ~ rows; (c) PIT histograms (censoring-aware), uniform = calibrated.

    Parameters
    ----------
    card : pandas.DataFrame
        `forecast.report.content.backtest_scorecard`.
    reliability : pandas.DataFrame
        `forecast.report.content.data_end_reliability`.
    summary : dict
        The backtest summary (its `pit_hist` per method).

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig = Figure(figsize=(WIDTH, 2.0), layout="constrained")
    ax1, ax2, ax3 = fig.subplots(1, 3)
    methods = list(card["method"])
    levels = (0.5, 0.8, 0.9)
    for i, name in enumerate(methods):
        st = style(i)
        r = card[card["method"] == name].iloc[0]
        ys = [np.nan if r[f"dec{lv}"] is None else r[f"dec{lv}"] for lv in levels]
        bounds = [r[f"dec{lv}_bounds"] for lv in levels]
        xs = np.array(levels) + (i - (len(methods) - 1) / 2) * 0.012
        ax1.plot(xs, ys, color=st["color"], ls=st["linestyle"], marker=st["marker"], ms=3.5, label=name)
        for x, bd in zip(xs, bounds):
            if bd:
                ax1.plot([x, x], bd, color=st["color"], lw=0.8)
        rel = reliability[reliability["method"] == name]
        ax2.scatter(rel["p_mean"], rel["observed"], s=6 + 60 * np.sqrt(rel["n"] / max(1, reliability["n"].max())),
                    color=st["color"], marker=st["marker"], edgecolors="black", linewidths=0.3, label=name, zorder=3)
        ax2.plot(rel["p_mean"], rel["observed"], color=st["color"], ls=st["linestyle"], lw=0.8)
        hist = np.asarray(summary["methods"][name].get("pit_hist") or [], dtype=float)
        if hist.sum() > 0:
            dens = hist / hist.sum() * len(hist)
            edges = np.linspace(0, 1, len(hist) + 1)
            ax3.stairs(dens, edges, color=st["color"], ls=st["linestyle"], lw=1.2, label=name)
    for ax in (ax1, ax2):
        ax.plot([0, 1], [0, 1], color="#777777", lw=0.7, ls=":")
    ax1.set_xlim(0.4, 1.0)
    ax1.set_ylim(0, 1.02)
    ax1.set_xlabel("nominal interval level")
    ax1.set_ylabel("share inside (decided)")
    ax1.set_title("(a) interval coverage")
    ax1.legend(loc="upper left", fontsize=6.0)
    ax2.set_xlim(0, 1)
    ax2.set_ylim(-0.02, 1.02)
    ax2.set_xlabel("forecast P(crossing by the data's end)")
    ax2.set_ylabel("observed frequency")
    ax2.set_title("(b) reliability, by the data's end")
    ax3.axhline(1.0, color="#777777", lw=0.7, ls=":")
    ax3.set_xlim(0, 1)
    ax3.set_xlabel("PIT of the realised date")
    ax3.set_ylabel("density")
    ax3.set_title("(c) PIT histogram")
    return fig


def skill_figure(skill: pd.DataFrame, method: str, methods: list[str] | None = None) -> Figure:
    """Per cutoff, `method`'s skill against each baseline with its interval (events resampled):
    (a) the CRPS difference in years (below 0: `method` is better); (b) the Brier skill of
    P(first crossing by the data's end) (above 0: `method` is better).

    Parameters
    ----------
    skill : pandas.DataFrame
        `forecast.report.content.skill_rows` (its per-cutoff rows are drawn).
    method : str
        The method compared.
    methods : list of str, optional
        Every method in the order that sets their styles (as in `backtest_figure`); None for
        the baselines' order.

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig = Figure(figsize=(WIDTH, 2.0), layout="constrained")
    ax1, ax2 = fig.subplots(1, 2, sharex=True)
    per = skill[skill["cutoff"] != "all"]
    cutoffs = sorted(per["cutoff"].unique())
    baselines = list(dict.fromkeys(per["baseline"]))
    order = list(methods) if methods else baselines
    for i, name in enumerate(baselines):
        st = style(order.index(name) if name in order else i)
        rows = per[per["baseline"] == name].set_index("cutoff").reindex(cutoffs)
        xs = np.arange(len(cutoffs)) + (i - (len(baselines) - 1) / 2) * 0.12
        for ax, col in ((ax1, "crps_diff"), (ax2, "brier_skill")):
            ys = np.array([np.nan if v is None else v for v in rows[col]], dtype=float)
            ax.plot(xs, ys, color=st["color"], ls="none", marker=st["marker"], ms=3.5, label=f"vs {name}")
            for x, ci in zip(xs, rows[f"{col}_ci"]):
                if isinstance(ci, list) and ci:
                    ax.plot([x, x], ci, color=st["color"], lw=0.8)
    for ax in (ax1, ax2):
        ax.axhline(0.0, color="#777777", lw=0.7, ls=":")
        ax.set_xticks(np.arange(len(cutoffs)))
        ax.set_xticklabels([str(c)[:7] for c in cutoffs], rotation=45, fontsize=6.0)
    ax1.set_ylabel("CRPS difference (years)")
    ax1.set_title("(a) CRPS difference per cutoff")
    ax1.legend(loc="best", fontsize=6.0)
    ax2.set_ylabel("Brier skill")
    ax2.set_title("(b) Brier skill per cutoff")
    return fig


# ----------------------------------------------------------------------------- page 9


def predictive_figure(rows: pd.DataFrame) -> Figure:
    """Posterior predictive coverage of the observed scores per group: the share inside the 50%
    (circles) and 90% (squares) predictive intervals, in-sample (filled) and leave-one-out
    (hollow, when the rows have them), with the nominal levels as lines."""
    fig = Figure(figsize=(WIDTH, 0.5 + 0.16 * len(rows)), layout="constrained")
    ax = fig.add_subplot()
    ys = -np.arange(len(rows))
    ax.plot(rows["coverage_50"], ys, ls="none", marker="o", color=COLORS[0], ms=4, label="inside 50% interval")
    ax.plot(rows["coverage_90"], ys, ls="none", marker="s", color=COLORS[1], ms=4, label="inside 90% interval")
    if "loo_50" in rows:
        ax.plot(rows["loo_50"], ys, ls="none", marker="o", mfc="none", color=COLORS[0], ms=5,
                label="leave-one-out, 50%")
        ax.plot(rows["loo_90"], ys, ls="none", marker="s", mfc="none", color=COLORS[1], ms=5,
                label="leave-one-out, 90%")
    ax.axvline(0.5, color=COLORS[0], lw=0.7, ls="--")
    ax.axvline(0.9, color=COLORS[1], lw=0.7, ls=":")
    ax.set_yticks(ys, [f"{g}: {n} (n={k})" if g != "all scores" else f"all scores (n={k})"
                       for g, n, k in zip(rows["group"], rows["name"], rows["n"])])
    ax.tick_params(axis="y", length=0, labelsize=6.4)
    ax.set_xlim(0.3, 1.0)
    ax.set_xlabel("share of observed scores inside the posterior predictive interval")
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=4 if "loo_50" in rows else 2,
              fontsize=6.2)
    ax.grid(axis="y", visible=False)
    return fig
