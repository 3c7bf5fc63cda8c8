"""Engine-level priors: the typed sections of `priors/_engine.toml` and their parsing.

The sections are drift, future arrivals, the size of future techniques, saturation, the frontier
terms, the release process, the token law, observation noise and benchmark links. Each is a frozen
dataclass whose fields say how an entry is read: a `Dist` field is a distribution table, a `float`
field a `{value = ...}` table, and `bool`, `str` and `date` fields plain values; field metadata
marks entries that must be positive (`_POSITIVE`, `_NONZERO`) or lie in (0, 1) (`_UNIT`). Every
number states a citation (`cite`) or `judgement = true`, kept in `EnginePriors.sources`.

A distribution entry whose evidence became public at a known date says so: ``published`` (the
first public date of what it cites) and ``before`` (the entry, with its own citation, that a fit
as of an earlier date starts from), kept in `EnginePriors.dated`; `EnginePriors.as_of` applies
them (`forecast.inputs.priors.PriorSet.measured_by`, the backtest's dated priors).
"""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from forecast.core.errors import UserError
from forecast.inputs.priors.distributions import DIST_KEYS, Dist, dist_from_table
from forecast.inputs.priors.families import FAMILIES
from forecast.inputs.priors.toml_values import (
    ID_RE,
    check_keys,
    join_key,
    read_bool,
    read_citation,
    read_file_date,
    read_number,
    read_string,
    read_table,
    require_key,
)

LINK_FAMILIES = ("logistic", "gumbel")

_POSITIVE = {"positive": True}
_NONZERO = {"positive": True, "nonzero": True}  # a fixed value must be > 0, not only >= 0
_UNIT = {"unit": True}  # strictly between 0 and 1


@dataclass(frozen=True)
class DriftPriors:
    """Residual drift of unnamed improvements, log10 baseline-equivalent parameters per year:
    positive yearly slopes whose logs form a stationary AR(1) around the log of the long-run
    `rate` (> 0), with sd `spread` (natural-log units) around it and year-to-year persistence
    `persistence` (0 < phi < 1)."""

    rate: Dist = field(metadata=_POSITIVE)
    spread: Dist = field(metadata=_POSITIVE)
    persistence: Dist = field(metadata=_UNIT)
    reasoning: str = ""


@dataclass(frozen=True)
class ArrivalPriors:
    """Future technique arrivals (per year) and the lag from introduction to adoption (years)."""

    rate: Dist = field(metadata=_POSITIVE)
    adoption_lag_years: Dist = field(metadata=_POSITIVE)
    reasoning: str = ""


@dataclass(frozen=True)
class TechniquePopulationPriors:
    """Size of future techniques: log10 multiplier ~ Normal(mean, spread)."""

    mean: Dist
    spread: Dist = field(metadata=_POSITIVE)
    reasoning: str = ""

    def unmeasured_multiplier(self) -> Dist:
        """The prior of one technique not yet measured, on total parameters: the lognormal whose
        log10 has the mean and variance of log10 m = mean + spread * Z, with mean, spread and
        Z ~ Normal(0, 1) drawn independently (the size a future arrival draws):
        E = E[mean], Var = Var[mean] + E[spread^2]. The model reads a technique's prior only as
        the mean and sd of its log10, so these two moments are all of it that enters a fit.

        Returns
        -------
        Dist
        """
        m_mean, m_var = self.mean.mean_var()
        s_mean, s_var = self.spread.mean_var()
        return Dist.lognormal_log10(m_mean, (m_var + s_var + s_mean ** 2) ** 0.5)


@dataclass(frozen=True)
class SaturationPriors:
    """Optional ceiling on further total gain (log10 params beyond the as-of date)."""

    enabled: bool
    ceiling: Dist = field(metadata=_POSITIVE)
    reasoning: str = ""


@dataclass(frozen=True)
class FrontierPriors:
    """Per-model quality term sd and organisation-effect sd, log10 params."""

    quality_sd: Dist = field(metadata=_POSITIVE)
    org_sd: Dist = field(metadata=_POSITIVE)
    reasoning: str = ""


@dataclass(frozen=True)
class ReleasePriors:
    """Release process: ln growth of the monthly release rate per year, and ln releases per month
    per log10 size band. `reference_date` records when the `log_rate` number was read off the
    registry; the model applies the prior at its fitted models' mean release date (t_ref), so a
    fit as of an earlier date is not told the later rate."""

    growth_per_year: Dist
    log_rate: Dist
    reference_date: date
    reasoning: str = ""


@dataclass(frozen=True)
class TokenPriors:
    """Chinchilla law L(N, D) = E + A/N^alpha + B/D^beta (Besiroglu et al. 2024 refit),
    the compute-optimal tokens per parameter, and the trend used to impute missing token counts
    (log10 tokens per parameter per year)."""

    E: float = field(metadata=_POSITIVE)
    A: float = field(metadata=_POSITIVE)
    B: float = field(metadata=_POSITIVE)
    alpha: float = field(metadata=_POSITIVE)
    beta: float = field(metadata=_POSITIVE)
    reference_tpp: float = field(metadata=_POSITIVE)
    impute_trend: Dist
    reasoning: str = ""

    @property
    def compute_exponent(self) -> float:
        """a = beta / (alpha + beta): on the compute-optimal frontier a compute-equivalent gain g
        is worth a parameter multiplier g**a."""
        return self.beta / (self.alpha + self.beta)

    def law(self) -> Any:
        """The loss law as a `forecast.inputs.scaling_law.ChinchillaLaw`."""
        from forecast.inputs.scaling_law import ChinchillaLaw  # deferred: it imports SciPy, which a warm load avoids

        return ChinchillaLaw(E=self.E, A=self.A, B=self.B, alpha=self.alpha, beta=self.beta,
                             reference_tpp=self.reference_tpp)


@dataclass(frozen=True)
class ObservationPriors:
    """Observation noise (score units) and protocol effects (logit units)."""

    noise_sd: Dist = field(metadata=_POSITIVE)
    protocol_effect_sd: Dist = field(metadata=_POSITIVE)
    benchmark_spread: Dist = field(metadata=_POSITIVE)
    reasoning: str = ""


@dataclass(frozen=True)
class Link:
    """Benchmark link p = c + (1 - c - e) * F(h(slope * (theta - midpoint))), e = ceiling_loss,
    with F the logistic function or the Gumbel CDF exp(-exp(-z)) (`family`) and h the stretch
    z + (r - 1) softplus(z) with r = upper_slope_ratio (None: r = 1, no stretch)."""

    slope: Dist
    midpoint: Dist
    ceiling_loss: Dist
    family: str
    upper_slope_ratio: Dist | None = None


@dataclass(frozen=True)
class BenchmarkLink:
    """Per-benchmark overrides of the default link priors (absent entries use the default)."""

    slope: Dist | None = field(default=None, metadata=_POSITIVE)
    midpoint: Dist | None = None
    ceiling_loss: Dist | None = field(default=None, metadata=_POSITIVE)
    family: str | None = None
    upper_slope_ratio: Dist | None = field(default=None, metadata=_NONZERO)
    reasoning: str = ""


@dataclass(frozen=True)
class LinkPriors:
    """Default benchmark-link priors and per-benchmark overrides (`[links.<benchmark>]`)."""

    slope: Dist = field(metadata=_POSITIVE)
    midpoint: Dist
    ceiling_loss: Dist = field(metadata=_POSITIVE)
    family: str
    upper_slope_ratio: Dist | None = field(default=None, metadata=_NONZERO)
    reasoning: str = ""
    benchmarks: Mapping[str, BenchmarkLink] = field(default_factory=dict)

    def for_benchmark(self, name: str) -> Link:
        """The link priors for benchmark `name`: its overrides, else the defaults."""
        o = self.benchmarks.get(name, BenchmarkLink())
        return Link(
            o.slope or self.slope,
            o.midpoint or self.midpoint,
            o.ceiling_loss or self.ceiling_loss,
            o.family or self.family,
            o.upper_slope_ratio or self.upper_slope_ratio,
        )


@dataclass(frozen=True)
class Source:
    """Where an engine number comes from: a citation and/or a stated judgement."""

    cite: str | None
    judgement: bool


@dataclass(frozen=True)
class EnginePriors:
    """Typed access to `_engine.toml`; `sources` maps dotted names (e.g. 'drift.rate') to their
    citation or judgement flag."""

    drift: DriftPriors
    arrivals: ArrivalPriors
    technique_population: TechniquePopulationPriors
    saturation: SaturationPriors
    frontier: FrontierPriors
    releases: ReleasePriors
    tokens: TokenPriors
    observation: ObservationPriors
    links: LinkPriors
    sources: Mapping[str, Source] = field(default_factory=dict)
    # dotted name -> (published, the entry before that date) of the dated entries
    dated: Mapping[str, tuple[date, Dist]] = field(default_factory=dict)

    def superseded_by(self, when: date) -> list[str]:
        """The dotted names of the dated entries whose evidence was published after `when`.

        Parameters
        ----------
        when : date

        Returns
        -------
        list of str
        """
        return sorted(k for k, (published, _) in self.dated.items() if published > when)

    def value(self, dotted: str) -> Any:
        """The entry at a dotted name such as 'arrivals.rate' or 'links.mmlu.slope'."""
        parts = dotted.split(".")
        obj: Any = self
        for i, part in enumerate(parts):
            if isinstance(obj, LinkPriors) and part in obj.benchmarks:
                obj = obj.benchmarks[part]
                continue
            if not dataclasses.is_dataclass(obj) or part not in {f.name for f in dataclasses.fields(obj)} \
                    or part in ("sources", "benchmarks"):
                raise UserError("unknown engine entry", key="engine." + ".".join(parts[: i + 1]))
            obj = getattr(obj, part)
        return obj

    def to_dict(self) -> dict[str, Any]:
        """Every section as JSON-ready values, each entry with its citation or judgement flag."""
        out: dict[str, Any] = {}
        for section in ENGINE_SECTIONS:
            out[section] = section_to_dict(getattr(self, section), section, self.sources, self.dated)
        return out


ENGINE_SECTIONS: dict[str, type] = {
    "drift": DriftPriors,
    "arrivals": ArrivalPriors,
    "technique_population": TechniquePopulationPriors,
    "saturation": SaturationPriors,
    "frontier": FrontierPriors,
    "releases": ReleasePriors,
    "tokens": TokenPriors,
    "observation": ObservationPriors,
    "links": LinkPriors,
}


def section_to_dict(obj: Any, prefix: str, sources: Mapping[str, Source],
                    dated: Mapping[str, tuple[date, Dist]] | None = None) -> dict[str, Any]:
    """One engine section (or benchmark override) as JSON-ready values with their sources (and,
    for a dated entry, its `published` date and the entry `before` it)."""
    dated = dated or {}
    out: dict[str, Any] = {}
    for f in dataclasses.fields(obj):
        v = getattr(obj, f.name)
        name = f"{prefix}.{f.name}"
        if f.name == "benchmarks":
            out[f.name] = {b: section_to_dict(link, f"{prefix}.{b}", sources, dated)
                           for b, link in v.items()}
        elif isinstance(v, Dist):
            src = sources.get(name)
            out[f.name] = v.to_dict() | ({"cite": src.cite, "judgement": src.judgement} if src else {})
            if name in dated:
                published, before = dated[name]
                src = sources.get(name + ".before")
                out[f.name] |= {"published": published.isoformat(), "before": before.to_dict() | (
                    {"cite": src.cite, "judgement": src.judgement} if src else {})}
        elif isinstance(v, date):
            out[f.name] = v.isoformat()
        elif v is not None:
            src = sources.get(name)
            cited = src and not isinstance(v, (bool, str))
            out[f.name] = {"value": v, "cite": src.cite, "judgement": src.judgement} if cited else v
    return out


def field_kinds(cls: type) -> dict[str, tuple[type, bool]]:
    """field name -> (base type, optional) from the dataclass's annotations."""
    hints = typing.get_type_hints(cls)
    out = {}
    for f in dataclasses.fields(cls):
        t = hints[f.name]
        args = typing.get_args(t)
        optional = type(None) in args
        base = next((a for a in args if a is not type(None)), t) if args and optional else t
        out[f.name] = (base, optional)
    return out


def _read_dist(entry: Mapping[str, Any], meta: Mapping[str, Any], file: Path, key: str,
               sources: dict[str, Source]) -> Dist:
    """A distribution table (or fixed value) with its citation, checked against the field's
    metadata (`_POSITIVE`, `_NONZERO`, `_UNIT`)."""
    if "note" in entry:
        read_string(entry["note"], file, join_key(key, "note"))
    sources[key] = Source(*read_citation(entry, file, key))
    table = {k: v for k, v in entry.items() if k not in ("published", "before")}
    dist = dist_from_table(table, file=file, key=key, positive=False)
    if meta.get("positive"):
        check_nonnegative(dist, file, key)
    if meta.get("unit"):
        check_unit(dist, file, key)
    if meta.get("nonzero") and dist.distribution == "fixed" and not dist.median > 0:
        raise UserError("this entry must be positive", file=file, key=join_key(key, "value"))
    return dist


def check_nonnegative(dist: Dist, file: Any, key: str) -> None:
    """A `_POSITIVE` entry: a family without negative values, or a point mass >= 0."""
    if FAMILIES[dist.distribution].support == "real" and dist.distribution != "fixed":
        raise UserError(f"this entry must be non-negative; the {dist.distribution} distribution allows "
                        "negative values", file=file, key=join_key(key, "distribution"))
    if dist.distribution == "fixed" and dist.median < 0:
        raise UserError("this entry must be non-negative", file=file, key=join_key(key, "value"))


def check_unit(dist: Dist, file: Any, key: str) -> None:
    """A `_UNIT` entry: the beta family, or a point mass strictly between 0 and 1."""
    if dist.distribution == "fixed":
        if not 0.0 < dist.median < 1.0:
            raise UserError("this entry must lie strictly between 0 and 1", file=file, key=join_key(key, "value"))
    elif FAMILIES[dist.distribution].support != "unit":
        raise UserError(f"this entry must lie strictly between 0 and 1; the {dist.distribution} "
                        "distribution allows other values (use beta)", file=file,
                        key=join_key(key, "distribution"))


def parse_engine(data: Mapping[str, Any], file: Path) -> EnginePriors:
    """The engine priors file, validated.

    Parameters
    ----------
    data : Mapping
        The parsed TOML of `priors/_engine.toml`.
    file : Path
        The file, named in errors.

    Returns
    -------
    EnginePriors

    Raises
    ------
    UserError
        Naming the file and key of the first problem found.
    """
    check_keys(data, ENGINE_SECTIONS, file, "")
    sources: dict[str, Source] = {}
    dated: dict[str, tuple[date, Dist]] = {}
    sections: dict[str, Any] = {}
    for name, cls in ENGINE_SECTIONS.items():
        table = read_table(require_key(data, name, file, ""), file, name)
        values, extras = _parse_section(cls, table, file, name, sources, dated,
                                        extra_tables=cls is LinkPriors)
        if cls is LinkPriors:
            values["benchmarks"] = _parse_benchmark_links(extras, file, sources, dated)
        sections[name] = cls(**values)
    return EnginePriors(**sections, sources=sources, dated=dated)


def _parse_benchmark_links(tables: Mapping[str, Any], file: Path, sources: dict[str, Source],
                           dated: dict[str, tuple[date, Dist]]) -> dict[str, BenchmarkLink]:
    """The `[links.<benchmark>]` override tables, by benchmark name."""
    benchmarks = {}
    for bench, sub in sorted(tables.items()):
        if not ID_RE.match(bench):
            raise UserError("benchmark names are lower-case identifiers", file=file, key=f"links.{bench}")
        bvalues, _ = _parse_section(BenchmarkLink, sub, file, f"links.{bench}", sources, dated)
        if not any(k in bvalues for k in ("slope", "midpoint", "ceiling_loss", "family",
                                          "upper_slope_ratio")):
            raise UserError("a benchmark override needs slope, midpoint, ceiling_loss, family "
                            "or upper_slope_ratio",
                            file=file, key=f"links.{bench}")
        benchmarks[bench] = BenchmarkLink(**bvalues)
    return benchmarks


def _parse_section(cls: type, table: Mapping[str, Any], file: Path, prefix: str,
                   sources: dict[str, Source], dated: dict[str, tuple[date, Dist]], *,
                   extra_tables: bool = False) -> tuple[dict[str, Any], dict[str, Any]]:
    """Parse one engine section into constructor arguments; unknown sub-tables are returned
    separately when `extra_tables` (benchmark overrides in [links])."""
    kinds = field_kinds(cls)
    meta = {f.name: f.metadata for f in dataclasses.fields(cls)}
    values: dict[str, Any] = {}
    extras: dict[str, Any] = {}
    for k, v in table.items():
        if k not in kinds or k == "benchmarks":
            if extra_tables and isinstance(v, dict) and k != "benchmarks":
                extras[k] = v
                continue
            allowed = ", ".join(sorted(n for n in kinds if n != "benchmarks"))
            raise UserError(f"unknown key (allowed: {allowed})", file=file, key=join_key(prefix, k))
    for name, (base, optional) in kinds.items():
        key = join_key(prefix, name)
        if name == "benchmarks":
            continue
        if name not in table:
            if name == "reasoning" and cls is BenchmarkLink:
                continue
            if optional:  # a `| None` field may be left out (e.g. upper_slope_ratio)
                continue
            raise UserError("missing required key", file=file, key=key)
        values[name] = _parse_entry(name, base, meta[name], table[name], file, key, sources, dated)
    return values, extras


def _parse_entry(name: str, base: type, meta: Mapping[str, Any], raw: Any, file: Path, key: str,
                 sources: dict[str, Source], dated: dict[str, tuple[date, Dist]]) -> Any:
    """One section entry read as its field's base type; a number's citation goes to `sources`,
    a distribution's `published` date and `before` entry to `dated`."""
    if base is str:
        text = read_string(raw, file, key)
        if name == "family" and text not in LINK_FAMILIES:
            raise UserError(f"unknown link family (known: {', '.join(LINK_FAMILIES)})",
                            file=file, key=key)
        return text
    if base is bool:
        return read_bool(raw, file, key)
    if base is date:
        return read_file_date(raw, key, file)
    if base is float:
        entry = read_table(raw, file, key)
        check_keys(entry, ("value", "cite", "judgement", "note"), file, key)
        value = read_number(require_key(entry, "value", file, key), file, join_key(key, "value"))
        if meta.get("positive") and not value > 0:
            raise UserError("must be positive", file=file, key=join_key(key, "value"))
        sources[key] = Source(*read_citation(entry, file, key))
        return value
    if base is Dist:
        entry = read_table(raw, file, key)
        check_keys(entry, DIST_KEYS + ("value", "cite", "judgement", "note", "published", "before"),
                   file, key)
        dist = _read_dist(entry, meta, file, key, sources)
        if ("published" in entry) != ("before" in entry):
            raise UserError("a dated entry needs both 'published' and 'before'", file=file,
                            key=join_key(key, "before" if "published" in entry else "published"))
        if "published" in entry:
            published = read_file_date(entry["published"], join_key(key, "published"), file)
            before = read_table(entry["before"], file, join_key(key, "before"))
            check_keys(before, DIST_KEYS + ("value", "cite", "judgement", "note"), file,
                       join_key(key, "before"))
            dated[key] = (published, _read_dist(before, meta, file, join_key(key, "before"), sources))
        return dist
    raise TypeError(f"unsupported engine field type {base!r}")  # pragma: no cover - schema error in this module
