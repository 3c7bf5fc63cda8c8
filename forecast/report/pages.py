"""The report's ten sections as HTML: text, tables and figures from a `ReportData`.

Each `page_*` function turns the numbers gathered by `forecast.report.content` (held in a
`ReportData`) into one `Section`; the figures come from `forecast.report.figures`. Dates in
tables are shown to the month (YYYY-MM), probabilities to two decimals.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from forecast.inputs.dates import decimal_year, year_to_date
from forecast.report import figures as F
from forecast.report.render import Section, esc, figure_html, key_value_html, table_html

TITLES = (
    "Headline answers",
    "Smallest model reaching each target",
    "The tilting line",
    "Attribution: techniques and drift",
    "Sensitivity with refits",
    "Prior versus posterior",
    "Adoption of the techniques",
    "Backtest and the seed check",
    "Diagnostics",
    "Data appendix and provenance",
)


@dataclass
class ReportData:
    """Everything the pages show; built by `forecast.report.build_report`."""

    as_of: date
    data_end: date
    horizon: date
    diagnostics: dict[str, Any]
    fit_summary: dict[str, Any]
    headline: pd.DataFrame
    dropped_targets: list[str]
    headline_draws: int
    total_draws: int
    paths_per_draw: int
    budgets_params: list[float]
    fans: dict[str, pd.DataFrame]
    meeting: dict[str, pd.DataFrame]
    fan_draws: int
    tilting: pd.DataFrame
    observed: pd.DataFrame
    benchmark: str
    chance: float
    waterfall: pd.DataFrame
    tornado: pd.DataFrame
    tornado_skipped: list[str]
    priors: Any
    technique_table: pd.DataFrame
    technique_samples: dict[str, np.ndarray]
    engine_priors: pd.DataFrame
    adoption_curves: pd.DataFrame
    adoption_shares: pd.DataFrame
    names: dict[str, str]
    backtest: Any = None
    backtest_note: str = ""
    # the same backtest with today's priors (`forecast backtest --priors-as-of today`), or None
    hindsight: Any = None
    seed_check: dict[str, Any] | None = None
    seed_check_note: str = ""
    # the refit sweep (`forecast sensitivity --json`, checked against its schema), or None, and
    # where it was read from
    sensitivity: dict[str, Any] | None = None
    sensitivity_source: str = ""
    predictive: pd.DataFrame = field(default_factory=pd.DataFrame)
    ceilings: pd.DataFrame = field(default_factory=pd.DataFrame)
    loo_khat: float = float("nan")  # share of scores with Pareto k-hat > 0.7 in the LOO-PIT
    quality_tails: dict = field(default_factory=dict)  # `forecast.model.quality_check.quality_tail_check`
    diagnostics_table: pd.DataFrame = field(default_factory=pd.DataFrame)
    data_by_year: pd.DataFrame = field(default_factory=pd.DataFrame)
    data_by_benchmark: pd.DataFrame = field(default_factory=pd.DataFrame)
    source_protocol: pd.DataFrame = field(default_factory=pd.DataFrame)
    provenance: list[tuple[str, str]] = field(default_factory=list)


# ----------------------------------------------------------------------------- formatting


def month(value: str | date | None, missing: str = "after the horizon") -> str:
    """ISO date -> YYYY-MM (None -> `missing`)."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return missing
    return str(value)[:7]


def month_of_year(y: float, horizon: float | None = None) -> str:
    if not np.isfinite(y) or (horizon is not None and y >= horizon):
        return "after the horizon"
    return year_to_date(y).isoformat()[:7]


def prob(p: float | None) -> str:
    if p is None or (isinstance(p, float) and np.isnan(p)):
        return "-"
    if 0 < p < 0.005:
        return "<0.01"
    if 0.995 <= p < 1:
        return ">0.99"
    return f"{p:.2f}"


def params(v: float) -> str:
    return F.params_label(float(v))


def backtest_fits_banner(summary: dict[str, Any]) -> str:
    """A red banner when fits behind the backtest failed their convergence checks."""
    fits = [(method, cutoff, d) for method, by_cutoff in (summary.get("fit_diagnostics") or {}).items()
            for cutoff, d in by_cutoff.items()]
    failed = [(m, c, d) for m, c, d in fits if not d.get("ok", True)]
    if not failed:
        return ""
    worst = max(failed, key=lambda x: x[2].get("rhat_max", 0.0))
    return _banner_html(
        f"{len(failed)} of {len(fits)} fits behind this backtest FAILED their convergence checks: "
        "read its scores with caution.",
        f'Worst: {worst[0]} as of {worst[1]}, R-hat {worst[2].get("rhat_max", float("nan")):.3f}, '
        f'min bulk ESS {worst[2].get("ess_bulk_min", float("nan")):.0f}. '
        "Every fit's diagnostics are in backtest_summary.json.")


def banner(diag: dict[str, Any]) -> str:
    """A red banner when the report's own fit failed its convergence checks."""
    if diag.get("ok", True):
        return ""
    return _banner_html(
        "The fit behind this report FAILED its convergence checks: treat every number here with "
        "caution (more draws, or the fix named in the diagnostics, may help).",
        "; ".join(diag.get("problems", [])))


def _banner_html(message: str, detail: str) -> str:
    """The red banner's markup: a message and a smaller detail line, both escaped."""
    return f'<div class="banner">{esc(message)}<span class="detail">{esc(detail)}</span></div>'


# ----------------------------------------------------------------------------- page 1


def headline_rows(data: ReportData) -> tuple[pd.DataFrame, set[int], dict]:
    y1, y2 = date(data.as_of.year + 1, 1, 1), date(data.as_of.year + 2, 1, 1)
    rows, starts, classes = [], set(), {}
    last = None
    for i, r in enumerate(data.headline.itertuples()):
        first = r.target_label != last
        if first:
            starts.add(i)
        last = r.target_label
        reached = isinstance(r.reached_by, str)
        if reached:
            median, interval = "reached", "-"
            by = f"{r.reached_by}, {month(r.reached_date)}"
            classes[(i, "median")] = "reached"
        else:
            median = month(r.median)
            interval = f"{month(r.q10)} to {month(r.q90)}"
            by = "-"
        rows.append({
            "target": r.target_label if first else "",
            "budget": r.budget_label,
            "median": median,
            "80% interval": interval,
            f"P(by {y1})": prob(r.p_next),
            f"P(by {y2})": prob(r.p_next2),
            f"P(may have happened by {data.as_of})": prob(getattr(r, "p_may", 0.0)) if not reached else "-",
            "already reached by (registry)": by,
        })
    return pd.DataFrame(rows), starts, classes


def page_headline(data: ReportData) -> Section:
    fs = data.fit_summary
    pre = (
        '<div class="cover-title">When does a capability fit in a budget?</div>'
        f'<div class="cover-sub">Forecast as of <b>{data.as_of}</b> (registry scores up to '
        f"{data.data_end}) from {fs['models']} models and {fs['observations']} benchmark scores; "
        f"{fs['chains']} chains x {fs['draws']} posterior draws; seed {fs['seed']}; "
        f"scenario: {esc(fs['scenario'])}.</div>"
        + banner(data.diagnostics)
    )
    frame, starts, classes = headline_rows(data)
    ends = sorted(set(data.headline["data_end"])) if "data_end" in data.headline else []
    stale = sorted({s for s in data.headline.get("stale", []) if isinstance(s, str)})
    numeric = [c for c in frame.columns if c.startswith("P(")]
    targets = "; ".join(
        f"<b>{esc(lbl)}</b> = <code>{esc(spec)}</code>"
        for lbl, spec in dict.fromkeys(zip(data.headline["target_label"], data.headline["target"]))
    )
    body = (
        table_html(frame, numeric=numeric, group_starts=starts, cell_class=classes, css_class="headline")
        + figure_html(F.headline_figure(data.headline, decimal_year(data.as_of), decimal_year(data.horizon),
                                        lambda s: decimal_year(date.fromisoformat(s))), "")
        + '<p class="note">First date a publicly released model within the budget meets the target: '
        "median and 80% interval (10th-90th percentile; in the plot a dot and a bar, an arrow where it "
        "runs on), and the probability it has happened by the start of the next two years. "
        f"Targets: {targets}; a model target is the fitted latent capability of that registry model. "
        "\u201creached\u201d (a star) names the earliest registry model meeting the target within the "
        "budget: by the median of its reported scores, or by its posterior-median capability for a "
        "model target or a memory budget (quantized weights lose some quality). The projection "
        "starts at the registry's data end, so dates before the as-of date forecast releases the "
        "registry may not list. "
        + (f"P(may have happened by {data.as_of}): the probability that it was first met after the "
           f"registry's data end on the target ({', '.join(ends)}) and by the as-of date: it may "
           "already have happened; not in the registry. " if ends else "")
        + "4 GiB @ 4-bit is 8.6B parameters of weights. \u201cafter the "
        f"horizon\u201d: not before {data.horizon}. "
        + mc_note(data)
        + (" Default targets left out: " + esc("; ".join(data.dropped_targets)) + "." if data.dropped_targets else "")
        + "</p>"
        + "".join(f'<p class="note stale">Note: {esc(s)}.</p>' for s in stale)
    )
    return Section(1, TITLES[0], body, preamble=pre)


def mc_note(data: ReportData) -> str:
    """Which draws the table used and the Monte Carlo error of its medians."""
    se = data.headline["median_se_days"].dropna()
    err = f" (Monte Carlo error of the medians: up to {se.max():.0f} days, one standard error)" if len(se) else ""
    if data.headline_draws >= data.total_draws:
        return (f"Computed on all {data.total_draws:,} posterior draws x {data.paths_per_draw} simulated "
                f"futures each, as <code>forecast when</code> computes them{err}.")
    return (f"Computed on {data.headline_draws:,} of the {data.total_draws:,} posterior draws (evenly "
            f"thinned) x {data.paths_per_draw} simulated futures each; <code>forecast when</code> uses "
            f"every draw, so its dates can differ by the Monte Carlo error{err}.")


# ----------------------------------------------------------------------------- page 2


def page_fan(data: ReportData) -> Section:
    as_of, end = decimal_year(data.as_of), decimal_year(data.data_end)
    x_range = (2020.0, float(data.as_of.year + 6))
    fig = F.fan_figure(data.fans, data.meeting, as_of, end, data.budgets_params, x_range)
    rows = []
    for name, m in data.meeting.items():
        rec = m[m["record"]]
        if len(rec):
            last = rec.iloc[-1]
            rows.append({"target": name, "smallest registry model meeting it": last["name"],
                         "size": params(last["params"]), "released": str(last["date"])[:10],
                         "registry models meeting it": len(m)})
        else:
            rows.append({"target": name, "smallest registry model meeting it": "none",
                         "size": "-", "released": "-", "registry models meeting it": 0})
    body = (
        figure_html(fig, (
            "Bands: 50%, 80% and 95% intervals, and the median, of the smallest total parameter count "
            "among releases after the registry's data end that meets the target by each date "
            "(the engine's <code>size</code> query, quarterly, on "
            f"{data.fan_draws} evenly spaced posterior draws with one simulated future each; "
            "sizes above 3T run off the top). Grey circles: registry models released by the "
            "as-of date that meet the target; diamonds joined by the dashed staircase: the "
            "record-setters, each the smallest so far. The real frontier at a date is the lower of the "
            "staircase and the band. Dotted lines: the headline budgets."))
        + table_html(pd.DataFrame(rows), numeric=["registry models meeting it"], css_class="compact")
    )
    return Section(2, TITLES[1], body)


# ----------------------------------------------------------------------------- page 3


def page_tilting(data: ReportData) -> Section:
    fig = F.tilting_figure(data.tilting, data.observed, data.chance, data.benchmark.upper())
    years = sorted(data.tilting["year"].unique())
    at = data.tilting[np.isclose(data.tilting["log10_params"], 9.0) | np.isclose(data.tilting["log10_params"], 10.0)]
    rows = []
    for y in years:
        r = at[at["year"] == y].set_index("log10_params")["score"]
        rows.append({"year": y, "1B params": f"{r.iloc[0]:.3f}", "10B params": f"{r.iloc[-1]:.3f}"})
    body = (
        "<p>The line tilts: from year to year the same size scores higher. Curves are what the "
        "fitted model says; points are what was released.</p>"
        + figure_html(fig, (
            f"Curve for year y: the posterior median of the {esc(data.benchmark.upper())} score "
            "of a model of that total size released at mid-year (y + 0.5) with average quality, "
            "using that year's fitted technique adoption (each technique's multiplier weighted by "
            "its adoption share), the fitted tokens-per-parameter trend, and the drift of unnamed "
            "improvements, mapped through the benchmark's fitted link (reference protocol, no "
            "measurement noise). It is the typical release, not the best one. Points: registry "
            "models with a known size, the median of their reported scores, in the colour and marker "
            "of their release year (earlier years join the first curve's)."))
        + table_html(pd.DataFrame(rows), numeric=["1B params", "10B params"], css_class="compact half")
    )
    return Section(3, TITLES[2], body)


# ----------------------------------------------------------------------------- page 4


def page_attribution(data: ReportData) -> Section:
    wf = data.waterfall
    total = wf[wf["id"] == "total"].iloc[0]
    body = (
        f"<p>A typical model released on {data.as_of} is worth a plain dense 2020-recipe model "
        f"(trained at 20 tokens per parameter) about <b>x{10 ** total['median']:.0f}</b> its size "
        f"(80% interval x{10 ** total['lo']:.0f} to x{10 ** total['hi']:.0f}). Where that comes from:</p>"
        + figure_html(F.waterfall_figure(wf), (
            "Waterfall in log10 baseline-equivalent parameters on the total-parameter axis. "
            "Technique bars: adoption share at the as-of date times the posterior multiplier, "
            "A_k(as-of) log10 m_k, per posterior draw (median; whisker 10-90%). Mixture-of-experts "
            "is its effect per total parameter at the typical sparsity of recent MoE releases "
            "(negative: a MoE stores more parameters than it uses). Over-training: the "
            "Chinchilla-law effect of that date's typical tokens per parameter. Drift: the fitted "
            "unnamed improvement D(as-of) - D(2020). Total: the sum per draw."))
    )
    if len(data.tornado):
        body += figure_html(F.tornado_figure(data.tornado, lambda y: month_of_year(y, decimal_year(data.horizon))), (
            "Leave one technique out: the shift of the median first date when that technique's "
            "effect is set to zero (its log10 multiplier beta_k = 0; for mixture-of-experts no "
            "capability from inactive parameters; for over-training no tokens effect) in a copy of "
            "the posterior draws. No refit: every other parameter keeps its value fitted with the "
            "technique present, so this is the technique's share of the forecast, not what the "
            "world would look like without it. Each panel is the smallest budget of its target not "
            "yet reached; baseline and altered forecasts use the same "
            f"{data.tornado.attrs.get('draws', '')} thinned draws and the same simulated futures "
            f"({data.tornado.attrs.get('paths', '')} paths), so the baseline median can differ "
            "slightly from the headline table's. Section 5 refits the model without each prior "
            "instead."))
    if data.tornado_skipped:
        body += ('<p class="note">No tornado panel for: ' + esc("; ".join(data.tornado_skipped))
                 + " (the registry already shows every parameter budget reached, or no median falls "
                 "before the horizon).</p>")
    return Section(4, TITLES[3], body)


# ----------------------------------------------------------------------------- page 5

SENSITIVITY_COMMAND = "forecast sensitivity --json > reports/sensitivity.json"


def _shift_text(r: Any) -> str:
    """A row's median shift in days, or what stands in its place past the horizon."""
    if np.isfinite(r["shift"]):
        return f"{r['shift']:+.0f} d"
    return "past the horizon" if r["past"] else "-"


def sensitivity_table(rows: pd.DataFrame) -> tuple[pd.DataFrame, dict[tuple[int, str], str]]:
    """The refit sweep as a table: one row per technique or group and variant, in the
    tornado's order, with per question the median's shift and the refit's 80% interval, and
    whether the refit passed its convergence checks.

    Parameters
    ----------
    rows : pandas.DataFrame
        `forecast.report.content.refit_rows`'s rows.

    Returns
    -------
    pandas.DataFrame
        The formatted table (strings).
    dict
        (row, column) -> CSS class of the checks cell: ``pass``, or ``fail`` for a refit that
        failed its convergence checks.
    """
    out, classes = [], {}
    for i, ((_, variant), t) in enumerate(rows.groupby(["technique", "variant"], sort=False)):
        row = {"technique or group": t["label"].iloc[0], "variant": variant}
        for _, r in t.iterrows():
            row[f"shift, {r['question']}"] = _shift_text(r)
            row[f"80%, {r['question']}"] = f"{month(r['q10_date'])} to {month(r['q90_date'])}"
        ok = bool(t["fit_ok"].all())
        row["checks"] = "pass" if ok else "FAIL"
        classes[(i, "checks")] = "pass" if ok else "fail"
        out.append(row)
    return pd.DataFrame(out), classes


def sensitivity_html(data: Any) -> str:
    """The body of the refit-sensitivity section: the sweep read from a file, or one line saying
    how to make it.

    The sweep comes from `forecast sensitivity --json` (hours of refits, so the report reads it
    rather than running it, as it reads the backtest). Shown: where it was read from, its as-of
    date and fits (a note when its as-of date is not the report's), a banner when refits failed
    their convergence checks, the unmodified answers, the refit tornado
    (`forecast.report.figures.refit_tornado_figure`) and its table, and which priors each
    group widened.

    Parameters
    ----------
    data : ReportData or any object with ``sensitivity``, ``sensitivity_source``, ``names`` and
        ``as_of``
        The sweep as `forecast sensitivity --json` prints it (checked against its schema), or
        None; the file it was read from; technique display names; the report's as-of date.

    Returns
    -------
    str
        HTML.
    """
    from forecast.report.content import refit_rows  # deferred: imports xarray and SciPy

    sens = data.sensitivity
    if sens is None:
        return ('<p class="note">No refit sensitivity was given for this report: '
                f"<code>{esc(SENSITIVITY_COMMAND)}</code> makes it (then "
                "<code>forecast report</code> reads it, or pass <code>--sensitivity FILE</code>)."
                "</p>")
    rows = refit_rows(sens, data.names)
    settings = sens.get("settings") or {}
    source = f" from {esc(data.sensitivity_source)}" if data.sensitivity_source else ""
    out = (
        "<p>How much each headline answer leans on each prior: the model refitted with each "
        "technique's prior removed (no term for it: the drift and the other techniques take over "
        "what they can) or widened (its multiplier's 90% interval twice as wide in log10 space, "
        "same median), and with groups of engine priors widened (normal and lognormal priors "
        "with twice the sd, or log-sd, around the same median). Each refit answers the same "
        "<code>when</code> questions with the registry, as-of date, seed, draws and tuning of "
        "the unmodified fit. Section 4's tornado does not refit: it zeroes a technique in the "
        "posterior draws of the one fit, so it measures the technique's share of the fitted "
        "answer, where a refit measures how much the answer depends on its prior after the "
        "rest of the model has adjusted.</p>"
        f'<p class="note">Read{source} (<code>forecast sensitivity</code> as of '
        f"{esc(sens['as_of'])}, seed {esc(settings.get('seed'))}, {esc(settings.get('draws'))} "
        f"draws per chain). The file records no hashes of the registry and priors: make it "
        "again after changing either.</p>"
    )
    if sens["as_of"] != str(data.as_of):
        out += (f'<p class="note stale">Note: the sweep is as of {esc(sens["as_of"])}, this '
                f"report as of {esc(data.as_of)}: run <code>forecast sensitivity --as-of "
                f"{esc(data.as_of)} --json</code> for refits that match it.</p>")
    refits = rows.drop_duplicates(["technique", "variant"])
    failed = int((~refits["fit_ok"]).sum())
    if failed or not (sens.get("diagnostics") or {}).get("ok", True):
        out += _banner_html(
            f"{failed} of {len(refits)} refits"
            + ("" if (sens.get("diagnostics") or {}).get("ok", True) else " and the unmodified fit")
            + " FAILED their convergence checks: read their shifts with caution.",
            "Marked * in the figure and FAIL in the table; more draws may help.")
    base = "; ".join(f"<b>{esc(b['question'])}</b>: {month(b['median']['date'])} (80% "
                     f"{month(b['q10']['date'])} to {month(b['q90']['date'])})"
                     for b in sens["base"])
    out += f"<p>The unmodified fit of the sweep, median first date: {base}.</p>"
    if rows.empty:
        return out + '<p class="note">The sweep holds no refits.</p>'
    groups = rows[rows["variant"] == "group"].drop_duplicates("technique")
    widened = "; ".join(f"{esc(g.technique)}: " + esc(", ".join(str(g.prior or "").split(",")))
                        for g in groups.itertuples())
    table, classes = sensitivity_table(rows)
    out += (
        figure_html(F.refit_tornado_figure(rows), (
            "Refit tornado: per question, the shift of the median first date (bar, days) and the "
            "refit's 80% interval (whisker), both from the unmodified fit's median, against that "
            "fit's own 80% interval (grey band). Lines are sorted by the mean absolute shift over "
            "the questions, largest on top; '>' marks a date past the horizon, '*' a refit that "
            "failed its convergence checks. A shift well inside the grey band is small next to "
            "the forecast's own uncertainty."))
        + table_html(table, numeric=[c for c in table.columns if c.startswith("shift")],
                     css_class="compact", cell_class=classes)
    )
    if widened:
        out += f'<p class="note">The groups widened: {widened}.</p>'
    return out


def page_sensitivity(data: ReportData) -> Section:
    """Section 5: the refit sensitivity, beside section 4's no-refit tornado.

    Parameters
    ----------
    data : ReportData

    Returns
    -------
    Section
    """
    return Section(5, TITLES[4], sensitivity_html(data))


# ----------------------------------------------------------------------------- page 6


def page_priors(data: ReportData) -> Section:
    t = data.technique_table
    rows = []
    for r in t.itertuples():
        post = r.posterior_median is not None and np.isfinite(r.posterior_median)
        rows.append({
            "technique": data.names.get(r.id, r.id),
            "axis": r.axis.replace("params_total", "total params").replace("params_active", "active params")
                          .replace("memory_bytes", "weight bytes"),
            "prior median": f"{r.prior_median:.2f}",
            "prior 90%": f"{r.prior_interval90[0]:.2f}-{r.prior_interval90[1]:.2f}",
            "posterior median": f"{r.posterior_median:.2f}" if post else "prior only",
            "posterior 90%": (f"{r.posterior_interval90[0]:.2f}-{r.posterior_interval90[1]:.2f}"
                              if post else "-"),
            "90% width narrowed": f"{r.narrowing:.0%}" if post else "-",
        })
    body = (
        figure_html(F.priors_figure(data.priors, data.technique_samples, t, data.names), (
            "Each technique's multiplier (x fewer parameters for the same capability, on the axis "
            "its prior file states): prior density per decade (blue, 90% interval shaded, median "
            "dashed; mixture-of-experts also shows its total-parameter effect in red) and the "
            "posterior density from the fit's draws (black dashed). 'Narrowed' compares the "
            "widths of the 90% intervals in log space."))
        + table_html(pd.DataFrame(rows), numeric=["prior median", "posterior median", "90% width narrowed"],
                     css_class="compact")
        + '<p class="note"><b>Not updated by the registry (priors only):</b> '
        + "; ".join(f"{esc(r.quantity)}: median {esc(r.median)}, 90% {esc(r.interval90)}"
                    + ("" if r.used == "yes" else f" ({esc(r.used)})")
                    for r in data.engine_priors.itertuples())
        + ". Future techniques drive the forecast beyond the data: their arrival rate is the prior "
        "updated by the introduction dates in the prior files (not by the registry); their size "
        "distribution is pooled with the fitted techniques.</p>"
    )
    return Section(6, TITLES[5], body)


# ----------------------------------------------------------------------------- page 7


def page_adoption(data: ReportData) -> Section:
    from forecast.report.content import first_majority  # deferred: imports xarray and SciPy (about 1 s)

    x = first_majority(data.adoption_curves, "multimodal")
    mm = data.adoption_shares[data.adoption_shares["id"] == "multimodal"]
    recent = mm[mm["n"] >= 5].tail(1)
    lead = ("<p>The second “L”: the seed thread expects “Language” models to give way to "
            "multimodal ones. ")
    if x is not None:
        lead += f"The fitted median share of multimodal releases passes one half in <b>{x:.1f}</b>"
    else:
        lead += "The fitted median share of multimodal releases stays below one half in this window"
    if len(recent):
        r = recent.iloc[0]
        lead += (f"; in the registry, {r['share']:.0%} of the {int(r['n'])} models released in the "
                 f"half-year from {r['year'] - 0.25:.1f} with a known indicator are multimodal")
    lead += ".</p>"
    body = lead + figure_html(
        F.adoption_figure(data.adoption_curves, data.adoption_shares, data.names,
                          decimal_year(data.as_of), decimal_year(data.data_end)),
        ("Posterior adoption share A_k(t) = max_k logistic(speed_k (t - mid_k)) among registry "
         "releases (line: median; band: 80%), fitted to the registry's technique indicators; circles: "
         "the registry's share per half-year among models with a known indicator (area grows with "
         "their number). Solid line: as-of date; dashed: data end. The share is among all scored and "
         "listed releases, not only frontier models."))
    return Section(7, TITLES[6], body)


# ----------------------------------------------------------------------------- page 8


def _interval(ci: list | None, fmt: str = "{:.2f}") -> str:
    return "" if not ci else f" [{fmt.format(ci[0])}, {fmt.format(ci[1])}]"


def _score(v: float | None, fmt: str = "{:.2f}", ci: list | None = None) -> str:
    """A backtest score with its interval, "-" when missing or not finite."""
    return "-" if v is None or not np.isfinite(v) else fmt.format(v) + _interval(ci, fmt)


def backtest_html(data: ReportData) -> str:
    from forecast.report.content import (backtest_scorecard, data_end_reliability,  # deferred: xarray, SciPy
                                         scored_summary, skill_rows)

    if data.backtest is None:
        return ('<div class="notice"><b>The backtest was not run for this report.</b> '
                + esc(data.backtest_note or "No backtest results were given.")
                + " Nothing on this page is estimated in its place.</div>")
    s, recomputed = scored_summary(data.backtest)
    card = backtest_scorecard(data.backtest, s)
    rel = data_end_reliability(s)
    ci_pct = f"{round(100 * (s.get('bootstrap') or {}).get('ci', 0.95))}%"
    num = _score
    rows = []
    for _, r in card.iterrows():
        rows.append({
            "rank": r["rank"], "method": r["method"],
            "reached / censored": f"{r['n_reached'] if r['n_reached'] is not None else '-'} / "
                                  f"{r['n_censored'] if r['n_censored'] is not None else '-'}",
            "50% cov.": num(r["dec0.5"]),
            "80% cov. [bounds]": num(r["dec0.8"], ci=r["dec0.8_bounds"]),
            "90% cov.": num(r["dec0.9"]),
            "CRPS reached, yr": num(r["crps_reached"], "{:.3f}"),
            "CRPS censored, yr": num(r["crps_censored"], "{:.3f}"),
            f"CRPS all, yr [{ci_pct} CI]": num(r["crps"], "{:.3f}", r["crps_ci"]),
            f"Brier by data end [{ci_pct} CI]": num(r["brier_end"], "{:.3f}", r["brier_end_ci"]),
        })
    frame = pd.DataFrame(rows)
    method, skill = skill_rows(s)
    overall = skill[skill["cutoff"] == "all"]
    skill_frame = pd.DataFrame([{
        "baseline": k["baseline"], "rows": k["n"],
        f"CRPS diff, yr [{ci_pct} CI]": num(k["crps_diff"], "{:.3f}", k["crps_diff_ci"]),
        "reached": num(k["crps_diff_reached"], "{:.3f}"),
        "censored": num(k["crps_diff_censored"], "{:.3f}"),
        f"Brier skill [{ci_pct} CI]": num(k["brier_skill"], "{:.2f}", k["brier_skill_ci"]),
    } for _, k in overall.iterrows()])
    source = f'<p class="note">{esc(data.backtest_note)}</p>' if data.backtest_note else ""
    if recomputed:
        source += ('<p class="note">The saved summary predates the decided/censored split, so those '
                   "scores were recomputed here from backtest_rows.csv"
                   + (" (P(first crossing by the data's end) rebuilt from the saved quantiles)"
                      if s.get("p_by_data_end_source") == "quantiles" else "") + ".</p>")
    deciding = s.get("deciding_releases") or {}
    body = (
        source
        + backtest_fits_banner(s)
        + f"<p>{s['n_events']} scored (cutoff, event) pairs over cutoffs {', '.join(s['cutoffs'])}: "
        f"{s['n_reached']} reached, {s['n_censored']} censored at the data's end. The reached pairs "
        f"were decided by {deciding.get('n_models', s['realising_models']['n'])} distinct models released on "
        f"{deciding.get('n_release_dates', '?')} distinct dates, so the independent evidence is far "
        "smaller than the number of pairs. Coverage counts only rows whose outcome decides it; the "
        "bounds are the coverage of all rows with every undecided censored row a miss and with every "
        "one covered. CRPS is in years, apart on reached rows and on censored rows (where forecast "
        "and outcome are clipped at the data's end, so a forecast of \u201cnot before then\u201d "
        "scores 0). The Brier score is of P(first crossing by the data's end), which every row "
        "decides, so it charges the probability given to crossings that did not come. Ranked by mean "
        f"CRPS on the {s['n_common']} rows every method scored (lower is better); intervals from a "
        "bootstrap over cutoffs and events together.</p>"
        + table_html(frame, numeric=[c for c in frame.columns if c not in ("method",)], css_class="compact")
        + figure_html(F.backtest_figure(card, rel, s), (
            "(a) Share of decided outcomes inside the central 50/80/90% intervals; the bars span the "
            "bounds on all rows that the censored rows allow (undecided rows as misses, as covered); "
            "the dotted diagonal is perfect calibration. (b) Reliability of the forecast probability "
            "of a first crossing by the data's end: rows binned by that probability, against how "
            "often the crossing came (every row counts; marker area grows with the rows in a bin). "
            "(c) PIT histograms (the forecast's own probability that the event comes by the date it "
            "came); flat at 1 is calibrated, a peak at the right means events came later than "
            "forecast (or not by the data's end), a peak at the left that they came earlier."))
    )
    if method is not None and not overall.empty:
        body += (
            f"<h3>Skill of {esc(method)} against each baseline</h3>"
            f"<p>On the rows both scored: the mean CRPS difference ({esc(method)} minus the baseline; "
            f"negative: {esc(method)} is better), also on reached and on censored rows alone, and the "
            f"Brier skill of P(first crossing by the data's end), 1 - Brier({esc(method)}) / "
            "Brier(baseline) (positive: better). The intervals resample cutoffs and events "
            "independently and take the rows in their product (docs/methods.md).</p>"
            + table_html(skill_frame, numeric=[c for c in skill_frame.columns if c != "baseline"], css_class="compact")
            + figure_html(F.skill_figure(skill, method, list(card["method"])), (
                f"Per cutoff, {esc(method)} against each baseline, with {ci_pct} intervals from "
                "resampling that cutoff's events: (a) the CRPS difference in years (below the dotted "
                "line: better); (b) the Brier skill of P(first crossing by the data's end) (above: "
                "better)."))
        )
    return body + hindsight_html(data, card)


def hindsight_html(data: ReportData, dated: pd.DataFrame) -> str:
    """The dated backtest beside the same backtest with today's priors (with hindsight), per
    method: decided 80% coverage, CRPS on reached, censored and all rows, and the Brier score
    by the data's end; or a note that the hindsight run is missing."""
    from forecast.report.content import backtest_scorecard, scored_summary  # deferred: xarray, SciPy

    if data.hindsight is None:
        return ("<p class=\"note\">The backtest with today's priors (with hindsight) was not run for "
                "this report: `forecast backtest --priors-as-of today --out reports/backtest-hindsight` "
                "writes it.</p>")
    s, _ = scored_summary(data.hindsight)
    late = backtest_scorecard(data.hindsight, s).set_index("method")
    rows = []
    for _, r in dated.iterrows():
        h = late.loc[r["method"]] if r["method"] in late.index else None
        row = {"method": r["method"]}
        for label, key, fmt in (("80% cov.", "dec0.8", "{:.2f}"), ("CRPS reached", "crps_reached", "{:.3f}"),
                                ("CRPS censored", "crps_censored", "{:.3f}"), ("CRPS all", "crps", "{:.3f}"),
                                ("Brier by data end", "brier_end", "{:.3f}")):
            row[label] = _score(r[key], fmt) + " / " + ("-" if h is None else _score(h[key], fmt))
        rows.append(row)
    frame = pd.DataFrame(rows)
    return (
        "<h3>Dated priors against today's priors (with hindsight)</h3>"
        "<p>Each cell: the dated backtest above (the headline: priors from the evidence published by "
        "each cutoff) / the same backtest with the prior files as they stand today, whose evidence "
        "partly postdates the cutoffs. Where the two differ, the later evidence was worth that much "
        "to the forecasts; the dated number is what a forecaster could have had.</p>"
        + table_html(frame, numeric=[c for c in frame.columns if c != "method"], css_class="compact")
    )


def _forecast_cell(v: dict[str, Any] | None) -> str:
    """One seed-check forecast: median, 80% interval and P(by the deadline), or why there is none."""
    if not v:
        return "-"
    head = f"as of {v.get('as_of', '?')}: "
    reached = v.get("already_reached_by")
    if reached:
        return head + f"already reached by {reached.get('name', reached.get('model_id', '?'))} ({reached.get('date', '?')})"
    q = v.get("quantiles") or {}
    if q.get("0.5") is None and v.get("p_by_deadline") is None:
        return head + str(v.get("note", "no forecast"))
    out = (head + f"median {month(q.get('0.5'))}, 80% {month(q.get('0.1'))} to {month(q.get('0.9'))}, "
           f"P(by deadline) {prob(v.get('p_by_deadline'))}")
    share = v.get("share_at_deadline")
    if share:
        out += f"; share at the deadline {share[1]:.0%} (80% {share[0]:.0%}-{share[2]:.0%})"
    return out


def _happened_cell(h: dict[str, Any] | None) -> str:
    if not h:
        return "-"
    names = [m.get("name", m.get("model_id", "?")) if isinstance(m, dict) else str(m) for m in h.get("models", [])]
    listed = ", ".join(names[:3]) + (" ..." if len(names) > 3 else "")
    if "share_in_year_to_deadline" in h:
        share = h["share_in_year_to_deadline"]
        out = (f"{share:.0%} of {h.get('n_releases', '?')} releases in the year to the deadline were "
               "multimodal" if share == share else "no releases with a known indicator")
        last = h.get("share_in_last_year_of_data")
        if last is not None:
            out += f"; {last:.0%} in the data's last year"
        return out
    if h.get("reached"):
        return f"yes, first on {h.get('date', '?')}" + (f": {listed}" if listed else "")
    return "not in the registry"


def seed_check_html(data: ReportData) -> str:
    sc = data.seed_check
    if sc is None:
        return ('<div class="notice"><b>The seed check was not run for this report.</b> '
                + esc(data.seed_check_note or "")
                + " No forecast as of the thread's date is shown in its place.</div>")
    rows = [{"claim": c.get("claim", c.get("id", "")), "forecast then": _forecast_cell(c.get("then")),
             "forecast now": _forecast_cell(c.get("now")), "what happened": _happened_cell(c.get("happened")),
             "verdict": c.get("verdict", "")} for c in sc.get("claims", [])]
    out = (f"<p>The thread of {esc(sc.get('thread_date', '?'))} bet that both \u201cL\u201ds of "
           "\u201clarge language model\u201d go within about two years. Each claim as forecast then (a fit "
           "on what was known at the thread's date, with the techniques introduced by then), as "
           "forecast now, and what the registry shows.</p>"
           + table_html(pd.DataFrame(rows), css_class="compact"))
    fits = [(k, v["diagnostics"]) for k, v in (sc.get("fits") or {}).items()
            if isinstance(v, dict) and isinstance(v.get("diagnostics"), dict) and "ok" in v["diagnostics"]]
    if fits:
        def num(v: Any, fmt: str) -> str:
            return fmt.format(v) if isinstance(v, (int, float)) and v == v else "-"

        parts = []
        for k, v in fits:
            status = ('<span class="pass">pass</span>' if v["ok"] else '<span class="fail">FAIL</span>')
            detail = (f"R-hat max {num(v.get('rhat_max'), '{:.3f}')}, bulk ESS min "
                      f"{num(v.get('ess_bulk_min'), '{:.0f}')}, {num(v.get('divergences'), '{:.0f}')} divergences")
            if not v["ok"]:
                detail += " (" + esc("; ".join(v.get("problems", []))) + ")"
            parts.append(f"<b>{esc(k)}</b> {status}: {detail}")
        out += '<p class="note">Convergence of the two fits: ' + "; ".join(parts) + ".</p>"
    return out


def page_backtest(data: ReportData) -> Section:
    body = ("<h2>Backtest: forecasts made at past cutoffs, scored on what happened</h2>"
            + backtest_html(data) + "<h2>The seed check</h2>" + seed_check_html(data))
    return Section(8, TITLES[7], body)


# ----------------------------------------------------------------------------- page 9


def page_diagnostics(data: ReportData) -> Section:
    d = data.diagnostics
    table = data.diagnostics_table
    classes = {(i, "status"): ("pass" if s == "pass" else "fail") for i, s in enumerate(table["status"])}
    status = ("<p><b>All sampler checks pass.</b></p>" if d.get("ok", True) else banner(d))
    fmt = {c: data.predictive[c].map(lambda v: f"{v:.2f}")
           for c in ("coverage_50", "coverage_90", "loo_50", "loo_90") if c in data.predictive}
    names = {"coverage_50": "in-sample 50%", "coverage_90": "in-sample 90%",
             "loo_50": "leave-one-out 50%", "loo_90": "leave-one-out 90%"}
    pred = data.predictive.assign(**fmt).rename(columns=names)
    loo_note = (
        " The leave-one-out columns ask the same of each score's predictive distribution given all "
        "the other scores (PSIS-LOO-PIT, Vehtari, Gelman & Gabry 2017, arXiv:1507.04544: the share "
        "of PIT values in [0.25, 0.75] and [0.05, 0.95]). The in-sample check replicates a score "
        "from a posterior that has seen it, so a model known from one score is covered too often "
        "even when the model is right; the leave-one-out shares are the calibration to read"
        + (f" (Pareto k-hat above 0.7, where the approximation is unreliable, for "
           f"{data.loo_khat:.1%} of the scores)." if data.loo_khat == data.loo_khat else ".")
    ) if "loo_50" in data.predictive else ""
    body = (
        status
        + f"<p>Sampler: {esc(d.get('sampler', ''))}, {d['chains']} chains x {d['draws']} draws, "
        f"{d['seconds']:.0f} s of sampling. Thresholds: Vehtari et al. 2021 (arXiv:1903.08008) for "
        "R-hat and ESS; Betancourt 2016 (arXiv:1604.00695) for E-BFMI.</p>"
        + table_html(table, numeric=["value", "required"], cell_class=classes)
        + "<h2>Posterior predictive coverage of the observed scores</h2>"
        + '<p class="note">Share of the registry\'s scores inside their posterior predictive 50% and '
        "90% intervals (replicated scores with the fitted measurement noise and benchmark spread). "
        "Well calibrated is near 0.50 and 0.90; higher means the model is too uncertain about the "
        "scores, lower that it is too sure." + loo_note + "</p>"
        + figure_html(F.predictive_figure(data.predictive), "Posterior predictive coverage by "
                      "benchmark and by source (independent harness vs self-reported).")
        + table_html(pred, numeric=["n", *[names[c] for c in fmt]], css_class="compact")
        + quality_tails_html(data.quality_tails)
        + ceilings_html(data.ceilings)
    )
    return Section(9, TITLES[8], body)


def quality_tails_html(tails: dict) -> str:
    """The quality-tail check (`forecast.model.quality_check.quality_tail_check`) as a paragraph."""
    from forecast.model.quality_check import (  # deferred: imports xarray
        QUALITY_TAIL_P, UPPER_Z, flagged, quality_tail_summary)

    flag = ' class="warn"' if flagged(tails) else ""
    return (
        "<h2>Shape of the per-model quality term</h2>"
        f"<p{flag}>{esc(quality_tail_summary(tails))}</p>"
        '<p class="note">A realised-discrepancy check (Gelman, Meng &amp; Stern 1996): each '
        "posterior draw's quality residuals of the models the scores pin down, divided by the "
        "fitted quality sd, against as many standard normal draws, by the count above "
        f"+{UPPER_Z:g} sd (flagged when p &lt; {QUALITY_TAIL_P:g}) and by the excess kurtosis of "
        "both tails. The projection's "
        "first crossing comes from the best of many releases, so a quality term with a heavier "
        "upper tail than its normal prior makes an early small model likelier than the "
        "forecasts say.</p>"
    )


def ceilings_html(ceilings: pd.DataFrame) -> str:
    """The links' ceilings, prior against posterior, next to the best registry score."""
    if ceilings.empty:
        return ""
    above = ceilings.loc[ceilings["above the posterior's 95%"] == "yes", "benchmark"].tolist()
    return (
        '<div class="keep"><h2>Benchmark ceilings: the highest score each link can give</h2>'
        '<p class="note">1 - e for each fitted benchmark (median and 90% interval), under the link '
        "prior and after the fit, and the best score in the registry (median of a model's reported "
        "scores; models of unknown size count here but are not in the fit). In a posterior draw "
        "whose ceiling lies at or below a target score no release ever reaches it, so such a "
        "target's forecast is \"not before the horizon\" in that share of the draws; "
        "<code>forecast when</code> and <code>size</code> say so in a note."
        + (f" The best score lies above the posterior's 95% bound for: {esc(', '.join(above))}; "
           "there the fitted ceiling is set by the shape of the curve below it, not by scores at "
           "the top." if above else "")
        + "</p>"
        + table_html(ceilings, css_class="compact")
        + "</div>"
    )


# ----------------------------------------------------------------------------- page 10


def page_data(data: ReportData) -> Section:
    year = data.data_by_year.rename(columns={
        "with_size": "with size", "in_fit": "in the fit", "scores_independent": "scores (independent)",
        "scores_self_reported": "scores (self-reported)"})
    body = (
        f"<p>The registry as of {data.as_of}: every model released by then, the scores the fit uses "
        f"(scores up to {data.data_end}), and where they come from. A model enters the fit with a "
        "known size and a score on a fitted benchmark.</p>"
        "<h2>Models and scores per release year</h2>"
        + table_html(year, numeric=[c for c in year.columns if c != "year"], css_class="compact",
                     group_starts={len(year) - 1})
        + '<div class="two-col"><div class="wide"><h2>Scores per benchmark</h2>'
        + table_html(data.data_by_benchmark.rename(columns={"self_reported": "self-reported",
                                                            "observations": "scores"}),
                     numeric=["scores", "models", "independent", "self-reported"], css_class="compact")
        + "</div><div><h2>Scores per source and protocol</h2>"
        + table_html(data.source_protocol, numeric=["scores"], css_class="compact")
        + "</div></div>"
        + "<h2>Provenance</h2>"
        + key_value_html(data.provenance)
    )
    return Section(10, TITLES[9], body)


PAGES = (page_headline, page_fan, page_tilting, page_attribution, page_sensitivity, page_priors,
         page_adoption, page_backtest, page_diagnostics, page_data)


def all_sections(data: ReportData) -> list[Section]:
    return [page(data) for page in PAGES]
