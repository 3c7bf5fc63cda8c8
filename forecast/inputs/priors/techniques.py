"""Efficiency techniques: `Technique` and its parts, parsed from one `priors/<id>.toml` each.

A technique's multiplier m > 1 means a plain dense 2020-recipe baseline (trained at about 20
tokens per parameter) needs m times more of the file's `axis` for the same capability:

    params_total   total (stored) parameters
    params_active  parameters used per token (mixture-of-experts)
    memory_bytes   weight bytes versus BF16 (quantization)
    tokens         training tokens

The model works with beta = log10 m. `Technique.log10_prior` gives (mean, sd) of log10 m; for the
default lognormal prior with natural-log parameters (mu, sigma) that is exactly
(mu / ln 10, sigma / ln 10).

Data curation, distillation and over-training partly share their gains (phi, Gemma 2 and Llama 3
each used several at once, so the evidence cannot split the credit cleanly). A technique file
states each such overlap in `[[overlaps]]` with `treatment = "correlated"` and a log-space
correlation `rho`; `PriorSet.correlation(ids)` returns the matrix the model uses for a
multivariate-normal prior on the log10 multipliers (a Gaussian copula for non-lognormal
families). `treatment = "net_of"` records that the multiplier was converted net of the other
technique's gain, so the two multiply independently.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from forecast.core.errors import UserError
from forecast.inputs.priors.distributions import DIST_KEYS, Dist, dist_from_table
from forecast.inputs.priors.families import FIT_TOLERANCE, SCALE_FAMILIES
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

AXES = ("params_total", "params_active", "memory_bytes", "tokens")
OVERLAP_TREATMENTS = ("correlated", "net_of")


@dataclass(frozen=True)
class Evidence:
    """One piece of evidence: citation (authors year, arXiv id, table or figure), what it found,
    how it was converted to the file's axis, and `published`, the first public date of the cited
    work (arXiv v1, model card or blog post; for an entry that needs several works, the latest of
    them), which `PriorSet.measured_by` compares with a date."""

    cite: str
    finding: str
    conversion: str
    published: date

    def to_dict(self) -> dict[str, str]:
        """The entry as JSON-ready values (`published` as an ISO date)."""
        return {"cite": self.cite, "finding": self.finding, "conversion": self.conversion,
                "published": self.published.isoformat()}


@dataclass(frozen=True)
class Overlap:
    """A gain shared with another technique. `rho` is the log-space correlation when
    `treatment == "correlated"`; `"net_of"` means this multiplier was stated net of the other."""

    with_id: str
    treatment: str
    rho: float | None
    note: str


@dataclass(frozen=True)
class EarlierLaw:
    """The token effect as it was known before the over-training technique's `introduced` date:
    the loss law published on `published` (Kaplan et al. 2020's L(N, D), the only form so far)
    with its constants, and the prior of the multiplier at the technique's `reference_tpp` that
    this law implies (`multiplier`), which stands in for the technique's own prior in fits as of
    dates from `published` to the day before `introduced` (`PriorSet.introduced_by`)."""

    published: date
    cite: str
    N_c: float
    D_c: float
    alpha_N: float
    alpha_D: float
    multiplier: Dist
    judgement: bool

    def law(self, reference_tpp: float) -> Any:
        """The law as a `forecast.inputs.scaling_law.KaplanLaw` referenced to `reference_tpp`."""
        from forecast.inputs.scaling_law import KaplanLaw  # deferred: it imports SciPy, which a warm load avoids

        return KaplanLaw(N_c=self.N_c, D_c=self.D_c, alpha_N=self.alpha_N, alpha_D=self.alpha_D,
                         reference_tpp=reference_tpp)


@dataclass(frozen=True)
class Technique:
    """One technique's prior, as written in `priors/<id>.toml`.

    Special fields: `reference_sparsity` (mixture-of-experts: the multiplier is on active
    parameters at this total/active ratio); `reference_tpp` (over-training: the multiplier is at
    this many tokens per parameter versus the compute-optimal ratio); `bits` (quantization:
    parameter-axis retention per weight bit width, so the byte multiplier at b bits is
    retention(b) * 16 / b); `before` (over-training: the law known before `introduced`, see
    `EarlierLaw`). `earlier_form` marks a technique that `PriorSet.introduced_by` replaced by its
    `before` form: its multiplier is that law's, and its token effect reads that law's curve.
    `unmeasured` marks a technique that `PriorSet.measured_by` gave the engine's prior for a
    technique not yet measured, because every evidence entry of its file was published after
    the date asked for.
    """

    id: str
    name: str
    axis: str
    introduced: date
    introduced_in: str
    indicator: str
    multiplier: Dist
    judgement: bool
    adoption: str
    evidence: tuple[Evidence, ...]
    overlaps: tuple[Overlap, ...] = ()
    reference_sparsity: float | None = None
    reference_tpp: float | None = None
    bits: Mapping[int, Dist] | None = None
    file: Path | None = None
    before: EarlierLaw | None = None
    earlier_form: bool = False
    unmeasured: bool = False

    def __hash__(self) -> int:
        return hash((self.id, self.multiplier, self.earlier_form, self.unmeasured))

    @property
    def first_published(self) -> date:
        """The earliest `Evidence.published` date of the file's evidence."""
        return min(e.published for e in self.evidence)

    def measured_by(self, when: date) -> bool:
        """Whether at least one evidence entry was published on or before `when`."""
        return self.first_published <= when

    @property
    def can_stand_unmeasured(self) -> bool:
        """Whether the engine's prior for a technique not yet measured can stand in for this
        technique's prior: it is a multiplier on total parameters of a 0/1 indicator, as future
        techniques are. Over-training (read through a loss law), mixture-of-experts (on active
        parameters) and quantization (on weight bytes) are not."""
        return self.axis == "params_total" and self.indicator != "training_tokens"

    def known_before(self) -> Technique:
        """The technique as known between `before.published` and `introduced`: the earlier
        law's multiplier prior, introduced on the law's publication date."""
        if self.before is None:
            raise ValueError(f"technique {self.id!r} has no earlier law")
        return dataclasses.replace(
            self, multiplier=self.before.multiplier, judgement=self.before.judgement,
            introduced=self.before.published, introduced_in=self.before.cite, earlier_form=True,
            unmeasured=False,
        )

    def as_unmeasured(self, multiplier: Dist) -> Technique:
        """The technique with `multiplier` (the engine's prior for a technique not yet measured,
        `forecast.inputs.priors.TechniquePopulationPriors.unmeasured_multiplier`) in place of its
        own prior, marked `unmeasured`; its evidence is kept for display."""
        return dataclasses.replace(self, multiplier=multiplier, judgement=True, unmeasured=True)

    @property
    def log10_prior(self) -> tuple[float, float]:
        """(mean, sd) of log10 of the multiplier on the file's axis."""
        return self.multiplier.log10_moments()

    @property
    def kappa_prior(self) -> tuple[float, float] | None:
        """Mixture-of-experts elasticity kappa = ln m / ln s_ref as (mean, sd); None otherwise.

        A MoE with sparsity s is worth a dense model of active * s**kappa parameters.
        """
        if self.reference_sparsity is None:
            return None
        mean, sd = self.log10_prior
        denom = math.log10(self.reference_sparsity)
        return mean / denom, sd / denom

    @property
    def total_multiplier(self) -> Dist | None:
        """Mixture-of-experts: the multiplier on total parameters at the reference sparsity,
        s**(kappa - 1) = m / s; None for other techniques."""
        if self.reference_sparsity is None:
            return None
        return self.multiplier.scaled(1.0 / self.reference_sparsity)

    def retention(self, bits: int) -> Dist:
        """Quantization: parameter-axis retention at `bits` bits per weight."""
        if not self.bits or bits not in self.bits:
            known = sorted(self.bits) if self.bits else []
            raise UserError(f"no retention prior at {bits} bits (known: {known})", key=f"{self.id}.bits")
        return self.bits[bits]

    def to_dict(self) -> dict[str, Any]:
        """The technique as JSON-ready values, with the derived priors (log10, kappa, total effect)."""
        out: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "axis": self.axis,
            "introduced": self.introduced.isoformat(),
            "introduced_in": self.introduced_in,
            "indicator": self.indicator,
            "multiplier": self.multiplier.to_dict(),
            "log10_prior": list(self.log10_prior),
            "judgement": self.judgement,
            "adoption": self.adoption,
            "evidence": [e.to_dict() for e in self.evidence],
            "overlaps": [
                {"with": o.with_id, "treatment": o.treatment, "rho": o.rho, "note": o.note} for o in self.overlaps
            ],
        }
        if self.reference_sparsity is not None:
            out["reference_sparsity"] = self.reference_sparsity
            out["total_multiplier"] = self.total_multiplier.to_dict()
            out["kappa_prior"] = list(self.kappa_prior)
        if self.reference_tpp is not None:
            out["reference_tpp"] = self.reference_tpp
        if self.bits is not None:
            out["bits"] = {str(b): d.to_dict() for b, d in sorted(self.bits.items())}
        if self.before is not None:
            b = self.before
            out["before_introduction"] = {
                "published": b.published.isoformat(), "cite": b.cite, "law": "kaplan", "N_c": b.N_c,
                "D_c": b.D_c, "alpha_N": b.alpha_N, "alpha_D": b.alpha_D,
                "multiplier": b.multiplier.to_dict(), "judgement": b.judgement,
            }
        if self.earlier_form:
            out["earlier_form"] = True
        if self.unmeasured:
            out["unmeasured"] = True
        return out


_TECHNIQUE_KEYS = (
    "id", "name", "axis", "introduced", "introduced_in", "indicator", "adoption", "multiplier",
    "evidence", "overlaps", "reference_sparsity", "total_effect", "reference_tpp", "bits",
    "before_introduction",
)
_BEFORE_KEYS = ("published", "cite", "law", "N_c", "D_c", "alpha_N", "alpha_D", "multiplier", "reasoning")
_MULTIPLIER_KEYS = DIST_KEYS + ("judgement", "note", "value")


def parse_technique(data: Mapping[str, Any], file: Path) -> Technique:
    """One technique file, validated.

    Parameters
    ----------
    data : Mapping
        The parsed TOML of `priors/<id>.toml`.
    file : Path
        The file, named in errors and kept in `Technique.file`.

    Returns
    -------
    Technique

    Raises
    ------
    UserError
        Naming the file and key of the first problem found.
    """
    check_keys(data, _TECHNIQUE_KEYS, file, "")
    tid, axis, indicator = _read_identity(data, file)
    mult_table, judgement = _multiplier_table(data, file, "")
    multiplier = dist_from_table(mult_table, file=file, key="multiplier", positive=True)
    evidence = _parse_evidence(data.get("evidence"), file)
    overlaps = _parse_overlaps(data.get("overlaps", []), tid, file)
    sparsity = _read_sparsity(data, axis, multiplier, file)

    tpp = read_number(data["reference_tpp"], file, "reference_tpp") if "reference_tpp" in data else None
    if tpp is not None and not tpp > 0:
        raise UserError("reference_tpp must be positive", file=file, key="reference_tpp")
    bits = _parse_bits(data["bits"], multiplier, file) if "bits" in data else None
    if (axis == "memory_bytes") != (bits is not None):
        raise UserError("a [bits] table is required exactly when axis = 'memory_bytes'", file=file, key="bits")

    introduced = read_file_date(require_key(data, "introduced", file, ""), "introduced", file)
    before = None
    if "before_introduction" in data:
        if indicator != "training_tokens":
            raise UserError("[before_introduction] is only for the over-training technique "
                            "(indicator = 'training_tokens')", file=file, key="before_introduction")
        before = _parse_before(data["before_introduction"], introduced, file)

    return Technique(
        id=tid,
        name=read_string(require_key(data, "name", file, ""), file, "name"),
        axis=axis,
        introduced=introduced,
        introduced_in=read_string(require_key(data, "introduced_in", file, ""), file, "introduced_in"),
        indicator=indicator,
        multiplier=multiplier,
        judgement=judgement,
        adoption=read_string(require_key(data, "adoption", file, ""), file, "adoption"),
        evidence=evidence,
        overlaps=overlaps,
        reference_sparsity=sparsity,
        reference_tpp=tpp,
        bits=bits,
        file=file,
        before=before,
    )


def _read_identity(data: Mapping[str, Any], file: Path) -> tuple[str, str, str]:
    """(id, axis, indicator) of a technique file."""
    tid = read_string(require_key(data, "id", file, ""), file, "id")
    if not ID_RE.match(tid):
        raise UserError("id must be lower-case letters, digits and '_', starting with a letter", file=file, key="id")
    axis = read_string(require_key(data, "axis", file, ""), file, "axis")
    if axis not in AXES:
        raise UserError(f"unknown axis '{axis}' (known: {', '.join(AXES)})", file=file, key="axis")
    indicator = read_string(require_key(data, "indicator", file, ""), file, "indicator")
    if not ID_RE.match(indicator):
        raise UserError("indicator must name a registry column (lower-case identifier)", file=file, key="indicator")
    return tid, axis, indicator


def _multiplier_table(parent: Mapping[str, Any], file: Path, prefix: str) -> tuple[Mapping[str, Any], bool]:
    """The `[multiplier]` table under `prefix` (checked keys and note) and its judgement flag."""
    key = join_key(prefix, "multiplier")
    table = read_table(require_key(parent, "multiplier", file, prefix), file, key)
    check_keys(table, _MULTIPLIER_KEYS, file, key)
    judgement = read_bool(require_key(table, "judgement", file, key), file, f"{key}.judgement")
    if "note" in table:
        read_string(table["note"], file, f"{key}.note")
    return table, judgement


def _read_sparsity(data: Mapping[str, Any], axis: str, multiplier: Dist, file: Path) -> float | None:
    """Mixture-of-experts: `reference_sparsity`, with its `total_effect` checked; None otherwise."""
    if ("reference_sparsity" in data or axis == "memory_bytes") and multiplier.distribution not in SCALE_FAMILIES:
        raise UserError(f"this technique needs a scale family ({', '.join(SCALE_FAMILIES)}) so its other-axis "
                        "effect can be derived", file=file, key="multiplier.distribution")
    sparsity = None
    if "reference_sparsity" in data:
        sparsity = read_number(data["reference_sparsity"], file, "reference_sparsity")
    if sparsity is not None and not sparsity > 1:
        raise UserError("reference_sparsity (total/active) must be above 1", file=file, key="reference_sparsity")
    if (axis == "params_active") != (sparsity is not None):
        raise UserError("reference_sparsity is required exactly when axis = 'params_active'",
                        file=file, key="reference_sparsity")
    if ("total_effect" in data) != (sparsity is not None):
        raise UserError("total_effect is required exactly when reference_sparsity is given", file=file,
                        key="total_effect")
    if sparsity is not None:
        _check_total_effect(data["total_effect"], multiplier, sparsity, file)
    return sparsity


def _parse_before(raw: Any, introduced: date, file: Path) -> EarlierLaw:
    """The [before_introduction] table of the over-training file (`EarlierLaw`)."""
    prefix = "before_introduction"
    table = read_table(raw, file, prefix)
    check_keys(table, _BEFORE_KEYS, file, prefix)
    law = read_string(require_key(table, "law", file, prefix), file, f"{prefix}.law")
    if law != "kaplan":
        raise UserError(f"unknown law '{law}' (known: kaplan)", file=file, key=f"{prefix}.law")
    published = read_file_date(require_key(table, "published", file, prefix), f"{prefix}.published", file)
    if not published < introduced:
        raise UserError(f"published ({published}) must be before introduced ({introduced})",
                        file=file, key=f"{prefix}.published")
    constants = {}
    for key in ("N_c", "D_c", "alpha_N", "alpha_D"):
        constants[key] = read_number(require_key(table, key, file, prefix), file, f"{prefix}.{key}")
        if not constants[key] > 0:
            raise UserError("must be positive", file=file, key=f"{prefix}.{key}")
    if "reasoning" in table:
        read_string(table["reasoning"], file, f"{prefix}.reasoning")
    mult, judgement = _multiplier_table(table, file, prefix)
    return EarlierLaw(
        published=published,
        cite=read_string(require_key(table, "cite", file, prefix), file, f"{prefix}.cite"),
        multiplier=dist_from_table(mult, file=file, key=f"{prefix}.multiplier", positive=True),
        judgement=judgement,
        **constants,
    )


def _parse_evidence(raw: Any, file: Path) -> tuple[Evidence, ...]:
    """The [[evidence]] entries: cite, finding and conversion (text) and published (a date)."""
    if not isinstance(raw, list) or not raw:
        raise UserError("missing citation: at least one [[evidence]] entry is required", file=file, key="evidence")
    out = []
    for i, entry in enumerate(raw, start=1):
        key = f"evidence[{i}]"
        entry = read_table(entry, file, key)
        check_keys(entry, ("cite", "finding", "conversion", "published"), file, key)
        cite, finding, conversion = (read_string(require_key(entry, k, file, key), file, f"{key}.{k}")
                                     for k in ("cite", "finding", "conversion"))
        published = read_file_date(require_key(entry, "published", file, key), f"{key}.published", file)
        out.append(Evidence(cite, finding, conversion, published))
    return tuple(out)


def _parse_overlaps(raw: Any, tid: str, file: Path) -> tuple[Overlap, ...]:
    if not isinstance(raw, list):
        raise UserError("expected a list of [[overlaps]] tables", file=file, key="overlaps")
    out = []
    seen = set()
    for i, entry in enumerate(raw, start=1):
        key = f"overlaps[{i}]"
        entry = read_table(entry, file, key)
        check_keys(entry, ("with", "treatment", "rho", "note"), file, key)
        other = read_string(require_key(entry, "with", file, key), file, f"{key}.with")
        if other == tid or other in seen:
            raise UserError("an overlap names this technique or repeats one", file=file, key=f"{key}.with")
        seen.add(other)
        treatment = read_string(require_key(entry, "treatment", file, key), file, f"{key}.treatment")
        if treatment not in OVERLAP_TREATMENTS:
            raise UserError(f"unknown treatment '{treatment}' (known: {', '.join(OVERLAP_TREATMENTS)})",
                            file=file, key=f"{key}.treatment")
        rho = None
        if treatment == "correlated":
            rho = read_number(require_key(entry, "rho", file, key), file, f"{key}.rho")
            if not -1 < rho < 1:
                raise UserError("rho must lie strictly between -1 and 1", file=file, key=f"{key}.rho")
        elif "rho" in entry:
            raise UserError("rho applies only to treatment = 'correlated'", file=file, key=f"{key}.rho")
        note = read_string(require_key(entry, "note", file, key), file, f"{key}.note")
        out.append(Overlap(other, treatment, rho, note))
    return tuple(out)


def _same(a: float, b: float) -> bool:
    return abs(a - b) <= FIT_TOLERANCE * max(abs(a), abs(b))


def _check_total_effect(raw: Any, multiplier: Dist, sparsity: float, file: Path) -> None:
    """The stated total-parameter effect must equal multiplier / reference_sparsity."""
    table = read_table(raw, file, "total_effect")
    check_keys(table, ("median", "interval90", "note"), file, "total_effect")
    median = read_number(require_key(table, "median", file, "total_effect"), file, "total_effect.median")
    interval = require_key(table, "interval90", file, "total_effect")
    if not isinstance(interval, list) or len(interval) != 2:
        raise UserError("expected a list of two numbers [low, high]", file=file, key="total_effect.interval90")
    lo, hi = (read_number(v, file, "total_effect.interval90") for v in interval)
    read_string(require_key(table, "note", file, "total_effect"), file, "total_effect.note")
    want = multiplier.scaled(1.0 / sparsity)
    if not _same(median, want.median):
        raise UserError(f"must equal multiplier median / reference_sparsity = {want.median:.4g}",
                        file=file, key="total_effect.median")
    if not (_same(lo, want.interval90[0]) and _same(hi, want.interval90[1])):
        raise UserError(f"must equal multiplier interval / reference_sparsity = "
                        f"[{want.interval90[0]:.4g}, {want.interval90[1]:.4g}]", file=file, key="total_effect.interval90")


def _parse_bits(raw: Any, multiplier: Dist, file: Path) -> dict[int, Dist]:
    """Retention per bit width; the 4-bit entry must equal the byte multiplier * 4 / 16."""
    table = read_table(raw, file, "bits")
    read_citation(table, file, "bits")
    out: dict[int, Dist] = {}
    for k, v in table.items():
        if k in ("cite", "judgement", "note"):
            if k == "note":
                read_string(v, file, "bits.note")
            continue
        if not k.isdigit() or not 1 <= int(k) <= 16:
            raise UserError("bit widths must be integers from 1 to 16", file=file, key=f"bits.{k}")
        entry = read_table(v, file, f"bits.{k}")
        check_keys(entry, DIST_KEYS, file, f"bits.{k}")
        out[int(k)] = dist_from_table(entry, file=file, key=f"bits.{k}", positive=True)
    if 4 not in out:
        raise UserError("the [bits] table needs a 4-bit entry (= byte multiplier * 4 / 16)", file=file, key="bits.4")
    want = multiplier.scaled(4.0 / 16.0)
    got = out[4]
    if not (_same(got.median, want.median) and all(_same(a, b) for a, b in zip(got.interval90, want.interval90))):
        raise UserError(
            f"the 4-bit retention must equal the byte multiplier * 4/16 = {want.median:.4g} "
            f"[{want.interval90[0]:.4g}, {want.interval90[1]:.4g}]", file=file, key="bits.4",
        )
    out[4] = want  # exact, so a multiplier override keeps the two consistent
    return dict(sorted(out.items()))
