"""`PriorSet`, all priors of one folder: loading, validation across files, overrides and hashing.

A priors folder holds one TOML file per efficiency technique (`<id>.toml`) and one `_engine.toml`
with the engine-level priors. Files are parsed with `tomllib` as data only; nothing in them is
executed. A set is hashed on what the model reads (`model_content_hash`), so fits cached under the
hash survive a corrected citation but not a changed number.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from forecast.core.errors import UserError
from forecast.core.io import sha256_bytes, sha256_files
from forecast.core.paths import default_priors_dir
from forecast.inputs.priors.distributions import DIST_KEYS, Dist, dist_from_table
from forecast.inputs.priors.engine_priors import (
    ENGINE_SECTIONS,
    BenchmarkLink,
    EnginePriors,
    check_nonnegative,
    check_unit,
    field_kinds,
    parse_engine,
)
from forecast.inputs.priors.quantile_fit import FIT_CACHE
from forecast.inputs.priors.techniques import Technique, parse_technique
from forecast.inputs.priors.toml_values import (
    check_keys,
    read_bool,
    read_file_date,
    read_number,
    read_table,
    read_toml,
)

ENGINE_FILE = "_engine.toml"


@dataclass(frozen=True)
class PriorSet:
    """All priors of one folder: techniques ordered by id, engine priors, folder and content hash
    (`model_content_hash`: numbers and structure, not prose)."""

    techniques: dict[str, Technique]
    engine: EnginePriors
    folder: Path
    sha256: str
    # the hash of what a posterior depends on: `sha256` without the `PROJECTION_ONLY_SECTIONS`
    fit_sha256: str = ""

    def __hash__(self) -> int:
        return hash(self.sha256)

    def __getitem__(self, technique_id: str) -> Technique:
        try:
            return self.techniques[technique_id]
        except KeyError:
            raise UserError(f"unknown technique (known: {', '.join(self.techniques)})", key=technique_id) from None

    def introduced_by(self, when: date | str) -> PriorSet:
        """Only the techniques introduced on or before `when` (later ones belong to future arrivals),
        except that a technique with an earlier law published by then (over-training: the token
        effect is a law of training, in force whatever the date) is kept in the form known then
        (`Technique.known_before`).

        `sha256` of a subset hashes the folder's hash with the dropped and the replaced ids, so fit
        caches keyed on it tell subsets apart; it is unchanged when nothing is dropped or replaced.

        Parameters
        ----------
        when : date or str
            The cutoff date (ISO text allowed).

        Returns
        -------
        PriorSet
        """
        cutoff = read_file_date(when, "as_of", None)
        kept = {}
        for k, t in self.techniques.items():
            if t.introduced <= cutoff:
                kept[k] = t
            elif t.before is not None and t.before.published <= cutoff:
                kept[k] = t.known_before()
        return self._subset(kept)

    def measured_by(self, when: date | str) -> PriorSet:
        """The priors as they could have been calibrated on `when` ("dated" priors): a technique
        whose every evidence entry was published after `when` (`Technique.measured_by`) takes
        the engine's prior for a technique not yet measured
        (`TechniquePopulationPriors.unmeasured_multiplier`, the size future arrivals draw from)
        in place of its own (`Technique.as_unmeasured`). A technique with at least one entry
        published by then keeps its prior as the files state it today, even where the later
        entries moved it. Only techniques that can stand unmeasured
        (`Technique.can_stand_unmeasured`: 0/1 indicators on total parameters) are replaced, and
        a technique in its earlier form (`introduced_by`) keeps that form's prior, which rests
        on the law published before it. Techniques introduced after `when` are left as they are:
        `introduced_by(when)`, which every fit applies after this, drops them (or puts
        over-training in its earlier form), so `priors.measured_by(d)` handed to a fit as of `d`
        gives the dated priors of that fit. Every dated engine entry (`EnginePriors.dated`) whose
        evidence was published after `when` takes its `before` entry.

        `sha256` and `fit_sha256` of the result hash the set's own with the replaced ids and the
        stand-in prior, so a fit cached under dated priors is never taken for one under today's
        (the stand-in comes from a projection-only section, which `fit_sha256` otherwise leaves
        out); both are unchanged, and the set itself returned, when nothing is replaced.

        Parameters
        ----------
        when : date or str
            The date the priors stand at (ISO text allowed).

        Returns
        -------
        PriorSet
        """
        replaced = self.unmeasured_by(when)
        superseded = self.engine.superseded_by(read_file_date(when, "as_of", None))
        if not replaced and not superseded:
            return self
        techniques, tag = dict(self.techniques), ""
        if replaced:
            stand_in = self.engine.technique_population.unmeasured_multiplier()
            techniques = {k: (t.as_unmeasured(stand_in) if k in replaced else t)
                          for k, t in self.techniques.items()}
            tag = "|unmeasured:" + ",".join(replaced) + "|" + json.dumps(stand_in.to_dict(), sort_keys=True)
        engine = self.engine
        for key in superseded:
            before = self.engine.dated[key][1]
            engine, _ = _override_engine(engine, key.split("."), before, "engine." + key)
            tag += f"|before:{key}|" + json.dumps(before.to_dict(), sort_keys=True)
        if superseded:
            sources = dict(engine.sources) | {k: engine.sources[k + ".before"] for k in superseded}
            engine = dataclasses.replace(
                engine, sources=sources, dated={k: v for k, v in engine.dated.items() if k not in superseded})
        return dataclasses.replace(
            self, techniques=techniques, engine=engine, sha256=sha256_bytes((self.sha256 + tag).encode()),
            fit_sha256=sha256_bytes((self.fit_sha256 + tag).encode()))

    def unmeasured_by(self, when: date | str) -> list[str]:
        """The ids of the techniques `measured_by(when)` gives the prior of a technique not yet
        measured: introduced by `when`, every evidence entry published after it, able to stand
        unmeasured, not in an earlier form and not already replaced; in the set's order.

        Parameters
        ----------
        when : date or str
            The date (ISO text allowed).

        Returns
        -------
        list of str
        """
        day = read_file_date(when, "as_of", None)
        return [k for k, t in self.techniques.items()
                if t.introduced <= day and not t.measured_by(day) and t.can_stand_unmeasured
                and not t.earlier_form and not t.unmeasured]

    def token_law(self) -> Any:
        """The loss law through which the token effect is read: the Kaplan et al. 2020 law when
        the set holds the over-training technique in its earlier form (a set `introduced_by` a
        date before Chinchilla), otherwise the Chinchilla law of the engine's [tokens] section.
        Both are `forecast.inputs.scaling_law.LossLaw`s referenced to its `reference_tpp`."""
        earlier = next((t for t in self.techniques.values() if t.earlier_form), None)
        if earlier is not None:
            return earlier.before.law(self.engine.tokens.reference_tpp)
        return self.engine.tokens.law()

    def without(self, ids: Iterable[str] | str) -> PriorSet:
        """The set without the named techniques (e.g. for a leave-one-out tornado).

        Parameters
        ----------
        ids : str or iterable of str
            Technique ids; an unknown id raises `UserError`.

        Returns
        -------
        PriorSet
        """
        ids = [ids] if isinstance(ids, str) else list(ids)
        for i in ids:
            self[i]  # raises UserError for an unknown id
        return self._subset({k: t for k, t in self.techniques.items() if k not in ids})

    def _subset(self, kept: dict[str, Technique]) -> PriorSet:
        """The set restricted to `kept`; the hash changes only if techniques were dropped or
        replaced by their earlier form."""
        dropped = sorted(set(self.techniques) - set(kept))
        earlier = sorted(k for k, t in kept.items() if t.earlier_form and not self.techniques[k].earlier_form)
        if not dropped and not earlier:
            return self
        tag = "|without:" + ",".join(dropped) + ("|earlier:" + ",".join(earlier) if earlier else "")
        digest = sha256_bytes((self.sha256 + tag).encode())
        fit_digest = sha256_bytes((self.fit_sha256 + tag).encode())
        return dataclasses.replace(self, techniques=kept, sha256=digest, fit_sha256=fit_digest)

    def correlation(self, ids: Sequence[str]) -> np.ndarray:
        """Log-space correlation matrix over `ids` (in that order) from the `correlated` overlaps."""
        return _correlation_matrix([self[i] for i in ids])

    def sample_multipliers(self, ids: Sequence[str], rng: np.random.Generator, size: int) -> np.ndarray:
        """Correlated draws of the multipliers, shape (size, len(ids)), on each file's axis.

        Gaussian copula: z ~ MVN(0, R) with R = correlation(ids), then m_k = F_k^-1(Phi(z_k));
        for lognormal priors this is exactly a multivariate normal on log m.
        """
        corr = self.correlation(ids)
        chol = np.linalg.cholesky(corr)
        z = rng.standard_normal((size, len(ids))) @ chol.T
        return np.column_stack([self[i].multiplier.from_standard_normal(z[:, n]) for n, i in enumerate(ids)]) \
            if ids else np.empty((size, 0))

    def replace(self, overrides: Mapping[str, Any]) -> PriorSet:
        """A copy with overrides by dotted name (scenarios):

        - 'techniques.<id>.multiplier': a Dist, a number (point mass) or a table like the file's
          [multiplier] ({distribution, median, interval90} or {params});
        - 'engine.<section>.<key>' or 'engine.links.<benchmark>.<key>': a Dist, a table or a
          number for distributions; a number for fixed values; a bool or date where the file has one.
        The result's `sha256` hashes the folder's hash together with the overrides, and its
        `fit_sha256` the folder's together with the overrides that a posterior depends on (an
        override of a `PROJECTION_ONLY_SECTIONS` key leaves it as it was).

        Parameters
        ----------
        overrides : Mapping
            Dotted name -> new value, as above.

        Returns
        -------
        PriorSet

        Raises
        ------
        UserError
            Naming the override, for an unknown name or an invalid value.
        """
        techniques = dict(self.techniques)
        engine = self.engine
        canonical = {}
        for name in sorted(overrides):
            value = overrides[name]
            parts = name.split(".")
            if len(parts) == 3 and parts[0] == "techniques" and parts[2] == "multiplier":
                tech = self[parts[1]]
                dist = _override_dist(value, name, positive=True)
                bits = None
                if tech.bits is not None:
                    bits = dict(tech.bits) | {4: dist.scaled(4.0 / 16.0)}
                techniques[tech.id] = dataclasses.replace(tech, multiplier=dist, bits=bits)
                canonical[name] = dist.to_dict()
            elif len(parts) >= 3 and parts[0] == "engine":
                engine, canon = _override_engine(engine, parts[1:], value, name)
                canonical[name] = canon
            else:
                raise UserError("unknown override (use techniques.<id>.multiplier or engine.<section>.<key>)",
                                key=name)
        digest = sha256_bytes((self.sha256 + json.dumps(canonical, sort_keys=True, default=str)).encode())
        shaping = {k: v for k, v in canonical.items() if not projection_only(k)}
        fit_digest = (sha256_bytes((self.fit_sha256 + json.dumps(shaping, sort_keys=True, default=str)).encode())
                      if shaping else self.fit_sha256)
        return dataclasses.replace(self, techniques=techniques, engine=engine, sha256=digest,
                                   fit_sha256=fit_digest)

    def to_dict(self) -> dict[str, Any]:
        """Folder, hash, techniques and engine priors as JSON-ready values."""
        return {
            "folder": str(self.folder),
            "sha256": self.sha256,
            "techniques": {k: t.to_dict() for k, t in self.techniques.items()},
            "engine": self.engine.to_dict(),
        }


def _correlation_matrix(techs: Sequence[Technique]) -> np.ndarray:
    index = {t.id: n for n, t in enumerate(techs)}
    out = np.eye(len(techs))
    for t in techs:
        for o in t.overlaps:
            if o.treatment == "correlated" and o.with_id in index:
                a, b = index[t.id], index[o.with_id]
                out[a, b] = out[b, a] = o.rho
    return out


def _override_dist(value: Any, name: str, *, positive: bool) -> Dist:
    if isinstance(value, Dist):
        if positive and (value.median <= 0 or value.interval90[0] <= 0):
            raise UserError("a multiplier must be positive", key=name)
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = {"value": value}
    table = read_table(value, "override", name)
    check_keys(table, DIST_KEYS + ("value",), "override", name)
    dist = dist_from_table(table, file="override", key=name, positive=positive)
    FIT_CACHE.flush()
    return dist


def _override_engine(engine: EnginePriors, parts: list[str], value: Any, name: str) -> tuple[EnginePriors, Any]:
    section_name = parts[0]
    if section_name not in ENGINE_SECTIONS:
        raise UserError("unknown engine section", key=name)
    section = getattr(engine, section_name)
    if section_name == "links" and len(parts) == 3:
        bench = parts[1]
        link = section.benchmarks.get(bench, BenchmarkLink())
        new_link, canon = _override_field(link, parts[2], value, name)
        new_section = dataclasses.replace(section, benchmarks=dict(section.benchmarks) | {bench: new_link})
    elif len(parts) == 2:
        new_section, canon = _override_field(section, parts[1], value, name)
    else:
        raise UserError("unknown engine entry", key=name)
    return dataclasses.replace(engine, **{section_name: new_section}), canon


def _override_field(obj: Any, field_name: str, value: Any, name: str) -> tuple[Any, Any]:
    kinds = field_kinds(type(obj))
    if field_name not in kinds or field_name in ("reasoning", "benchmarks"):
        raise UserError("unknown engine entry", key=name)
    base, _ = kinds[field_name]
    meta = next(f for f in dataclasses.fields(obj) if f.name == field_name).metadata
    positive = bool(meta.get("positive"))
    if base is Dist:
        new: Any = _override_dist(value, name, positive=False)
        if positive:
            check_nonnegative(new, "override", name)
        if meta.get("unit"):
            check_unit(new, "override", name)
        canon = new.to_dict()
    elif base is float:
        new = read_number(value, "override", name)
        if positive and not new > 0:
            raise UserError("must be positive", key=name)
        canon = new
    elif base is bool:
        new = read_bool(value, "override", name)
        canon = new
    elif base is date:
        new = read_file_date(value, name, "override")
        canon = new.isoformat()
    else:
        raise UserError("this entry cannot be overridden", key=name)
    return dataclasses.replace(obj, **{field_name: new}), canon


# ---------------------------------------------------------------------------------------------
# Loading and hashing
# ---------------------------------------------------------------------------------------------

# parsed folders, keyed by (resolved folder, hash of its files)
_LOADED: dict[tuple[str, str], PriorSet] = {}


# Keys whose values are prose for the reader (citations, findings, conversions, notes, names,
# reasoning): the model never reads them, so they are left out of the content hash.
PROSE_KEYS = frozenset({"cite", "finding", "conversion", "note", "name", "introduced_in", "adoption", "reasoning"})


def _without_prose(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _without_prose(v) for k, v in value.items() if k not in PROSE_KEYS}
    if isinstance(value, list):
        return [_without_prose(v) for v in value]
    return value


# Engine sections that only the projection reads (future techniques' arrivals and size
# distribution, the ceiling on further gain): a change to them never changes a posterior.
PROJECTION_ONLY_SECTIONS = ("arrivals", "saturation", "technique_population")


def projection_only(override: str) -> bool:
    """Whether a dotted override name (`PriorSet.replace`) lies in a `PROJECTION_ONLY_SECTIONS` section.

    Parameters
    ----------
    override : str
        E.g. 'engine.arrivals.rate'.

    Returns
    -------
    bool
    """
    parts = override.split(".")
    return len(parts) >= 2 and parts[0] == "engine" and parts[1] in PROJECTION_ONLY_SECTIONS


def model_content_hash(files: Mapping[str, Mapping[str, Any]]) -> str:
    """SHA-256 of what the model reads from a folder: every file's parsed TOML (keyed by file name)
    without the prose keys (`PROSE_KEYS`), as canonical JSON.

    Fits are cached under this hash, so correcting a citation, a finding or a note leaves every
    cached fit and backtest valid, while any change to a number, a date, an axis, an indicator,
    an overlap or a link family invalidates them.

    Parameters
    ----------
    files : Mapping
        File name -> parsed TOML.

    Returns
    -------
    str
        The hex digest.
    """
    canonical = {name: _without_prose(data) for name, data in sorted(files.items())}
    return sha256_bytes(json.dumps(canonical, sort_keys=True, default=str).encode())


def load_priors(folder: Path | str | None = None) -> PriorSet:
    """Load and validate a priors folder (default: the shipped `priors/`).

    A folder is parsed once per process and content (memoised on its path and file hashes).

    Parameters
    ----------
    folder : Path or str, optional
        A folder of technique files `<id>.toml` and `_engine.toml`.

    Returns
    -------
    PriorSet

    Raises
    ------
    UserError
        Naming the file and key of the first problem found.
    """
    folder = Path(folder) if folder is not None else default_priors_dir()
    if not folder.is_dir():
        raise UserError("priors folder not found", file=folder)
    paths = sorted(folder.glob("*.toml"))
    engine_path = folder / ENGINE_FILE
    if not engine_path.is_file():
        raise UserError(f"missing {ENGINE_FILE} (engine priors)", file=folder)
    for p in paths:
        if p.name.startswith("_") and p.name != ENGINE_FILE:
            raise UserError(f"unknown engine file (only {ENGINE_FILE} is read)", file=p)
    memo_key = (str(folder.resolve()), sha256_files(paths, root=folder))
    if memo_key in _LOADED:
        return _LOADED[memo_key]
    raw = {p: read_toml(p) for p in paths}
    try:
        engine = parse_engine(raw[engine_path], engine_path)
        techniques: dict[str, Technique] = {}
        for p in paths:
            if p.name.startswith("_"):
                continue
            tech = parse_technique(raw[p], p)
            if tech.id in techniques:
                raise UserError(f"duplicate id '{tech.id}' (also in {techniques[tech.id].file.name})", file=p, key="id")
            techniques[tech.id] = tech
    finally:
        FIT_CACHE.flush()
    techniques = dict(sorted(techniques.items()))
    _check_overlaps(techniques)
    contents = {p.name: data for p, data in raw.items()}
    shaping = dict(contents)
    shaping[ENGINE_FILE] = {k: v for k, v in contents[ENGINE_FILE].items() if k not in PROJECTION_ONLY_SECTIONS}
    result = PriorSet(techniques=techniques, engine=engine, folder=folder,
                      sha256=model_content_hash(contents), fit_sha256=model_content_hash(shaping))
    _LOADED[memo_key] = result
    return result


def check_priors(folder: Path | str) -> PriorSet:
    """Validate a folder (`load_priors`).

    Parameters
    ----------
    folder : Path or str

    Returns
    -------
    PriorSet

    Raises
    ------
    UserError
        Naming the file and key of the first problem found.
    """
    return load_priors(Path(folder))


def _check_overlaps(techniques: Mapping[str, Technique]) -> None:
    """Overlaps must name known techniques, agree when stated on both sides, and the full
    correlation matrix must be positive definite."""
    stated: dict[tuple[str, str], tuple[float | None, str]] = {}
    for t in techniques.values():
        for i, o in enumerate(t.overlaps, start=1):
            if o.with_id not in techniques:
                raise UserError(f"overlap names unknown technique '{o.with_id}'", file=t.file, key=f"overlaps[{i}].with")
            pair = tuple(sorted((t.id, o.with_id)))
            if pair in stated and stated[pair] != (o.rho, o.treatment):
                raise UserError(f"disagrees with {techniques[o.with_id].file.name} about this overlap "
                                f"(treatment and rho must match on both sides)", file=t.file, key=f"overlaps[{i}]")
            stated[pair] = (o.rho, o.treatment)
    corr = _correlation_matrix(list(techniques.values()))
    if techniques and np.linalg.eigvalsh(corr).min() <= 1e-9:
        involved = sorted({t.file.name for t in techniques.values() if any(o.rho for o in t.overlaps)})
        raise UserError("the overlap correlations do not form a positive-definite matrix",
                        file=", ".join(involved), key="overlaps")
