"""First-crossing dates path by path, compiled with Numba (`ProjectionSettings(compiled=True)`).

`forecast.projection.simulator.PathSimulator` draws the drift's Brownian increments and the Exp(1)
thresholds up front; the future techniques' dates and sizes come from the counter-based
generator of `forecast.projection.arrivals`, which gives a path's k-th technique the same numbers whenever
it is drawn, so this kernel draws them itself, one at a time as each path reaches them (`_uniform`
is `forecast.projection.arrivals.uniforms` for one counter). `forecast.projection.crossing.first_crossing` finds
crossings on a grid of every month to the horizon.
`forecast.projection.crossing.march_crossings` does it in NumPy blocks of months with early exit. This kernel finds the same
crossings one path at a time, month by month, and leaves a path at the month it crosses: the
work is the months before each crossing, not the whole grid, without NumPy's per-block
overhead. The posterior draws are split into runs that Numba's threads take in turn; a draw's
paths stay in one run, so the known terms computed for the draw serve all of them. The report
uses it (many questions in one process); a single `forecast when` does not, since loading Numba
costs a new process about 0.4 s.

For path p (posterior draw d) at month edge T_m = start + m/12 it forms, as the module docstring
of `forecast.projection.simulator` states them,

    mu(T) - L = B(T_0) + D_0 + g(G(T)) (+ retention),   G(T) = B(T) - B(T_0) + R(T) + J(T),
    V(T)      = V_B(T) + quality_sd^2 + org_sd^2 + V_J(T),

with B, V_B the known techniques' and the token ratio's mean and variance, R the drift's rise
since the start (trapezoids of the slope per month: exp of the log slope, or max(slope, 0) for
draws that model the slope itself), J, V_J the future techniques' jumps
and g the soft ceiling. Logistic adoption curves are carried by recurrence: with
q(T) = exp(-v (T - c)), sigma(v (T - c)) = 1 / (1 + q) and q(T + 1/12) = q(T) exp(-v/12), one
multiplication per curve and month instead of an exponential (relative error about m ulp after
m months; the NumPy grid evaluates each month directly). Sums are compiled with reassociation
(`FASTMATH`), so they may add in another order than NumPy does; the two agree to about 1e-12
years.

Frontiers:
* "release": the monthly hazard h(T) = sum_q w_q exp(log rate(T, x_q)) Phi((x_q + mu(T) - L -
  theta*) / sqrt(V + noise^2)) (Gauss-Legendre nodes x_q over the size window), its cumulative
  H by trapezoids, and the crossing where H first reaches the path's Exp(1) threshold E, linear
  within the month;
* "mean": the first T with L + mu(T) - L - theta* >= 0, linear within the month.
A path that does not cross by the horizon gets +inf.
"""

from __future__ import annotations

import math

import numba
import numpy as np

from forecast.projection.arrivals import GOLDEN, MIX1, MIX2

SQRT_HALF = math.sqrt(0.5)


@numba.njit(cache=True, inline="always")
def _uniform(key, p, k, stream):
    """`forecast.projection.arrivals.uniforms` for one (path, k, stream): SplitMix64 of the counter."""
    c = (np.uint64(p) << np.uint64(24)) | (np.uint64(k) << np.uint64(2)) | np.uint64(stream)
    z = key + c * GOLDEN
    z = (z ^ (z >> np.uint64(30))) * MIX1
    z = (z ^ (z >> np.uint64(27))) * MIX2
    z = z ^ (z >> np.uint64(31))
    return np.float64((z >> np.uint64(11)) + np.uint64(1)) * 2.0**-53


# reassociation, contraction into fused multiply-adds and reciprocals, but no "no infinities" or
# "no NaNs" assumptions: +inf marks a path that never crosses and an absent saturation ceiling
FASTMATH = {"reassoc", "contract", "arcp", "nsz"}


@numba.njit(cache=True, inline="always")
def _slope(state, log_slope):
    """The drift's slope from its state (`forecast.projection.simulator.drift_slope`)."""
    return math.exp(state) if log_slope else max(state, 0.0)


@numba.njit(cache=True, parallel=True, fastmath=FASTMATH)
def march(grid, known, drift, arrivals, levels, release, question, n_chunks, capacity):
    """First-crossing year per path (module docstring).

    Draw d's paths are draw_ptr[d]..draw_ptr[d + 1] - 1. The draws are split into `n_chunks`
    runs that Numba's threads take in turn; a path's date depends on its own draws alone, so
    the answer does not depend on the chunks or the threads.

    Parameters
    ----------
    grid, known, drift, arrivals, levels, release, question : NamedTuple
        The records of `forecast.projection.kernel_inputs` (Grid, KnownTerms, Drift,
        FutureTechniques, Levels, ReleaseProcess, Question), as
        `forecast.projection.simulator.PathSimulator.kernel_arguments` builds them.
    n_chunks : int
        How many runs of draws Numba's threads share.
    capacity : int
        Room for future techniques per path.

    Returns
    -------
    numpy.ndarray
        (P,) decimal years; +inf when none by the last edge, NaN for a path with more than
        `capacity` future techniques by its crossing.
    """
    edges, draw_ptr, t_ref = grid
    (beta, tech_adoption, ad_speed, ad_mid, ad_max, moe_adoption, moe_shift,
     gamma, tpp_a, tpp_b, tpp_s, gh_z, gh_w, law_lo, law_step, law_y) = known
    # dW has no columns when every walk sd is 0
    mean_reverting, log_slope, W0, dW, decay, step_scale, anchor, rate, walk_sd, drift_start = drift
    (arr_key, arr_start, arr_end, arr_rate, pop_mean, pop_spread, new_amax, new_speed,
     new_lag) = arrivals
    saturation, retention, base_var = levels
    r0, rg, t_growth, c1, c2 = release
    L, release_frontier, theta_star, noise, E, marchable, xq, wq = question
    n = beta.shape[0]
    P = draw_ptr[n]
    M = edges.shape[0] - 1
    K = beta.shape[1]
    Q = xq.shape[0]
    out = np.full(P, np.inf)
    dt = 1.0 / 12.0
    walk = dW.shape[1] > 0
    has_tokens = gamma.shape[0] > 0
    law_top = law_y.shape[0] - 1.0
    r_new = math.exp(-new_speed * dt)
    n_chunks = min(n, n_chunks)
    for c in numba.prange(n_chunks):
        # scratch of one chunk: the draw's known terms by month, its adoption logistics, the
        # path's future techniques arrived so far (a path that needs more than `capacity` gets
        # NaN; the caller asks again with more room)
        known_mean = np.empty(M + 1)
        known_var = np.empty(M + 1)
        q = np.zeros(K + 1)
        r = np.zeros(K + 1)
        amax_tech = np.ones(K)
        s_on = np.empty(capacity)
        q_on = np.empty(capacity)
        rate_q = np.empty(Q)
        for d in range(c * n // n_chunks, (c + 1) * n // n_chunks):
            # draw d: its known terms are filled month by month as its paths need them
            # (`filled`: the last month filled)
            filled = -1
            for k in range(K + 1):
                q[k] = 0.0
                r[k] = 0.0
                a = tech_adoption[k] if k < K else moe_adoption
                if k < K:
                    amax_tech[k] = 1.0  # a technique without a curve: q stays 0
                if a >= 0:
                    # x >= -700 keeps q finite: a curve that far below its midpoint is 0 to machine
                    # precision either way
                    x = max(ad_speed[d, a] * (edges[0] - t_ref - ad_mid[d, a]), -700.0)
                    q[k] = math.exp(-x)
                    r[k] = math.exp(-ad_speed[d, a] * dt)
                    if k < K:
                        amax_tech[k] = ad_max[d, a]
            cap = saturation[d]
            capped = math.isfinite(cap)
            amax = new_amax[d]
            lag = new_lag[d]
            if release_frontier:
                for i in range(Q):
                    z = xq[i] - 10.0
                    rate_q[i] = wq[i] * math.exp(c1[d] * z + c2[d] * z * z)
            for p in range(draw_ptr[d], draw_ptr[d + 1]):
                if not marchable[p]:
                    continue  # never crosses: +inf
                # this path's first future technique (`forecast.projection.arrivals`); the next ones are
                # drawn as they arrive
                rate_d = arr_rate[d]
                k_next = 0
                t_next = np.inf
                if rate_d > 0.0:
                    t_next = arr_start + -math.log(_uniform(arr_key, p, 0, 0)) / rate_d
                    if t_next > arr_end:
                        t_next = np.inf
                n_on = 0  # arrivals dated at or before the current month edge
                full = False
                W = W0[p]
                slope = _slope(anchor[d] + W if mean_reverting else rate[d] + walk_sd[d] * W, log_slope)
                rise = 0.0
                H = 0.0
                h_prev = 0.0
                prev_level = 0.0
                base0 = 0.0
                level0 = 0.0
                for m in range(M + 1):
                    T = edges[m]
                    if filled < m:
                        # known techniques and tokens at T (module docstring); the adoption logistics
                        # one month on first (q holds exp(-x) at the last month filled)
                        if m > 0:
                            for k in range(K + 1):
                                q[k] *= r[k]
                        mean = 0.0
                        var = 0.0
                        for k in range(K):
                            a_k = amax_tech[k] / (1.0 + q[k])
                            b = beta[d, k]
                            mean += a_k * b
                            var += a_k * (1.0 - a_k) * b * b
                        if moe_adoption >= 0:
                            a_k = ad_max[d, moe_adoption] / (1.0 + q[K])
                            s = moe_shift[d]
                            mean += a_k * s
                            var += a_k * (1.0 - a_k) * s * s
                        if has_tokens:
                            mu_r = tpp_a[d] + tpp_b[d] * (T - t_ref)
                            f1 = 0.0
                            f2 = 0.0
                            for i in range(gh_z.shape[0]):
                                pos = min(max((mu_r + gh_z[i] * tpp_s[d] - law_lo) / law_step, 0.0), law_top)
                                j = min(int(math.floor(pos)), law_y.shape[0] - 2)
                                w = pos - j
                                f = law_y[j] * (1.0 - w) + law_y[j + 1] * w
                                f1 += gh_w[i] * f
                                f2 += gh_w[i] * f * f
                            g = gamma[d]
                            mean += g * f1
                            var += g * g * max(f2 - f1 * f1, 0.0)
                        known_mean[m] = mean
                        known_var[m] = var
                        filled = m
                    if m == 0:
                        base0 = known_mean[0]
                        level0 = base0 + drift_start[d] + retention[d]
                    else:
                        # the drift one month on (trapezoid of the slope)
                        if walk:
                            if mean_reverting:
                                W = decay[d] * W + step_scale[d] * dW[p, m - 1]
                            else:
                                W = W + dW[p, m - 1]
                        elif mean_reverting:
                            W = decay[d] * W
                        new_slope = _slope(anchor[d] + W if mean_reverting else rate[d] + walk_sd[d] * W,
                                           log_slope)
                        rise += 0.5 * (slope + new_slope) * dt
                        slope = new_slope
                    # the future techniques: those arrived before T one month on (q_on holds exp(-x)
                    # at the previous edge), then those arrived by T
                    step = r_new if m > 0 else 1.0
                    jump = 0.0
                    jump_var = 0.0
                    for j in range(n_on):
                        q_j = q_on[j] * step
                        q_on[j] = q_j
                        a_j = amax / (1.0 + q_j)
                        s = s_on[j]
                        jump += a_j * s
                        jump_var += a_j * (1.0 - a_j) * s * s
                    while t_next <= T:
                        if n_on == capacity:
                            full = True
                            break
                        z = math.sqrt(-2.0 * math.log(_uniform(arr_key, p, k_next, 1))) * math.cos(
                            2.0 * math.pi * _uniform(arr_key, p, k_next, 2))
                        s = pop_mean[d] + pop_spread[d] * z
                        q_j = math.exp(-new_speed * (T - t_next - lag))
                        q_on[n_on] = q_j
                        s_on[n_on] = s
                        a_j = amax / (1.0 + q_j)
                        jump += a_j * s
                        jump_var += a_j * (1.0 - a_j) * s * s
                        n_on += 1
                        k_next += 1
                        t_new = t_next + -math.log(_uniform(arr_key, p, k_next, 0)) / rate_d
                        t_next = t_new if t_new <= arr_end else np.inf
                    if full:
                        out[p] = np.nan
                        break
                    gain = known_mean[m] - base0 + rise + jump
                    if capped and gain > 0.0:
                        gain = cap * (1.0 - math.exp(-gain / cap))
                    gap = level0 + gain - theta_star[d]  # mu(T) - L - theta*
                    if release_frontier:
                        sd = math.sqrt(known_var[m] + base_var[d] + jump_var + noise[d] * noise[d])
                        h = 0.0
                        for i in range(Q):
                            h += rate_q[i] * 0.5 * math.erfc(-(xq[i] + gap) / sd * SQRT_HALF)
                        h *= math.exp(r0[d] + rg[d] * (min(T, t_growth) - t_ref))
                        if m > 0:
                            H_new = H + 0.5 * (h_prev + h)
                            if H_new >= E[p]:
                                frac = (E[p] - H) / (H_new - H if H_new > H else 1.0)
                                out[p] = edges[m - 1] + frac * (edges[m] - edges[m - 1])
                                break
                            H = H_new
                        elif E[p] <= 0.0:
                            out[p] = T
                            break
                        h_prev = h
                    else:
                        level = L + gap
                        if level >= 0.0:
                            if m == 0:
                                out[p] = T
                            else:
                                frac = -prev_level / (level - prev_level) if level != prev_level else 0.0
                                out[p] = edges[m - 1] + frac * (edges[m] - edges[m - 1])
                            break
                        prev_level = level
    return out
