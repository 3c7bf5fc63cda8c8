"""The builder's curation and resolution: the hand-curated facts of ``curation.csv``, the choice of
each model's values among the sources', and the merging of copies of one score."""

from __future__ import annotations

import csv
import io
import math
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from forecast.core.errors import UserError
from forecast.inputs.registry import TECHNIQUE_COLUMNS
from forecast.inputs.registry_build.catalogue import slugify
from forecast.inputs.registry_build.sources import (AT_RELEASE, PROTOCOL_ORDER, RANK, Builder,
                                                    ModelFacts, Observation, decimals_precision)

# ------------------------------------------------------------------------------------------
# Curation
# ------------------------------------------------------------------------------------------

CURATION_COLUMNS = ["id", "model", "field", "value", "shots", "cot", "source", "citation"]
MODEL_FIELDS = {"release_date", "params_total", "params_active", "training_tokens",
                "open_weights", "architecture", "objective", "organization", "name", "notes",
                "base_model", "params_exact", "access"}


@dataclass
class CurationRow:
    row_id: str
    selector: str
    field: str
    value: str
    shots: str
    cot: str
    source: str
    citation: str

    @property
    def reference(self) -> str:
        return f"curation#{self.row_id}"


def load_curation(path: Path) -> list[CurationRow]:
    """Read curation.csv; every row needs an id, a target, a field and a citation."""
    text = path.read_text(encoding="utf-8")
    reader = csv.DictReader(io.StringIO(text))
    if reader.fieldnames != CURATION_COLUMNS:
        raise UserError(f"{path}: header must be {','.join(CURATION_COLUMNS)}")
    rows, seen = [], set()
    for number, record in enumerate(reader, start=1):
        row = CurationRow(*(str(record[c] or "").strip() for c in CURATION_COLUMNS))
        if not row.row_id or row.row_id in seen:
            raise UserError(f"{path} row {number}: missing or duplicate id '{row.row_id}'")
        if not row.citation:
            raise UserError(f"{path} row {number} ({row.row_id}): missing citation")
        known = (row.field in MODEL_FIELDS or row.field in TECHNIQUE_COLUMNS
                 or row.field == "techniques" or row.field.startswith("score:"))
        if not known:
            raise UserError(f"{path} row {number} ({row.row_id}): unknown field {row.field}")
        seen.add(row.row_id)
        rows.append(row)
    return rows


def selector_matches(selector: str, facts: ModelFacts) -> int:
    """Specificity with which `selector` names this model (0: it does not)."""
    if selector == facts.model_id:
        return 3
    if selector.startswith("family:") and facts.family:
        target = selector[len("family:"):]
        if "/" in target:
            family, kind = target.split("/", 1)
            return 2 if family == facts.family and kind == facts.base_or_tuned else 0
        return 1 if target == facts.family else 0
    return 0


def technique_values(rows: list[CurationRow], facts: ModelFacts) -> tuple[dict[str, float], list[str]]:
    """Technique columns of one model from the curation rows that name it, and their refs."""
    best: dict[str, tuple[tuple[int, int], float, str]] = {}
    for row in rows:
        level = selector_matches(row.selector, facts)
        if not level:
            continue
        if row.field == "techniques":
            chosen = {t.strip() for t in row.value.split(";") if t.strip() and t.strip() != "none"}
            unknown = chosen - set(TECHNIQUE_COLUMNS)
            if unknown:
                raise UserError(f"curation {row.row_id}: unknown techniques {sorted(unknown)}")
            for technique in TECHNIQUE_COLUMNS:
                key = (level, 0)
                if technique not in best or key > best[technique][0]:
                    best[technique] = (key, 1.0 if technique in chosen else 0.0, row.reference)
        elif row.field in TECHNIQUE_COLUMNS:
            if row.value not in ("0", "1"):
                raise UserError(f"curation {row.row_id}: technique value must be 0 or 1")
            key = (level, 1)
            if row.field not in best or key > best[row.field][0]:
                best[row.field] = (key, float(row.value), row.reference)
    values = {t: v[1] for t, v in best.items()}
    refs = sorted({v[2] for v in best.values()}, key=_ref_key)
    return values, refs


def _ref_key(reference: str) -> tuple:
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", reference))


# ------------------------------------------------------------------------------------------
# Resolution, merging and output
# ------------------------------------------------------------------------------------------

ARCH_PATTERNS = [
    (re.compile(r"T5|T0|BART|UL2|AlexaTM|CPM-2|mT0|Switch|Flan-T5", re.IGNORECASE),
     "encoder-decoder"),
    (re.compile(r"Jamba|Zamba|Hymba|Samba|Nemotron-H|Griffin|RecurrentGemma|Hunyuan-TurboS|"
                r"MiniMax-(Text|01|M1)|Hybrid|StripedHyena", re.IGNORECASE), "hybrid"),
    (re.compile(r"Mamba|RWKV|S4\b|Hyena|Hawk", re.IGNORECASE), "ssm"),
]


def significant_digits(value: object) -> int:
    """Significant digits of a count as stored (7000000000 -> 1, 7241732096 -> 10)."""
    digits = str(int(round(float(value)))).rstrip("0")
    return len(digits)


def format_number(value: float | None) -> str:
    """Counts as integers; scores as up to six decimals without trailing zeros."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(int(round(float(value))))


def format_score(value: float) -> str:
    text = f"{round(float(value), 6):.6f}".rstrip("0").rstrip(".")
    return text if text else "0"


def merge_observations(observations: list[Observation]) -> list[Observation]:
    """One row per distinct measurement: copies of one number (equal within the printing
    precision, same model, benchmark, chain-of-thought and compatible shots) are merged, keeping
    the most original report's protocol and source and every reference."""
    groups: dict[tuple, list[Observation]] = defaultdict(list)
    for obs in observations:
        groups[(obs.model_id, obs.benchmark, obs.cot)].append(obs)
    merged: list[Observation] = []
    for key in sorted(groups):
        clusters: list[Observation] = []
        for obs in sorted(groups[key], key=lambda o: (PROTOCOL_ORDER.get(o.protocol, 4),
                                                      o.source != "self_reported", o.refs[0])):
            for target in clusters:
                tolerance = max(target.precision, obs.precision) / 2 + 1e-9
                shots_ok = (target.shots is None or obs.shots is None
                            or target.shots == obs.shots)
                if shots_ok and abs(target.score - obs.score) <= tolerance:
                    target.refs.extend(obs.refs)
                    target.reports.extend(obs.reports)
                    if target.shots is None:
                        target.shots = obs.shots
                    if obs.precision < target.precision:  # keep the more precise digits
                        target.score, target.precision = obs.score, obs.precision
                    break
            else:
                clusters.append(Observation(obs.model_id, obs.benchmark, obs.score, obs.shots,
                                            obs.cot, obs.protocol, obs.source, list(obs.refs),
                                            obs.precision, list(obs.reports)))
        merged.extend(clusters)
    for obs in merged:
        obs.refs = sorted(set(obs.refs), key=_ref_key)
    return merged


class Resolver:
    """Turns collected facts and curation into the final model rows."""

    def __init__(self, builder: Builder, curation: list[CurationRow]):
        self.b = builder
        self.curation = curation
        self.problems: list[str] = []
        #: models left out with the reason (Epoch-only models dated before their base)
        self.skipped: list[str] = []
        self.scored = {o.model_id for o in builder.observations}
        for row in curation:
            if not row.selector.startswith("family:") and row.selector not in builder.facts:
                raise UserError(f"curation {row.row_id}: unknown model '{row.selector}'")
            if row.selector.startswith("family:"):
                family = row.selector[len("family:"):].split("/")[0]
                if not any(f.family == family for f in builder.facts.values()):
                    raise UserError(f"curation {row.row_id}: unknown family '{family}'")

    def curated(self, facts: ModelFacts, field_name: str) -> CurationRow | None:
        best, level_best = None, 0
        for row in self.curation:
            if row.field != field_name:
                continue
            level = selector_matches(row.selector, facts)
            if level > level_best:
                best, level_best = row, level
        return best

    def apply_curation(self) -> None:
        for facts in self.b.facts.values():
            for field_name in ("release_date", "params_total", "params_active",
                               "training_tokens", "open_weights"):
                row = self.curated(facts, field_name)
                if row is None:
                    continue
                if row.value == "":
                    facts.candidates[field_name] = [(RANK["curation"], "", row.reference)]
                else:
                    value = row.value if field_name == "release_date" else float(row.value)
                    facts.candidates[field_name].append((RANK["curation"], value, row.reference))
            for field_name in ("organization", "name", "base_model"):
                row = self.curated(facts, field_name)
                if row is not None:
                    setattr(facts, field_name, row.value)
            for row in self.curation:
                if row.field.startswith("score:") and selector_matches(row.selector, facts) == 3:
                    benchmark = row.field.split(":", 1)[1]
                    value = float(row.value)
                    if (row.source or "self_reported") != "self_reported":
                        raise UserError(f"curation {row.row_id}: a curated score must be the "
                                         "developer's own (source self_reported), dated at release")
                    self.b.observe(facts.model_id, benchmark, value,
                                   int(row.shots) if row.shots else None,
                                   int(row.cot or 0), "paper", "self_reported",
                                   row.reference, decimals_precision(row.value, 1.0),
                                   (AT_RELEASE, "developer's number, at release"))

    def resolve(self) -> list[dict[str, str]]:
        b = self.b
        ids = set(b.facts)
        # Epoch-only base model names -> registry ids where known.
        for facts in b.facts.values():
            if facts.origin == "epoch" and facts.base_model:
                first = facts.base_model.split(",")[0].strip()
                facts.base_model = b.catalogue.lookup(first) or (
                    slugify(first) if slugify(first) in ids else "")
        resolved: dict[str, dict[str, object]] = {}
        order = sorted(b.facts, key=lambda m: (bool(b.facts[m].base_model), m))
        pending = list(order)
        while pending:  # bases before their fine-tunes
            progressed = False
            for model_id in list(pending):
                facts = b.facts[model_id]
                if facts.base_model and facts.base_model not in resolved:
                    continue
                if facts.base_model and resolved[facts.base_model] is None:
                    facts.base_model = ""  # the base was left out (no usable date)
                resolved[model_id] = self.resolve_one(facts, resolved.get(facts.base_model))
                pending.remove(model_id)
                progressed = True
            if not progressed:
                raise UserError(f"base-model cycle among {pending}")
        if self.problems:
            raise UserError("registry problems:\n  " + "\n  ".join(self.problems))
        rows = []
        for model_id in sorted(resolved):
            record = resolved[model_id]
            if record is None:
                continue
            rows.append(record)
        return rows

    def resolve_one(self, facts: ModelFacts, base: dict[str, object] | None) -> dict | None:
        when, date_ref = facts.best("release_date")
        params, params_ref = facts.best("params_total")
        tokens, tokens_ref = facts.best("training_tokens")
        inherited = params in (None, "") and base is not None and base["params_total"] != ""
        if inherited:
            params, params_ref = base["params_total"], f"{base['params_source']}"
        if tokens in (None, "") and base is not None and base["training_tokens"] != "":
            tokens, tokens_ref = base["training_tokens"], f"{base['tokens_source']}"
        if when is None:
            return None  # no date from any source: not a registry model
        if base is not None and str(when) < str(base["release_date"]) and facts.origin == "epoch":
            self.skipped.append(f"{facts.model_id}: Epoch dates it {when}, before its base "
                                f"{facts.base_model} ({base['release_date']})")
            return None
        if base is not None and str(when) < str(base["release_date"]):
            self.problems.append(f"{facts.model_id}: released {when} before its base "
                                 f"{facts.base_model} ({base['release_date']}); add a curated date")
        active, active_ref = facts.best("params_active")
        techniques, technique_refs = technique_values(self.curation, facts)
        arch_row = self.curated(facts, "architecture")
        architecture = arch_row.value if arch_row else next(
            (a for pattern, a in ARCH_PATTERNS if pattern.search(facts.name)), "decoder")
        objective_row = self.curated(facts, "objective")
        objective = objective_row.value if objective_row else (
            "causal" if facts.origin == "catalogue" else "")
        open_weights, _ = facts.best("open_weights")
        if open_weights is None:
            hf = any("/" in a for a in b_aliases(self.b, facts.model_id))
            open_weights = 1 if hf else 0
        if techniques.get("moe") == 1.0 and active in (None, "") and params not in (None, "") \
                and str(int(float(open_weights if open_weights is not None else 0))) == "1":
            self.problems.append(f"{facts.model_id}: mixture-of-experts model without a curated "
                                 "params_active")
        if "moe_hint" in facts.candidates and "moe" not in techniques:
            self.problems.append(f"{facts.model_id}: Epoch notes mention experts/active "
                                 "parameters; curate its moe and params_active")
        if active in (None, "") and params not in (None, "") and techniques.get("moe") != 1.0:
            active, active_ref = params, params_ref
        exact_row = self.curated(facts, "params_exact")
        if exact_row is not None:
            params_exact = exact_row.value
        elif inherited:
            params_exact = base["params_exact"]
        else:
            params_exact = "1" if params not in (None, "") and significant_digits(params) >= 3 else "0"
        access_row = self.curated(facts, "access")
        if str(int(float(open_weights))) == "1":
            access = "weights"
        elif access_row is not None:
            access = access_row.value
        else:
            access = facts.best("access")[0] or ""
            if access in ("", "weights") and facts.model_id in self.scored:
                self.problems.append(f"{facts.model_id}: closed model without a known access "
                                     "(curate access: api or none)")
        record = {
            "model_id": facts.model_id,
            "name": facts.name,
            "organization": facts.organization,
            "family": facts.family,
            "release_date": str(when),
            "params_total": format_number(params if params != "" else None),
            "params_active": format_number(active if active != "" else None),
            "params_exact": params_exact,
            "training_tokens": format_number(tokens if tokens != "" else None),
            "open_weights": str(int(float(open_weights))),
            "access": access,
            "architecture": architecture,
            "base_or_tuned": facts.base_or_tuned,
            "objective": objective,
            "base_model": facts.base_model,
            "date_source": date_ref,
            "params_source": params_ref if params not in (None, "") else "",
            "tokens_source": tokens_ref if tokens not in (None, "") else "",
            "techniques_source": ";".join(technique_refs),
            "notes": "",
        }
        for technique in TECHNIQUE_COLUMNS:
            value = techniques.get(technique)
            record[technique] = "" if value is None else str(int(value))
        notes_row = self.curated(facts, "notes")
        if notes_row is not None:
            record["notes"] = notes_row.value
        return record


def first_report(obs: Observation, released: str, introduced: str) -> tuple[str, str]:
    """The date a score first became public and what dates it: the earliest of its reports,
    none earlier than the model's release (`AT_RELEASE` is the release date itself) or than its
    benchmark's introduction."""
    dated = sorted((max(released if when == AT_RELEASE else when, released, introduced), basis)
                   for when, basis in obs.reports)
    if not dated:
        raise UserError(f"{obs.model_id} {obs.benchmark}: a score without a report date")
    return dated[0]


def b_aliases(builder: Builder, model_id: str) -> list[str]:
    model = builder.catalogue.models.get(model_id)
    return model.aliases if model else []
