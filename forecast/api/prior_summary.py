"""The priors' combined effect on the total-parameter axis, for `forecast priors summary`."""

from __future__ import annotations

import math
from datetime import date
from typing import Any

import numpy as np

from forecast.inputs.priors import PriorSet

HO_2024_HALVING_MONTHS = (8.0, 5.0, 14.0)  # median, 95% CI; Ho et al. 2024, arXiv:2403.05812
DENSING_DOUBLING_MONTHS = (3.3, 3.5)  # Xiao et al. 2024, arXiv:2412.04315 (v1; journal version)
SUMMARY_START = date(2020, 1, 1)


def params_axis_summary(
    priors: PriorSet,
    by: date = date(2024, 12, 31),
    tokens_per_param: float | None = None,
    draws: int = 200_000,
    seed: int = 0,
    law_params: float = 7e9,
) -> dict[str, Any]:
    """Product of the technique multipliers introduced by `by`, on the total-parameter axis.

    Conversions: params_total as is; mixture-of-experts at its reference sparsity s on total
    parameters (m / s); quantization excluded (it saves bytes, not parameters); over-training at
    `tokens_per_param` (default: its reference ratio) through the law's curve,
    log10 m(r) = log10 m * log10 m_law(r) / log10 m_law(r_ref), with m_law evaluated at
    `law_params` parameters. Monte Carlo with the overlap correlations gives the 90% interval.
    The implied rate is product ** (1 / years since 2020-01-01). Historical comparisons:
    Ho et al. 2024 compute halving h months -> params x 2**(12 a / h) per year on the
    compute-optimal frontier (a = beta/(alpha+beta)); Densing Law doubling d months -> 2**(12/d).
    """
    subset = priors.introduced_by(by)
    rows = []
    ids = []
    exponents = []
    for t in subset.techniques.values():
        row: dict[str, Any] = {"id": t.id, "axis": t.axis, "introduced": t.introduced.isoformat()}
        if t.axis in ("memory_bytes", "tokens"):
            row.update(included=False, conversion=f"excluded: the {t.axis} axis is not a parameter axis")
            rows.append(row)
            continue
        shift, power = 0.0, 1.0
        if t.reference_sparsity is not None:
            shift = -math.log10(t.reference_sparsity)
            row["conversion"] = f"total parameters at reference sparsity {t.reference_sparsity:g} (m / s)"
        elif t.reference_tpp is not None:
            tpp = t.reference_tpp if tokens_per_param is None else float(tokens_per_param)
            if tpp != t.reference_tpp:
                law = subset.token_law()
                power = math.log10(law.multiplier(law_params, tpp)) / math.log10(law.multiplier(law_params, t.reference_tpp))
            row["conversion"] = f"at {tpp:g} tokens per parameter (reference {t.reference_tpp:g})"
        else:
            row["conversion"] = "as stated (total parameters)"
        row.update(included=True, median=10 ** ((math.log10(t.multiplier.median) + shift) * power))
        rows.append(row)
        ids.append(t.id)
        exponents.append((shift, power))
    rng = np.random.default_rng(seed)
    log_total = np.zeros(draws)
    if ids:
        m = subset.sample_multipliers(ids, rng, draws)
        for n, (shift, power) in enumerate(exponents):
            log_total += (np.log10(m[:, n]) + shift) * power
    years = (by - SUMMARY_START).days / 365.25
    product_of_medians = float(np.prod([r["median"] for r in rows if r["included"]])) if ids else 1.0
    q = np.quantile(log_total, [0.05, 0.5, 0.95])
    a = priors.engine.tokens.compute_exponent
    h, h_lo, h_hi = HO_2024_HALVING_MONTHS
    drift = priors.engine.drift.rate
    rate = product_of_medians ** (1.0 / years)
    return {
        "by": by.isoformat(),
        "start": SUMMARY_START.isoformat(),
        "years": years,
        "techniques": rows,
        "product_of_medians": product_of_medians,
        "monte_carlo": {"draws": draws, "seed": seed, "median": float(10 ** q[1]),
                        "interval90": [float(10 ** q[0]), float(10 ** q[2])]},
        "annual_rate": {"of_medians": rate, "interval90": [float(10 ** (q[0] / years)), float(10 ** (q[2] / years))]},
        "annual_rate_with_drift_median": rate * 10 ** drift.median,
        "drift_median_log10_per_year": drift.median,
        "comparisons": {
            "ho_2024": {
                "cite": "Ho et al. 2024, arXiv:2403.05812: compute to reach a fixed perplexity halves every "
                        "8 months (95% CI 5-14)",
                "params_per_year": 2 ** (12 * a / h),
                "interval": [2 ** (12 * a / h_hi), 2 ** (12 * a / h_lo)],
                "conversion": f"m_N = CEG^{a:.3f} on the compute-optimal frontier (Besiroglu et al. 2024 law)",
            },
            "densing_law": {
                "cite": "Xiao et al. 2024, arXiv:2412.04315: maximum capability density doubles every ~3.3 "
                        "months (3.5 in the journal version)",
                "params_per_year": 2 ** (12 / DENSING_DOUBLING_MONTHS[0]),
                "interval": [2 ** (12 / DENSING_DOUBLING_MONTHS[1]), 2 ** (12 / DENSING_DOUBLING_MONTHS[0])],
            },
        },
    }
