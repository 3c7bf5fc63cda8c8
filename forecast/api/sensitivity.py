"""Refit sensitivity: each technique's prior removed or widened, the engine refitted, the headline
questions answered again and compared with the unmodified fit.

`sensitivity_specs` lists the refits as plain dicts; `forecast.api.engine.sensitivity_task`
runs one (it builds its own `forecast.Engine`, so it runs in this process or as a Dask task on a
worker); `sensitivity_frame` turns their results into one tidy row per technique x variant x
question. `forecast.Engine.sensitivity` runs them with any ordered map.

The variants:

- ``removed``: the technique's prior taken out (`PriorSet.without`), so the model is refitted
  without its term;
- ``widened``: its multiplier prior's equal-tailed 90% interval made twice as wide in log10
  space around the same median (`widened_prior`), set with `PriorSet.replace`;
- ``group``: one refit per group of engine priors (`GROUPS`, named in place of a technique),
  each prior of the group widened by `widened_prior` at once:

  - ``drift``: the long-run rate of the unnamed drift, ``engine.drift.rate`` (a lognormal in
    log10 parameters per year), twice its log-sd around the same median. The drift's
    ``spread`` and ``persistence`` (a beta) are left as they are: the spread bounds the
    year-to-year wobble, not the rate a forecast extends;
  - ``releases``: the release process, ``engine.releases.log_rate`` and
    ``engine.releases.growth_per_year`` (both normals), each twice its sd around the same
    median;
  - ``links``: the benchmark links' default ``engine.links.slope`` (a lognormal) and
    ``engine.links.midpoint`` (a normal), and every benchmark override's slope and midpoint
    that the priors hold as a distribution (``engine.links.<benchmark>.slope``, ``.midpoint``;
    in the shipped ``_engine.toml`` those of mmlu and mmlu_pro), by the same rule. The ceiling
    losses are left as they are (betas on (0, 1): doubling a log10 interval around their
    median would not keep them below 1, and the ceilings rest on the best released scores),
    and so are fixed values (point masses: the link family, ``upper_slope_ratio``), which
    have no interval to widen.

  Widening a group asks how much the answers lean on those engine priors being as tight as
  they are; removing one is not offered, since the model needs every one of them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from forecast.core.errors import UserError
from forecast.inputs.dates import year_to_date
from forecast.inputs.priors import PriorSet, load_priors
from forecast.inputs.priors.distributions import Dist

VARIANTS = ("removed", "widened", "group")
# the groups of engine priors the `group` variant widens, each with the override names it sets
# (`PriorSet.replace`); ``*`` stands for every benchmark override of the links that holds that
# entry as a distribution (`group_prior_names`)
GROUPS = {
    "drift": ("engine.drift.rate",),
    "releases": ("engine.releases.log_rate", "engine.releases.growth_per_year"),
    "links": ("engine.links.slope", "engine.links.midpoint", "engine.links.*.slope",
              "engine.links.*.midpoint"),
}
# the headline questions: `when` each target is met within each total-parameter budget
DEFAULT_QUESTIONS = ({"target": "mmlu=0.70", "params": "1B"}, {"target": "mmlu=0.80", "params": "7B"})
DAYS_PER_YEAR = 365.25
# the interval reported per question: the 10% and 90% quantiles (the central 80%)
LEVELS = (0.1, 0.5, 0.9)


def widened_prior(dist: Dist) -> Dist:
    """`dist` with its equal-tailed 90% interval twice as wide around the same median.

    For a lognormal (every shipped technique multiplier) the log-sd is doubled, so the interval
    is twice as wide in log10 space; for a normal the sd is doubled (twice as wide on its own
    scale). Another positive family is refitted (`Dist.fit`) to the same median and the interval
    [m (lo/m)^2, m (hi/m)^2], which is twice as wide in log10 space.

    Parameters
    ----------
    dist : Dist
        A prior.

    Returns
    -------
    Dist

    Raises
    ------
    UserError
        For a point mass, or when the family cannot match the widened quantiles.
    """
    if dist.distribution in ("lognormal", "normal"):
        params = dict(dist.params)
        return Dist.from_params(dist.distribution, {"mu": params["mu"], "sigma": 2.0 * params["sigma"]})
    if dist.distribution == "fixed":
        raise UserError("a point-mass prior cannot be widened", key="variant")
    m = dist.median
    lo, hi = dist.interval90
    if not (m > 0 and lo > 0):
        raise UserError(f"a {dist.distribution} prior with non-positive quantiles cannot be widened "
                        "in log10 space", key="variant")
    return Dist.fit(dist.distribution, median=m, interval90=[m * (lo / m) ** 2, m * (hi / m) ** 2])


def known_techniques(priors: PriorSet, as_of: date | str) -> list[str]:
    """The ids of the techniques a fit as of `as_of` holds (`PriorSet.introduced_by`).

    Parameters
    ----------
    priors : PriorSet
    as_of : date or str

    Returns
    -------
    list of str
    """
    return list(priors.introduced_by(as_of).techniques)


def modified_priors(priors: PriorSet, as_of: date | str, technique: str | None,
                    variant: str) -> tuple[PriorSet, dict[str, Any] | None]:
    """The prior set of one refit, and the prior it changed.

    Parameters
    ----------
    priors : PriorSet
        The unmodified set.
    as_of : date or str
        The fit's as-of date (the techniques known then can be changed).
    technique : str or None
        A technique id, or a group name (`GROUPS`) for ``group``; None for the base fit.
    variant : str
        ``base``, ``removed``, ``widened`` or ``group``.

    Returns
    -------
    PriorSet
        The modified set (`priors` itself for ``base``).
    dict or None
        For ``widened``: the prior's ``name``, ``before`` and ``after`` as {distribution,
        median, interval90}. For ``group``: ``name`` (the group's dotted names joined by
        commas) and ``priors`` (a list of {name, before, after}, one per widened prior), with
        ``before`` and ``after`` as well when the group widened one prior. None otherwise.

    Raises
    ------
    UserError
        For an unknown technique, group or variant.
    """
    if variant == "base":
        return priors, None
    if variant == "group":
        overrides = group_overrides(priors, str(technique or ""))
        changed = [{"name": name, "before": _dist_dict(priors.engine.value(name.split(".", 1)[1])),
                    "after": _dist_dict(new)} for name, new in overrides.items()]
        record: dict[str, Any] = {"name": ",".join(overrides), "priors": changed}
        if len(changed) == 1:  # one prior: its numbers stand for the group in the frame
            record |= {"before": changed[0]["before"], "after": changed[0]["after"]}
        return priors.replace(overrides), record
    check_variants([variant])
    known = priors.introduced_by(as_of)
    check_techniques([technique or ""], list(known.techniques))
    if variant == "removed":
        return priors.without(str(technique)), None
    tech = known[str(technique)]
    if tech.earlier_form:
        raise UserError(f"technique '{technique}' is known at {as_of} only in its earlier form; its "
                        "widened variant is not run", key="technique")
    new = widened_prior(tech.multiplier)
    name = f"techniques.{technique}.multiplier"
    return priors.replace({name: new}), {"name": name, "before": _dist_dict(tech.multiplier),
                                         "after": _dist_dict(new)}


def _dist_dict(dist: Dist) -> dict[str, Any]:
    return {"distribution": dist.distribution, "median": float(dist.median),
            "interval90": [float(dist.interval90[0]), float(dist.interval90[1])]}


def check_techniques(ids: Iterable[str], known: Sequence[str]) -> None:
    """Raise `UserError` (key ``technique``) naming the first id not in `known`, with the known ids.

    Parameters
    ----------
    ids : iterable of str
    known : sequence of str

    Returns
    -------
    None
    """
    for i in ids:
        if i not in known:
            raise UserError(f"unknown technique '{i}' (known at the as-of date: {', '.join(known)})",
                            key="technique")


def check_variants(variants: Iterable[str]) -> None:
    """Raise `UserError` (key ``variant``) naming the first variant not in `VARIANTS`.

    Parameters
    ----------
    variants : iterable of str

    Returns
    -------
    None
    """
    for v in variants:
        if v not in VARIANTS:
            raise UserError(f"unknown variant '{v}' (known: {', '.join(VARIANTS)})", key="variant")


def check_groups(groups: Iterable[str]) -> None:
    """Raise `UserError` (key ``technique``) naming the first group not in `GROUPS`, with the
    known groups.

    Parameters
    ----------
    groups : iterable of str

    Returns
    -------
    None
    """
    for g in groups:
        if g not in GROUPS:
            raise UserError(f"unknown group '{g}' (known: {', '.join(GROUPS)})", key="technique")


def group_prior_names(priors: PriorSet, group: str) -> list[str]:
    """The dotted override names (`PriorSet.replace`) a group widens in `priors`.

    A ``*`` in a `GROUPS` pattern (``engine.links.*.slope``) stands for each benchmark with a
    ``[links.<benchmark>]`` table in the priors whose entry is a distribution, in the order of
    the benchmarks' names: an override that is absent falls back to the default link prior,
    which the group widens already, and a fixed value has no interval to widen.

    Parameters
    ----------
    priors : PriorSet
    group : str
        A key of `GROUPS`.

    Returns
    -------
    list of str
        E.g. for ``links`` on the shipped priors: engine.links.slope, engine.links.midpoint,
        engine.links.mmlu.slope, engine.links.mmlu_pro.slope, engine.links.mmlu.midpoint,
        engine.links.mmlu_pro.midpoint.

    Raises
    ------
    UserError
        For an unknown group.
    """
    check_groups([group])
    names: list[str] = []
    for pattern in GROUPS[group]:
        if "*" not in pattern:
            names.append(pattern)
            continue
        head, tail = pattern.split("*")
        for bench, link in sorted(priors.engine.links.benchmarks.items()):
            entry = getattr(link, tail.strip("."))
            if isinstance(entry, Dist) and entry.distribution != "fixed":
                names.append(f"{head}{bench}{tail}")
    return names


def group_overrides(priors: PriorSet, group: str) -> dict[str, Dist]:
    """The widened priors of one group refit: each of `group_prior_names` through
    `widened_prior` (normal and lognormal priors: twice the sd, or log-sd, around the same
    median), ready for `PriorSet.replace`.

    Parameters
    ----------
    priors : PriorSet
        The unmodified set.
    group : str
        A key of `GROUPS`.

    Returns
    -------
    dict of str to Dist
        Dotted name -> widened prior, in the order of `group_prior_names`.

    Raises
    ------
    UserError
        For an unknown group, or an entry that cannot be widened (a point mass at a name the
        group always widens).
    """
    return {name: widened_prior(priors.engine.value(name.split(".", 1)[1]))
            for name in group_prior_names(priors, group)}


def normalise_questions(questions: Sequence[Mapping[str, Any]] | None) -> list[dict[str, Any]]:
    """The questions as ``{"target", "params", "label"}`` dicts (default `DEFAULT_QUESTIONS`).

    Parameters
    ----------
    questions : sequence of mapping or None
        Each with ``target`` (a target string) and ``params`` (a total-parameter budget).

    Returns
    -------
    list of dict

    Raises
    ------
    UserError
        When a question lacks its target or budget, or none is given.
    """
    out = []
    for q in (DEFAULT_QUESTIONS if questions is None else questions):
        if not q.get("target") or q.get("params") in (None, ""):
            raise UserError("each question needs a target and a total-parameter budget", key="target")
        out.append({"target": str(q["target"]), "params": str(q["params"]),
                    "label": f"{q['target']} within {q['params']}"})
    if not out:
        raise UserError("give at least one question", key="target")
    return out


def sensitivity_specs(data: str | Path | None, priors: str | Path | PriorSet | None, as_of: date,
                      seed: int, draws: int, tune: int | None, techniques: Sequence[str],
                      variants: Sequence[str], questions: Sequence[Mapping[str, Any]] | None = None,
                      use_cache: bool = True) -> list[dict[str, Any]]:
    """The refits of a sweep as plain dicts for `forecast.api.engine.sensitivity_task`: the base
    fit first, then each technique x variant (``removed``, ``widened``), then each group
    (`GROUPS`) when ``group`` is among `variants`.

    A technique known at `as_of` only in its earlier form (`Technique.known_before`) gets no
    ``widened`` refit. Each group's widened priors are built here once (`group_overrides`), so
    a group that cannot be widened is refused before any fit starts.

    Parameters
    ----------
    data : str or Path or None
        The registry folder (None: the shipped one).
    priors : str or Path or PriorSet or None
        The priors folder (None: the shipped one), or a prior set.
    as_of : date
        The fits' as-of date.
    seed, draws : int
        Seed and posterior draws per chain of every fit.
    tune : int or None
        Tuning steps per chain (None: the fit's default).
    techniques : sequence of str
        Technique ids, checked against those known at `as_of`.
    variants : sequence of str
        Among `VARIANTS`.
    questions : sequence of mapping or None
        `normalise_questions`'s input.
    use_cache : bool
        Load and store the fits in the fit cache.

    Returns
    -------
    list of dict
        Keys data, priors, as_of (ISO), seed, draws, tune, technique, variant, questions, use_cache.
    """
    check_variants(variants)
    prior_set = priors if isinstance(priors, PriorSet) else load_priors(priors)
    known = prior_set.introduced_by(as_of)
    check_techniques(techniques, list(known.techniques))
    qs = normalise_questions(questions)
    plain_priors = priors if isinstance(priors, PriorSet) else (None if priors is None else str(priors))
    common = {"data": None if data is None else str(data), "priors": plain_priors,
              "as_of": as_of.isoformat(), "seed": int(seed), "draws": int(draws),
              "tune": None if tune is None else int(tune), "questions": qs, "use_cache": use_cache}
    specs = [common | {"technique": None, "variant": "base"}]
    for tech in techniques:
        for variant in ("removed", "widened"):
            if variant not in variants or (variant == "widened" and known[tech].earlier_form):
                continue
            specs.append(common | {"technique": tech, "variant": variant})
    if "group" in variants:
        for g in GROUPS:
            group_overrides(prior_set, g)  # a group that cannot be widened fails before any fit
            specs.append(common | {"technique": g, "variant": "group"})
    return specs


def _iso(year: float | None) -> str | None:
    return None if year is None else year_to_date(year).isoformat()


def _shift(value: float | None, base: float | None) -> float:
    if value is None or base is None:
        return float("nan")
    return (value - base) * DAYS_PER_YEAR


FRAME_COLUMNS = ("technique", "variant", "question", "target", "params", "q10", "median", "q90",
                 "q10_date", "median_date", "q90_date", "base_q10", "base_median", "base_q90",
                 "q10_shift_days", "median_shift_days", "q90_shift_days", "prior", "prior_median",
                 "prior_q05", "prior_q95", "fit_ok")


def sensitivity_frame(results: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    """One tidy row per technique x variant x question, from
    `forecast.api.engine.sensitivity_task`'s results.

    Parameters
    ----------
    results : sequence of dict
        The base fit's result first, then the refits'.

    Returns
    -------
    pandas.DataFrame
        Columns `FRAME_COLUMNS`: the quantiles (10%, 50%, 90%) as decimal years (NaN: not before
        the horizon) and ISO dates (None), the base fit's, the shifts from it in days (NaN when
        either side is past the horizon), the changed prior's name, median and 90% interval
        (widened and group variants; else None/NaN; a group of several priors gives their names
        joined by commas and NaN numbers, since no one median stands for them) and whether the
        refit passed its checks.
    """
    base, rest = results[0], results[1:]
    if base["variant"] != "base":
        raise ValueError("the first result must be the base fit's")
    base_years = {a["question"]: a["years"] for a in base["answers"]}
    rows = []
    for r in rest:
        prior = r.get("prior") or {}
        after = prior.get("after") or {}
        lo, hi = after.get("interval90", [np.nan, np.nan])
        for a in r["answers"]:
            b = base_years[a["question"]]
            y = a["years"]
            nan = lambda v: np.nan if v is None else v  # noqa: E731
            rows.append({
                "technique": r["technique"], "variant": r["variant"], "question": a["question"],
                "target": a["target"], "params": a["params"],
                "q10": nan(y[0]), "median": nan(y[1]), "q90": nan(y[2]),
                "q10_date": _iso(y[0]), "median_date": _iso(y[1]), "q90_date": _iso(y[2]),
                "base_q10": nan(b[0]), "base_median": nan(b[1]), "base_q90": nan(b[2]),
                "q10_shift_days": _shift(y[0], b[0]), "median_shift_days": _shift(y[1], b[1]),
                "q90_shift_days": _shift(y[2], b[2]),
                "prior": prior.get("name"), "prior_median": after.get("median", np.nan),
                "prior_q05": lo, "prior_q95": hi, "fit_ok": bool(r["diagnostics"].get("ok", False)),
            })
    return pd.DataFrame(rows, columns=list(FRAME_COLUMNS))
