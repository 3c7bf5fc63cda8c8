"""A fit on disk: the `Fit` record, its NetCDF file, and the cache key that names it.

The key (`fit_keys`) hashes everything that determines a posterior: the data and the priors the
fit sees as of its date, the other settings, the model code (every Python file of
`FIT_SHAPING_PACKAGES`) and the package versions; not the as-of date itself.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from forecast.core import paths
from forecast.core.errors import UserError
from forecast.model.calibration import loo_coverage
from forecast.model.data import ModelInputs
from forecast.model.diagnostics import Diagnostics, load_posterior, save_posterior
from forecast.model.settings import MODEL_SETTINGS, FitSettings

# The layers whose code shapes a posterior: reading the inputs (registry, priors, scenarios,
# scaling laws, dates) and the model (its graph, sampling and the checks stored with a fit).
# Every Python file under them is hashed into the fit's cache key; code of later layers
# (projection, API, evaluation, report, CLI) and of `forecast.core` never changes a posterior.
FIT_SHAPING_PACKAGES = ("inputs", "model")


@dataclass
class Fit:
    """A sampled (or prior-sampled) posterior with its inputs, diagnostics and provenance."""

    tree: xr.DataTree
    diagnostics: Diagnostics
    provenance: dict[str, Any]
    predictive: dict[str, Any] = field(default_factory=dict)
    # leave-one-out coverage (`forecast.model.calibration.loo_coverage`), computed once when sampled
    predictive_loo: dict[str, Any] = field(default_factory=dict)
    # shape of the per-model quality term against its normal prior
    # (`forecast.model.quality_check.quality_tail_check`)
    quality_tails: dict[str, Any] = field(default_factory=dict)
    path: Path | None = None
    from_cache: bool = False

    @property
    def posterior(self) -> xr.Dataset:
        """The posterior draws (chain, draw, ...)."""
        return self.tree["posterior"].to_dataset()

    @property
    def inputs(self) -> xr.Dataset:
        """The model's input arrays (`inputs_dataset`)."""
        return self.tree["inputs"].to_dataset()

    def loo_coverage(self) -> dict[str, Any]:
        """The leave-one-out coverage stored with the fit; computed here for a fit file written
        without it."""
        if not self.predictive_loo:
            self.predictive_loo = loo_coverage(self.posterior, self.inputs)
        return self.predictive_loo

    @property
    def as_of(self) -> date:
        """The date the fit saw the data as of."""
        return date.fromisoformat(self.provenance["settings"]["as_of"])

    @property
    def variant(self) -> str:
        """The fit's variant: "full", "drift_only" or "priors_only"."""
        return self.provenance["settings"]["variant"]

    def save(self, path: str | Path) -> Path:
        """Write the fit to `path` (NetCDF, atomically), the records as JSON attributes.

        Parameters
        ----------
        path : str or Path
            The file to write.

        Returns
        -------
        Path
            `path`, also kept in `self.path`.
        """
        path = Path(path)
        tree = self.tree.copy()
        tree.attrs = {
            "provenance": json.dumps(self.provenance, sort_keys=True),
            "diagnostics": json.dumps(self.diagnostics.to_dict(), sort_keys=True),
            "predictive": json.dumps(self.predictive, sort_keys=True),
            "predictive_loo": json.dumps(self.predictive_loo, sort_keys=True),
            "quality_tails": json.dumps(self.quality_tails, sort_keys=True),
        }
        save_posterior(tree, path)
        self.path = path
        return path

    @classmethod
    def load(cls, path: str | Path) -> Fit:
        """Read a fit written by `save`.

        Parameters
        ----------
        path : str or Path
            The fit file.

        Returns
        -------
        Fit

        Raises
        ------
        UserError
            When the file is missing, damaged or not a fit file.
        """
        path = Path(path)
        try:
            tree = load_posterior(path)
            attrs = tree.attrs
            return cls(
                tree=tree,
                diagnostics=Diagnostics.from_dict(json.loads(attrs["diagnostics"])),
                provenance=json.loads(attrs["provenance"]),
                predictive=json.loads(attrs.get("predictive", "{}")),
                predictive_loo=json.loads(attrs.get("predictive_loo", "{}")),
                quality_tails=json.loads(attrs.get("quality_tails", "{}")),
                path=path,
            )
        except (OSError, KeyError, ValueError) as exc:
            raise UserError(f"not a readable forecast fit file ({exc})", file=path) from None


def fit_shaping_sources(package_dir: Path | None = None) -> list[Path]:
    """Every Python source file of the `FIT_SHAPING_PACKAGES`, sorted by path.

    Parameters
    ----------
    package_dir : Path, optional
        The `forecast` package folder (default: the one this module was loaded from).

    Returns
    -------
    list of Path

    Raises
    ------
    RuntimeError
        When the set is empty: a fit key over no code would never change.
    """
    root = Path(package_dir) if package_dir is not None else Path(__file__).resolve().parents[1]
    files = sorted(f for name in FIT_SHAPING_PACKAGES for f in (root / name).rglob("*.py"))
    if not files:
        raise RuntimeError(f"no source files under {root} / {FIT_SHAPING_PACKAGES}: the fit's cache "
                           "key would not track the model code")
    return files


@functools.lru_cache(maxsize=1)
def source_hash() -> str:
    """SHA-256 over the relative path and bytes of every `fit_shaping_sources` file, read once
    per process (a running job keeps its cache keys).

    Returns
    -------
    str
        The hex digest.
    """
    root = Path(__file__).resolve().parents[1]
    h = hashlib.sha256()
    for path in fit_shaping_sources(root):
        h.update(path.relative_to(root).as_posix().encode() + b"\0")
        h.update(path.read_bytes())
    return h.hexdigest()


def versions() -> dict[str, str]:
    """The installed versions of the packages a posterior depends on ("absent" when missing).

    Returns
    -------
    dict
        Package name -> version.
    """
    out = {}
    for pkg in ("forecast", "pymc", "pytensor", "nutpie", "arviz", "numpy", "pandas", "xarray", "preliz"):
        try:
            out[pkg] = importlib.metadata.version(pkg)
        except importlib.metadata.PackageNotFoundError:
            out[pkg] = "absent"
    return out


def _inputs_key(data_sha: str, priors_sha: str, settings: dict[str, Any]) -> str:
    """24 hex digits of SHA-256 over the data, the priors, `settings`, the model code and the
    package versions."""
    payload = json.dumps(
        {"data": data_sha, "priors": priors_sha, "settings": settings,
         "code": source_hash(), "versions": versions()},
        sort_keys=True,
    )
    return hashlib.sha256(payload.encode()).hexdigest()[:24]


def data_sha256(registry: Any) -> str:
    """SHA-256 of the registry tables a fit sees: models, scores and benchmarks as CSV text.

    Parameters
    ----------
    registry : forecast.inputs.registry.Registry
        The registry as of the fit's date (`Registry.as_of`): the rows it keeps are the data.

    Returns
    -------
    str
        The hex digest; the same tables give the same digest whatever their source files.
    """
    h = hashlib.sha256()
    for name in ("models", "scores", "benchmarks"):
        frame = getattr(registry, name)
        h.update(name.encode() + b"\0" + frame.to_csv(index=False).encode() + b"\0")
    return h.hexdigest()


@dataclass(frozen=True)
class FitKeys:
    """What a fit saw and the cache keys it is stored under (`fit_keys`)."""

    key: str  # the fit's cache key (`cache_path`)
    compile_key: str  # its compiled model's key (`forecast.model.compiled`)
    data_sha256: str  # `data_sha256` of the registry as of the fit's date
    priors_sha256: str  # `PriorSet.fit_sha256` of the techniques introduced by the fit's date
    seen: Any  # the registry as of the fit's date (`Registry.as_of`), the fit's data
    priors: Any  # the prior set known at the fit's date (`PriorSet.introduced_by`)


def fit_keys(registry: Any, priors: Any, settings: FitSettings) -> FitKeys:
    """The one place a fit's cache key is made: from what the fit sees, not the calendar.

    A fit as of a date sees the registry's rows kept by `Registry.as_of(date)` and the priors of
    the techniques introduced by then; the date itself changes nothing else in the posterior (the
    release process and the drift's segments end at the data's end, `forecast.model.data`). So
    the key hashes those rows (`data_sha256`), those priors (`PriorSet.fit_sha256`), the settings
    without the date (`FitSettings.key_dict`), the model code and the package versions: a later
    as-of date over the same data and priors loads the same fit
    (docs/decisions/fit-key-what-the-fit-saw.md).

    Parameters
    ----------
    registry : forecast.inputs.registry.Registry
        The whole registry (it is filtered here).
    priors : forecast.inputs.priors.PriorSet
        The whole prior set (it is filtered here).
    settings : FitSettings
        The fit's settings.

    Returns
    -------
    FitKeys
    """
    seen = registry.as_of(settings.as_of)
    known = priors.introduced_by(settings.as_of)
    data = data_sha256(seen)
    key_settings = settings.key_dict()
    return FitKeys(
        key=_inputs_key(data, known.fit_sha256, key_settings),
        compile_key=_inputs_key(data, known.fit_sha256,
                                {k: v for k, v in key_settings.items() if k in MODEL_SETTINGS}),
        data_sha256=data, priors_sha256=known.fit_sha256, seen=seen, priors=known,
    )


def cache_key(data_sha: str, priors_sha: str, settings: FitSettings) -> str:
    """The name of a fit in the cache, from hashes already made (`fit_keys` makes them from a
    registry and a prior set).

    Parameters
    ----------
    data_sha : str
        The hash of the data the fit sees (`data_sha256` of the registry as of its date).
    priors_sha : str
        The hash of the priors a posterior depends on (`PriorSet.fit_sha256`).
    settings : FitSettings
        The fit's settings; their as-of date is not part of the key (`FitSettings.key_dict`).

    Returns
    -------
    str
        24 hex digits over the data, priors, settings, model code and package versions.
    """
    return _inputs_key(data_sha, priors_sha, settings.key_dict())


def compile_key(data_sha: str, priors_sha: str, settings: FitSettings) -> str:
    """The key of the model's compiled log density (`forecast.model.compiled`).

    `cache_key` with only the `MODEL_SETTINGS`, so a refit with another seed or number of draws
    reuses the compiled model.

    Parameters
    ----------
    data_sha, priors_sha, settings
        As for `cache_key`.

    Returns
    -------
    str
    """
    return _inputs_key(data_sha, priors_sha,
                       {k: v for k, v in settings.key_dict().items() if k in MODEL_SETTINGS})


def cache_path(key: str) -> Path:
    """The fit file of cache key `key` under the cache folder.

    Parameters
    ----------
    key : str
        A `cache_key`.

    Returns
    -------
    Path
    """
    return paths.cache_dir() / "fits" / f"fit-{key}.nc"


def inputs_dataset(inp: ModelInputs) -> xr.Dataset:
    """The model's input arrays, stored beside the posterior (for checks, plots, projection).

    Parameters
    ----------
    inp : ModelInputs
        The fitted data.

    Returns
    -------
    xarray.Dataset
    """
    ds = xr.Dataset(
        {
            "log10_params": ("model", inp.log10_params),
            "release_t": ("model", inp.t),
            "log10_sparsity": ("model", inp.log10_sparsity),
            "log10_tpp": ("model", inp.log10_tpp),
            "organization": ("model", inp.organizations.astype(str)),
            "uses": (("model", "technique"), inp.U),
            "chance": ("benchmark", inp.chance),
            "gumbel": ("benchmark", np.array([f == "gumbel" for f in inp.link_family], dtype=np.int8)),
            "obs_model": ("obs", inp.obs_model),
            "obs_bench": ("obs", inp.obs_bench),
            "obs_group": ("obs", inp.obs_group),
            "obs_source": ("obs", inp.obs_source),
            "obs_y": ("obs", inp.obs_y),
            "year_knots": ("knot", inp.year_knots),
            "release_counts": (("month", "band"), inp.release_counts),
            "release_month_t": ("month", inp.release_t),
            "release_band_x": ("band", inp.release_x),
            "report_k": ("benchmark", inp.report_k),
        },
        coords={
            "model": list(inp.model_ids),
            "technique": list(inp.techniques),
            "benchmark": list(inp.benchmarks),
            "obs": np.arange(len(inp.obs_y)),
        },
    )
    ds.attrs = {
        "t_ref": inp.t_ref,
        "as_of": inp.as_of.isoformat(),
        "data_end": inp.data_end.isoformat(),
        "ref_seg": inp.ref_seg,
        "report_n": int(inp.report_n),
        "groups": json.dumps(inp.groups),
        "adoption_tech": json.dumps(inp.adoption_tech),
        "dropped": json.dumps(inp.dropped),
    }
    return ds
