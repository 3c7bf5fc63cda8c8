"""Convergence diagnostics and posterior storage: the package's only contact with ArviZ.

ArviZ 1.x returns `xarray.DataTree` objects and moved or renamed much of the 0.x API; keeping
every ArviZ call here means the rest of the package handles plain xarray and NumPy only.

A fit passes when, over every monitored variable and element:
    max R-hat <= 1.01 (rank-normalised split R-hat, Vehtari et al. 2021, arXiv:1903.08008),
    min bulk ESS >= 400 and min tail ESS >= 400,
    no divergent transitions,
    min E-BFMI >= 0.3 (Betancourt 2016, arXiv:1604.00695).
"""

from __future__ import annotations

import warnings
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from forecast.core.io import atomic_path

RHAT_MAX = 1.01
ESS_MIN = 400.0
EBFMI_MIN = 0.3
# the median leapfrog steps per draw a well-shaped posterior needs (reported, not a check)
STEPS_GOAL = 10


@dataclass
class Diagnostics:
    """Summary of sampler health for one fit. `problems` is empty when the fit passes."""

    rhat_max: float
    ess_bulk_min: float
    ess_tail_min: float
    divergences: int
    ebfmi_min: float
    draws: int
    chains: int
    seconds: float
    worst_rhat: str = ""
    worst_ess: str = ""
    sampler: str = ""
    problems: list[str] = field(default_factory=list)
    # the median number of leapfrog steps per draw (NaN when the sampler did not record them):
    # the sampler's cost per draw, set by the posterior's geometry
    steps_per_draw_median: float = float("nan")

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["ok"] = self.ok
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Diagnostics:
        d = {k: v for k, v in d.items() if k != "ok"}
        return cls(**d)


def _worst(ds: xr.Dataset, largest: bool) -> tuple[float, str]:
    best_val, best_name = (-np.inf if largest else np.inf), ""
    for name, da in ds.data_vars.items():
        values = np.asarray(da.values, dtype=float)
        if values.size == 0 or np.all(np.isnan(values)):
            continue
        idx = np.nanargmax(values) if largest else np.nanargmin(values)
        val = float(values.flat[idx])
        if (largest and val > best_val) or (not largest and val < best_val):
            best_val = val
            coords = np.unravel_index(idx, values.shape) if values.ndim else ()
            label = name
            if coords:
                parts = [str(da[dim].values[i]) for dim, i in zip(da.dims, coords)]
                label = f"{name}[{', '.join(parts)}]"
            best_name = label
    return best_val, best_name


def diagnose(
    idata: Any, var_names: list[str], seconds: float, sampler: str = ""
) -> Diagnostics:
    """R-hat, bulk/tail ESS, divergences and E-BFMI of `var_names` in `idata.posterior`.

    Parameters
    ----------
    idata : xarray.DataTree
        The sampler's output (posterior, and sample_stats when there are any).
    var_names : list of str
        The monitored variables.
    seconds : float
        The sampling time, recorded.
    sampler : str, default ""
        The sampler's name, recorded.

    Returns
    -------
    Diagnostics
        With the failed checks in `problems`.
    """
    import arviz as az  # deferred: ArviZ loads slowly and only a new fit needs it

    post = idata["posterior"].to_dataset()[var_names]
    sub = xr.DataTree.from_dict({"posterior": post})
    rhat = _as_dataset(az.rhat(sub))
    ess_bulk = _as_dataset(az.ess(sub, method="bulk"))
    ess_tail = _as_dataset(az.ess(sub, method="tail"))
    rhat_max, worst_rhat = _worst(rhat, largest=True)
    bulk_min, worst_ess = _worst(ess_bulk, largest=False)
    tail_min, _ = _worst(ess_tail, largest=False)

    stats = idata["sample_stats"].to_dataset() if "sample_stats" in idata.children else xr.Dataset()
    divergences = int(stats["diverging"].sum()) if "diverging" in stats else 0
    ebfmi_min = float("nan")
    if "energy" in stats:
        energy = np.asarray(stats["energy"].values, dtype=float)  # (chain, draw)
        num = np.mean(np.diff(energy, axis=1) ** 2, axis=1)
        den = np.var(energy, axis=1)
        ebfmi_min = float(np.min(num / den))
    chains = int(post.sizes["chain"])
    draws = int(post.sizes["draw"])
    steps = (float(np.median(np.asarray(stats["n_steps"].values, dtype=float)))
             if "n_steps" in stats else float("nan"))

    problems: list[str] = []
    if not rhat_max <= RHAT_MAX:
        problems.append(f"R-hat {rhat_max:.3f} > {RHAT_MAX} ({worst_rhat})")
    if not bulk_min >= ESS_MIN:
        problems.append(f"bulk ESS {bulk_min:.0f} < {ESS_MIN:.0f} ({worst_ess})")
    if not tail_min >= ESS_MIN:
        problems.append(f"tail ESS {tail_min:.0f} < {ESS_MIN:.0f}")
    if divergences > 0:
        problems.append(f"{divergences} divergent transitions")
    if not (np.isnan(ebfmi_min) or ebfmi_min >= EBFMI_MIN):
        problems.append(f"E-BFMI {ebfmi_min:.2f} < {EBFMI_MIN}")
    return Diagnostics(
        rhat_max=rhat_max,
        ess_bulk_min=bulk_min,
        ess_tail_min=tail_min,
        divergences=divergences,
        ebfmi_min=ebfmi_min,
        draws=draws,
        chains=chains,
        seconds=float(seconds),
        worst_rhat=worst_rhat,
        worst_ess=worst_ess,
        sampler=sampler,
        problems=problems,
        steps_per_draw_median=steps,
    )


def _as_dataset(obj: Any) -> xr.Dataset:
    if isinstance(obj, xr.Dataset):
        return obj
    if isinstance(obj, xr.DataTree):
        node = obj["posterior"] if "posterior" in obj.children else obj
        return node.to_dataset()
    raise TypeError(f"unexpected ArviZ result {type(obj).__name__}")


def save_posterior(tree: xr.DataTree, dest: Path) -> None:
    """Write the groups of a DataTree to NetCDF (h5netcdf) atomically.

    Numeric variables of more than 64 elements are gzip-compressed.

    Parameters
    ----------
    tree : xarray.DataTree
        What to write.
    dest : Path
        The file; replaced only once the new one is complete.
    """
    encoding = {}
    for node in tree.subtree:
        if node.has_data:
            path = node.path
            encoding[path] = {
                name: {"compression": "gzip", "compression_opts": 4}
                for name, var in node.to_dataset().data_vars.items()
                if var.dtype.kind in "fiu" and var.size > 64
            }
    with atomic_path(dest) as tmp:
        tree.to_netcdf(tmp, engine="h5netcdf", encoding=encoding)


# variables of more than this many elements (the per-model capabilities theta: 4.8 million
# values in the shipped fit, most of the file) are read on first use; most queries never need them
LAZY_ABOVE = 1_000_000


def load_posterior(path: Path, lazy_above: int | None = LAZY_ABOVE) -> xr.DataTree:
    """Read a DataTree written by `save_posterior`.

    Variables of more than `lazy_above` elements are read on first use (the file stays open for
    them); everything smaller is read now, so a damaged file still fails here. With
    `lazy_above=None` everything is read and the file is closed.
    """
    if lazy_above is None:
        with xr.open_datatree(path, engine="h5netcdf") as tree:
            return tree.load()
    tree = xr.open_datatree(path, engine="h5netcdf")
    try:
        for node in tree.subtree:
            for var in node.variables.values():
                if var.size <= lazy_above:
                    var.load()
    except BaseException:
        tree.close()
        raise
    return tree


def loo_pit_values(y: np.ndarray, y_rep: np.ndarray, loglik: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """PSIS-LOO-PIT values p(y_rep_i <= y_i | y_-i) and Pareto k-hat per observation.

    Vehtari, Gelman & Gabry 2017, arXiv:1507.04544.

    Parameters
    ----------
    y : numpy.ndarray
        Observations, (n_obs,).
    y_rep : numpy.ndarray
        Replicates, (n_draws, n_obs).
    loglik : numpy.ndarray
        Pointwise log likelihoods of the same draws, (n_draws, n_obs).

    Returns
    -------
    tuple of numpy.ndarray
        (LOO-PIT values, Pareto k-hat), each (n_obs,).
    """
    import arviz_stats as azs  # deferred: ArviZ loads slowly and only LOO needs it

    def group(values: np.ndarray) -> xr.Dataset:
        return xr.Dataset({"y": (("chain", "draw", "obs"), np.asarray(values, dtype=float)[None])})

    tree = xr.DataTree.from_dict({
        "posterior": xr.Dataset({"draw_index": (("chain", "draw"), np.arange(y_rep.shape[0])[None])}),
        "posterior_predictive": group(y_rep),
        "log_likelihood": group(loglik),
        "observed_data": xr.Dataset({"y": (("obs",), np.asarray(y, dtype=float))}),
    })
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # k-hat > 0.7 is reported, not warned
        loo = azs.loo(tree, var_name="y", pointwise=True)  # Pareto-smoothed weights, once
        pit = azs.loo_pit(tree, var_names="y", log_weights=xr.Dataset({"y": loo.log_weights}),
                          pareto_k=xr.Dataset({"y": loo.pareto_k}))["y"].values
    khat = getattr(loo.pareto_k, "values", loo.pareto_k)
    return np.asarray(pit, dtype=float), np.asarray(khat, dtype=float)
