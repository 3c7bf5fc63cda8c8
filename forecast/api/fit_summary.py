"""A fit's technique multipliers against their priors, for `forecast fit` and the report."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from forecast.model.fit import Fit


def technique_table(fit: Fit, priors: Any) -> pd.DataFrame:
    """Prior and posterior median / 90% interval of every technique multiplier (ratio scale)."""
    post = fit.posterior
    rows = []
    known = priors.introduced_by(fit.as_of)
    for tid, tech in known.techniques.items():
        prior_lo, prior_hi = tech.multiplier.interval(0.9)
        values = None
        if "beta" in post and tid in list(post["technique"].values):
            values = 10 ** post["beta"].sel(technique=tid).values.ravel()
        elif tech.indicator == "moe" and "beta_moe" in post:
            values = 10 ** post["beta_moe"].values.ravel()
        elif tech.indicator == "training_tokens" and "gamma_tokens" in post:
            ref = known.token_law().log10_multiplier_at(tech.reference_tpp)
            values = 10 ** (post["gamma_tokens"].values.ravel() * ref)
        row = {
            "id": tid,
            "axis": tech.axis,
            "prior_median": float(tech.multiplier.median),
            "prior_interval90": [float(prior_lo), float(prior_hi)],
            "posterior_median": None,
            "posterior_interval90": None,
            "narrowing": None,
            "source": "prior only (not identified by the registry)",
        }
        if values is not None:
            lo, med, hi = np.quantile(values, [0.05, 0.5, 0.95])
            row.update(
                posterior_median=float(med),
                posterior_interval90=[float(lo), float(hi)],
                narrowing=float(1 - np.log(hi / lo) / np.log(prior_hi / prior_lo)),
                source="posterior",
            )
        rows.append(row)
    return pd.DataFrame(rows)
