"""Technique and engine priors: load, validate and query the `priors/` folder.

One TOML file per efficiency technique (`<id>.toml`) and one `_engine.toml` with the engine-level
priors (drift, future arrivals, saturation, frontier tail, release process, token law, observation
noise, benchmark links), parsed with `tomllib` as data only.

A prior is written as a median and an equal-tailed 90% interval (`interval90 = [q05, q95]`) of a
named family (lognormal by default), or as explicit parameters. PreliZ turns the quantiles into the
family's parameters by least squares on the 5%, 50% and 95% quantiles (log scale for positive
families, interval-width scale for the normal); a file is accepted only if every stated quantile is
matched within 1% (relative; for the normal, 1% of the interval width). Fitted parameters are
cached on disk (`forecast.core.paths.cache_dir()`), keyed by the inputs, so a warm load never imports
PreliZ or SciPy.

Modules, each importing only those before it:

    toml_values     reading TOML files and typed values, with errors naming file and key
    families        the distribution families and the fit tolerance
    quantile_fit    PreliZ quantile fits and their on-disk cache
    distributions   `Dist` and the parsing of a distribution table
    techniques      `Technique` (multipliers, overlaps, the earlier token law) and its file
    engine_priors   the sections of `_engine.toml` (`EnginePriors`)
    prior_set       `PriorSet`, `load_priors`, overrides and content hashes
"""

from forecast.inputs.priors.distributions import Dist
from forecast.inputs.priors.engine_priors import (
    ENGINE_SECTIONS,
    LINK_FAMILIES,
    ArrivalPriors,
    BenchmarkLink,
    DriftPriors,
    EnginePriors,
    FrontierPriors,
    Link,
    LinkPriors,
    ObservationPriors,
    ReleasePriors,
    SaturationPriors,
    Source,
    TechniquePopulationPriors,
    TokenPriors,
)
from forecast.inputs.priors.families import DISTRIBUTIONS, FAMILIES, FIT_TOLERANCE, QUANTILES
from forecast.inputs.priors.prior_set import (
    ENGINE_FILE,
    PROJECTION_ONLY_SECTIONS,
    PROSE_KEYS,
    PriorSet,
    check_priors,
    load_priors,
    model_content_hash,
    projection_only,
)
from forecast.inputs.priors.techniques import AXES, OVERLAP_TREATMENTS, EarlierLaw, Evidence, Overlap, Technique
from forecast.inputs.priors.toml_values import FILE_DATES

__all__ = [
    "AXES",
    "DISTRIBUTIONS",
    "ENGINE_FILE",
    "ENGINE_SECTIONS",
    "FAMILIES",
    "FILE_DATES",
    "FIT_TOLERANCE",
    "LINK_FAMILIES",
    "OVERLAP_TREATMENTS",
    "PROJECTION_ONLY_SECTIONS",
    "PROSE_KEYS",
    "QUANTILES",
    "ArrivalPriors",
    "BenchmarkLink",
    "Dist",
    "DriftPriors",
    "EarlierLaw",
    "EnginePriors",
    "Evidence",
    "FrontierPriors",
    "Link",
    "LinkPriors",
    "ObservationPriors",
    "Overlap",
    "PriorSet",
    "ReleasePriors",
    "SaturationPriors",
    "Source",
    "Technique",
    "TechniquePopulationPriors",
    "TokenPriors",
    "check_priors",
    "load_priors",
    "model_content_hash",
    "projection_only",
]
