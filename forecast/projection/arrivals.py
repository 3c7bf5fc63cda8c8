"""Future techniques' dates and sizes from a counter-based generator (pure NumPy).

Simulated future p's k-th future technique (k = 0, 1, ...) arrives at

    t_{p,k} = t_{p,k-1} + G_{p,k} / lambda,   t_{p,-1} = S,   G = -ln U_{p,k,0} ~ Exp(1),

a Poisson process of rate lambda per year (the path's draw) from the start of arrivals S, cut
at the horizon H (a date after H is no arrival: +inf), and has log10 size

    s_{p,k} = mu_pop + tau_pop Z_{p,k},   Z = sqrt(-2 ln U_{p,k,1}) cos(2 pi U_{p,k,2})   (Box-Muller).

Every uniform is a function of (key, p, k, stream) alone, SplitMix64's output for the counter
c = p 2^24 + 4 k + stream:

    z = key + c * 0x9E3779B97F4A7C15 (mod 2^64),
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9,  z = (z ^ (z >> 27)) * 0x94D049BB133111EB,
    z = z ^ (z >> 31),   U = ((z >> 11) + 1) 2^-53  in (0, 1].

So a path's techniques are the same numbers whenever, and in whatever order, they are drawn:
`forecast.projection.simulator.PathSimulator` draws them block by block only as far as each path is
evaluated, and `forecast.projection.crossing_kernel` one at a time inside its month loop (the same
formulas; NumPy's and the C library's log and cos may differ in the last bit, which moves
dates by about 1e-13 years). Paths beyond 2^40 or techniques beyond 2^22 per path would
repeat counters; `forecast.projection.simulator.MAX_ARRIVALS_PER_PATH` keeps far below that.
"""

from __future__ import annotations

import numpy as np

GOLDEN = np.uint64(0x9E3779B97F4A7C15)
MIX1 = np.uint64(0xBF58476D1CE4E5B9)
MIX2 = np.uint64(0x94D049BB133111EB)
SALT = 0xA771  # keeps the arrivals' key apart from other streams of the same seed


def arrival_key(seed: int) -> int:
    """The generator's 64-bit key for a projection seed."""
    return int(np.random.SeedSequence([seed, SALT]).generate_state(1, dtype=np.uint64)[0])


def uniforms(key: int, path: np.ndarray, k: np.ndarray, stream: int) -> np.ndarray:
    """U_{p,k,stream} in (0, 1] for paths `path` and indices `k` (module docstring)."""
    with np.errstate(over="ignore"):
        c = ((np.asarray(path, dtype=np.uint64) << np.uint64(24))
             | (np.asarray(k, dtype=np.uint64) << np.uint64(2)) | np.uint64(stream))
        z = np.uint64(key) + c * GOLDEN
        z = (z ^ (z >> np.uint64(30))) * MIX1
        z = (z ^ (z >> np.uint64(27))) * MIX2
        z = z ^ (z >> np.uint64(31))
    return ((z >> np.uint64(11)) + np.uint64(1)).astype(np.float64) * 2.0**-53


def next_dates(key: int, path: np.ndarray, k: np.ndarray, previous: np.ndarray, rate: np.ndarray,
               horizon: float) -> np.ndarray:
    """t_{p,k} from t_{p,k-1} = `previous` at `rate` per year; +inf past the horizon or at rate 0."""
    gap = -np.log(uniforms(key, path, k, 0))
    out = np.full(len(previous), np.inf)
    ok = rate > 0
    out[ok] = previous[ok] + gap[ok] / rate[ok]
    out[out > horizon] = np.inf
    return out


def standard_normals(key: int, path: np.ndarray, k: np.ndarray) -> np.ndarray:
    """Z_{p,k} by Box-Muller from streams 1 and 2."""
    u1, u2 = uniforms(key, path, k, 1), uniforms(key, path, k, 2)
    return np.sqrt(-2.0 * np.log(u1)) * np.cos(2.0 * np.pi * u2)
