"""Loss laws of training and the parameter multiplier of over- and under-training.

Loss of a dense Transformer with N parameters trained on D tokens (nats per token), as two
published laws state it:

* Hoffmann et al. 2022 (arXiv:2203.15556, eq. 2), with the refitted constants of Besiroglu et
  al. 2024 (arXiv:2404.10102, Table 1), the engine's law:

      L(N, D) = E + A / N**alpha + B / D**beta

* Kaplan et al. 2020 (arXiv:2001.08361, eq. 1.5, constants of Table 2), the law known before
  Chinchilla, which the engine uses for fits as of a date before the over-training technique's
  introduction:

      L(N, D) = ((N_c / N)**(alpha_N / alpha_D) + D_c / D)**alpha_D

A model trained at r = D/N tokens per parameter reaches the loss of a `reference_tpp`-tokens-per-
parameter (~20, compute-optimal under Chinchilla) model of N_eq parameters, where

    L(N_eq, reference_tpp * N_eq) = L(N, r * N).

The parameter multiplier is m(r) = N_eq / N. Under the Chinchilla law it is about 0.22 for GPT-3
(r = 1.7), 1 at r = 20, about 3.7 at r = 1000, and it saturates near 6.5 as r -> infinity (the
data term vanishes). Under Kaplan's law under-training costs about as much (0.32 at r = 1.7) but
over-training gains little (1.20 at r = 1000). The engine works with log10 m(r) as a function of
log10 r, tabulated at a reference size (7e9 parameters; under the Chinchilla law m changes by
under 5% between 1e9 and 7e10 parameters, under Kaplan's by up to a factor of 2 at r ~ 1, which
the fitted scale gamma of the curve absorbs).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy.optimize import brentq


class LossLaw:
    """A loss law L(N, D) and the parameter multiplier m(r) = N_eq / N it implies (module
    docstring). Subclasses are frozen dataclasses with a `reference_tpp` field that define `loss`
    and `floor` (a loss no reference model goes below)."""

    reference_tpp: float

    def loss(self, n_params: float, n_tokens: float) -> float:
        raise NotImplementedError

    def floor(self) -> float:
        raise NotImplementedError

    def multiplier(self, n_params: float, tokens_per_param: float) -> float:
        """m = N_eq/N: size of the `reference_tpp` model with the same loss, over N."""
        target = self.loss(n_params, tokens_per_param * n_params)
        if target <= self.floor():
            return np.inf

        def gap(log10_n: float) -> float:
            n = 10.0**log10_n
            return self.loss(n, self.reference_tpp * n) - target

        return 10.0 ** brentq(gap, 3.0, 30.0, xtol=1e-10) / n_params

    def log10_multiplier_table(
        self, n_params: float = 7e9, lo: float = -0.5, hi: float = 5.0, n: int = 221
    ) -> tuple[np.ndarray, np.ndarray]:
        """Grid of log10 r (tokens per parameter) and log10 m(r), evenly spaced in log10 r."""
        return _table(self, n_params, lo, hi, n)

    def log10_multiplier_at(self, tokens_per_param: float) -> float:
        """log10 m(r) at one ratio r, read off `log10_multiplier_table` (linear in log10 r)."""
        grid_x, grid_y = self.log10_multiplier_table()
        return float(np.interp(np.log10(tokens_per_param), grid_x, grid_y))


@dataclass(frozen=True)
class ChinchillaLaw(LossLaw):
    """L(N, D) = E + A/N^alpha + B/D^beta in nats per token (Besiroglu et al. 2024 defaults)."""

    E: float = 1.8172
    A: float = 482.01
    B: float = 2085.43
    alpha: float = 0.3478
    beta: float = 0.3658
    reference_tpp: float = 20.0

    def loss(self, n_params: float, n_tokens: float) -> float:
        return self.E + self.A / n_params**self.alpha + self.B / n_tokens**self.beta

    def floor(self) -> float:
        return self.E + self.A / 1e30**self.alpha


@dataclass(frozen=True)
class KaplanLaw(LossLaw):
    """L(N, D) = ((N_c/N)^(alpha_N/alpha_D) + D_c/D)^alpha_D in nats per token, N in parameters
    and D in tokens (Kaplan et al. 2020, arXiv:2001.08361, eq. 1.5 with Table 2's joint fit)."""

    N_c: float = 6.4e13
    D_c: float = 1.8e13
    alpha_N: float = 0.076
    alpha_D: float = 0.103
    reference_tpp: float = 20.0

    def loss(self, n_params: float, n_tokens: float) -> float:
        return ((self.N_c / n_params) ** (self.alpha_N / self.alpha_D) + self.D_c / n_tokens) ** self.alpha_D

    def floor(self) -> float:
        return self.loss(1e30, self.reference_tpp * 1e30)


@lru_cache(maxsize=8)
def _table(law: LossLaw, n_params: float, lo: float, hi: float, n: int):
    x = np.linspace(lo, hi, n)
    y = np.array([np.log10(law.multiplier(n_params, 10.0**xi)) for xi in x])
    return x, y


def interp_uniform(x, grid_lo: float, grid_step: float, values: np.ndarray):
    """Linear interpolation on an evenly spaced grid, clamped at both ends (NumPy)."""
    pos = np.clip((np.asarray(x, dtype=float) - grid_lo) / grid_step, 0.0, len(values) - 1.0)
    idx = np.minimum(np.floor(pos).astype(int), len(values) - 2)
    w = pos - idx
    return values[idx] * (1.0 - w) + values[idx + 1] * w
