"""The shipped priors folder and the `forecast.inputs.priors` interface: fits, distributions, queries."""

from __future__ import annotations

import math
import os
import subprocess
import sys
import tomllib
from datetime import date

import numpy as np
import pandas as pd
import pytest

from forecast.core.errors import UserError
from forecast.core.paths import default_priors_dir
from forecast.api.prior_summary import params_axis_summary
from forecast.inputs.priors import DISTRIBUTIONS, Dist, PriorSet, load_priors

SHIPPED = default_priors_dir()
EXPECTED = {  # id: (indicator, axis) as the registry and the model expect them
    "instruction_tuning": ("instruction_tuned", "params_total"),
    "reasoning_rl": ("reasoning_rl", "params_total"),
    "objectives": ("improved_objective", "params_total"),
    "multimodal": ("multimodal", "params_total"),
    "mixture_of_experts": ("moe", "params_active"),
    "ssm_hybrid": ("ssm_hybrid", "params_total"),
    "quantization": ("quantized_release", "memory_bytes"),
    "data_curation": ("curated_data", "params_total"),
    "deduplication": ("deduplicated", "params_total"),
    "distillation": ("distilled", "params_total"),
    "architecture": ("modern_arch", "params_total"),
    "overtraining": ("training_tokens", "params_total"),
}


@pytest.fixture(scope="module", autouse=True)
def isolated_cache(tmp_path_factory):
    """Fitted-parameter cache in a temporary folder, not the user's cache."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("FORECAST_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
        yield


@pytest.fixture(scope="module")
def priors(isolated_cache) -> PriorSet:
    return load_priors()


def test_shipped_folder_has_the_agreed_ids_indicators_and_axes(priors):
    assert list(priors.techniques) == sorted(EXPECTED)
    for tid, (indicator, axis) in EXPECTED.items():
        t = priors[tid]
        assert (t.indicator, t.axis) == (indicator, axis)
        assert t.evidence, tid
        assert all(e.cite and e.finding and e.conversion for e in t.evidence)
        assert "arXiv" in " ".join(e.cite for e in t.evidence) or tid == "reasoning_rl"


def _file_quantiles(table: dict) -> list[tuple[float, float]]:
    out = []
    if "median" in table:
        out.append((0.5, table["median"]))
    if "interval90" in table:
        out += [(0.05, table["interval90"][0]), (0.95, table["interval90"][1])]
    return out


def _every_file_distribution(priors: PriorSet) -> list[tuple[str, dict, Dist]]:
    """(label, the file's own table read with tomllib, the loaded Dist) for every prior."""
    items = []
    for t in priors.techniques.values():
        raw = tomllib.loads(t.file.read_text())
        items.append((f"{t.id}.multiplier", raw["multiplier"], t.multiplier))
        for bits, table in raw.get("bits", {}).items():
            if bits.isdigit():
                items.append((f"{t.id}.bits.{bits}", table, t.bits[int(bits)]))
    engine_raw = tomllib.loads((SHIPPED / "_engine.toml").read_text())
    for name in priors.engine.sources:
        parts = name.split(".")
        table = engine_raw
        for p in parts:
            table = table[p]
        dated = name.removesuffix(".before")
        value = priors.engine.dated[dated][1] if dated != name else priors.engine.value(name)
        if isinstance(value, Dist) and value.distribution != "fixed":  # a `value`: nothing to fit
            items.append((name, table, value))
    return items


def test_preliz_fit_matches_every_file_within_one_percent(priors):
    import preliz as pz

    checked = 0
    for label, table, dist in _every_file_distribution(priors):
        cls = getattr(pz, {"lognormal": "LogNormal", "normal": "Normal", "halfnormal": "HalfNormal",
                           "gamma": "Gamma", "beta": "Beta"}[dist.distribution])
        q = np.asarray(cls(**dist.params).ppf(np.array([0.05, 0.5, 0.95])))
        for prob, want in _file_quantiles(table):
            got = q[[0.05, 0.5, 0.95].index(prob)]
            assert abs(got - want) <= 0.01 * abs(want), (label, prob, got, want)
        checked += 1
    assert checked >= 12 + 6 + 17  # techniques, quantization bits, engine distributions


@pytest.mark.parametrize("name,median,interval", [
    ("lognormal", 3.0, (1.25, 7.2)), ("normal", 0.1, (-0.15, 0.35)), ("gamma", 2.0, (0.683, 4.434)),
    ("beta", 0.05, (0.0108, 0.135)), ("halfnormal", 0.08, None), ("exponential", 0.5, None),
    ("weibull", None, (0.5, 3.0)), ("inversegamma", None, (0.5, 3.0)),
])
def test_each_family_fits_and_scipy_agrees_with_preliz(name, median, interval):
    import preliz as pz

    d = Dist.fit(name, median=median, interval90=interval)
    preliz_cls = getattr(pz, {"lognormal": "LogNormal", "normal": "Normal", "gamma": "Gamma", "beta": "Beta",
                              "halfnormal": "HalfNormal", "exponential": "Exponential", "weibull": "Weibull",
                              "inversegamma": "InverseGamma"}[name])
    qs = np.array([0.01, 0.05, 0.3, 0.5, 0.95, 0.999])
    np.testing.assert_allclose(d.ppf(qs), preliz_cls(**d.params).ppf(qs), rtol=1e-6)
    if median is not None:
        assert d.ppf(0.5) == pytest.approx(median, rel=0.01)
    if interval is not None:
        assert d.interval(0.9) == pytest.approx(interval, rel=0.01)
    # log10 moments are exact: compare with a large sample
    if name != "normal":
        x = np.log10(d.sample(np.random.default_rng(1), 400_000))
        mean, sd = d.log10_moments()
        assert mean == pytest.approx(x.mean(), abs=0.01 * max(1.0, x.std()))
        assert sd == pytest.approx(x.std(), rel=0.01)
    else:
        with pytest.raises(ValueError):
            d.log10_moments()
    z = np.array([-1.6448536, 0.0, 1.6448536])
    np.testing.assert_allclose(d.from_standard_normal(z), d.ppf(np.array([0.05, 0.5, 0.95])), rtol=1e-6)
    assert name in DISTRIBUTIONS


def test_fit_rejects_values_the_family_cannot_match():
    with pytest.raises(UserError, match="symmetric in log space"):
        Dist.fit("lognormal", median=1.15, interval90=(0.95, 2.0))
    with pytest.raises(UserError, match="within 1%"):
        Dist.fit("halfnormal", median=0.1, interval90=(0.05, 0.2))


def test_scaled_fixed_and_pymc():
    d = Dist.fit("lognormal", median=3.0, interval90=(1.25, 7.2))
    s = d.scaled(0.2)
    assert s.median == pytest.approx(0.6)
    np.testing.assert_allclose(s.ppf(np.array([0.05, 0.95])), [0.25, 1.44], rtol=1e-3)
    assert s.log10_moments()[1] == pytest.approx(d.log10_moments()[1])
    f = Dist.fixed(2.0)
    assert f.ppf(0.3) == 2.0 and f.interval() == (2.0, 2.0) and f.log10_moments() == (math.log10(2.0), 0.0)
    assert np.all(f.sample(np.random.default_rng(0), 5) == 2.0)

    import pymc as pm

    with pm.Model():
        rv = d.to_pymc("m")
        point = pm.draw(rv, draws=20_000, random_seed=3)
    assert np.median(point) == pytest.approx(3.0, rel=0.03)


def test_log10_prior_is_exact_for_lognormal_files(priors):
    t = priors["data_curation"]
    mean, sd = t.log10_prior
    assert mean == pytest.approx(math.log10(2.5))
    assert sd == pytest.approx(math.log10(6.25 / 1.0) / (2 * 1.6448536), rel=1e-3)


def test_mixture_of_experts_active_and_total_effects(priors):
    moe = priors["mixture_of_experts"]
    assert moe.reference_sparsity == 5.0
    assert moe.total_multiplier.median == pytest.approx(0.6)
    assert moe.total_multiplier.interval90 == pytest.approx((0.25, 1.44))
    k_mean, k_sd = moe.kappa_prior
    assert k_mean == pytest.approx(math.log(3) / math.log(5))
    assert 5 ** (k_mean - 1) == pytest.approx(0.6)


def test_quantization_bytes_and_bits(priors):
    q = priors["quantization"]
    assert q.axis == "memory_bytes" and sorted(q.bits) == [2, 3, 4, 5, 6, 8]
    assert q.retention(4).median == pytest.approx(q.multiplier.median * 4 / 16)
    assert q.retention(4).median == pytest.approx(0.875)
    # 4 bits is bit-optimal (Dettmers & Zettlemoyer): bytes multiplier retention*16/b peaks at 4
    byte_mult = {b: d.median * 16 / b for b, d in q.bits.items()}
    assert max(byte_mult, key=byte_mult.get) == 4
    with pytest.raises(UserError):
        q.retention(7)


def test_overtraining_and_token_law(priors):
    o = priors["overtraining"]
    assert o.reference_tpp == 1000.0 and o.indicator == "training_tokens"
    tok = priors.engine.tokens
    assert (tok.E, tok.A, tok.B, tok.alpha, tok.beta, tok.reference_tpp) == (1.8172, 482.01, 2085.43, 0.3478, 0.3658, 20.0)
    assert tok.compute_exponent == pytest.approx(0.5126, abs=1e-4)
    law = tok.law()
    assert law.multiplier(7e9, 20.0) == pytest.approx(1.0)
    assert law.multiplier(175e9, 300e9 / 175e9) == pytest.approx(0.23, abs=0.01)


def test_token_law_in_force_at_the_as_of_date(priors):
    from forecast.model.priors import model_priors_from
    from forecast.projection.future_draws import tokens_score
    from forecast.inputs.scaling_law import ChinchillaLaw, KaplanLaw

    before = priors["overtraining"].before
    assert (before.N_c, before.D_c, before.alpha_N, before.alpha_D) == (6.4e13, 1.8e13, 0.076, 0.103)
    early, late = priors.introduced_by("2022-01-01"), priors.introduced_by("2022-03-29")
    assert isinstance(early.token_law(), KaplanLaw) and early.token_law().reference_tpp == 20.0
    assert isinstance(late.token_law(), ChinchillaLaw) and late.token_law() == priors.engine.tokens.law()
    bench = pd.DataFrame({"benchmark": ["mmlu"], "chance": [0.25]})
    assert model_priors_from(early, bench).law == early.token_law()
    # the file's multiplier is the Kaplan law's m(1000) at 7e9 parameters, gamma's median 1
    ref = early.token_law().log10_multiplier_at(1000.0)
    assert before.multiplier.median == pytest.approx(10**ref, rel=1e-3)
    assert tokens_score(early, np.array([1.0]))[0] == pytest.approx(0.0, abs=0.01)


@pytest.mark.parametrize("n_params", [1e9, 7e9, 280e9])
def test_kaplan_multiplier_solves_the_equal_loss_equation(n_params):
    from forecast.inputs.scaling_law import ChinchillaLaw, KaplanLaw

    law = KaplanLaw()
    ratios = [0.5, 1.1, 1.7, 20.0, 100.0, 1000.0, 1e5]
    m = np.array([law.multiplier(n_params, r) for r in ratios])
    for r, mr in zip(ratios, m, strict=True):
        n_eq = mr * n_params
        assert law.loss(n_eq, 20.0 * n_eq) == pytest.approx(law.loss(n_params, r * n_params), rel=1e-9)
    assert np.all(np.diff(m) > 0) and m[3] == pytest.approx(1.0)
    # under-training costs about what Chinchilla's law charges; over-training gains far less
    chin = ChinchillaLaw()
    assert 0.5 < m[2] / chin.multiplier(n_params, 1.7) < 3.0
    assert m[5] < 1.4 < chin.multiplier(n_params, 1000.0)


def test_correlation_matrix(priors):
    ids = ["data_curation", "distillation", "overtraining", "quantization", "architecture"]
    r = priors.correlation(ids)
    assert r.shape == (5, 5) and np.allclose(r, r.T) and np.allclose(np.diag(r), 1.0)
    assert r[0, 2] == -0.4 and r[1, 2] == -0.4 and r[0, 1] == -0.3 and r[3, 2] == -0.3
    assert r[4, :4].tolist() == [0, 0, 0, 0]
    assert np.linalg.eigvalsh(priors.correlation(list(priors.techniques))).min() > 0
    assert priors.correlation(["overtraining", "data_curation"])[0, 1] == -0.4  # order respected
    with pytest.raises(UserError):
        priors.correlation(["nope"])


def test_sample_multipliers_reproduces_marginals_and_correlation(priors):
    ids = ["data_curation", "overtraining", "distillation"]
    m = priors.sample_multipliers(ids, np.random.default_rng(0), 200_000)
    assert m.shape == (200_000, 3)
    assert np.median(m, axis=0) == pytest.approx([2.5, 3.5, 1.5], rel=0.02)
    assert np.corrcoef(np.log(m).T) == pytest.approx(priors.correlation(ids), abs=0.01)


def test_introduced_by_and_without(priors):
    early = priors.introduced_by(date(2021, 12, 31))
    assert set(early.techniques) == {"mixture_of_experts", "distillation", "deduplication", "instruction_tuning",
                                     "overtraining"}
    assert early.sha256 != priors.sha256
    # before Chinchilla the token effect is kept in the form of the law known then (Kaplan et al.)
    tok = early["overtraining"]
    assert tok.earlier_form and not priors["overtraining"].earlier_form
    assert tok.multiplier == priors["overtraining"].before.multiplier
    assert tok.introduced == date(2020, 1, 23) and "arXiv:2001.08361" in tok.introduced_in
    assert early.introduced_by(date(2021, 12, 31)) is early
    assert early.introduced_by(date(2021, 6, 1)).sha256 != early.sha256  # instruction tuning dropped
    # the same techniques with and without the earlier form hash apart
    assert priors.without(["architecture", "objectives", "data_curation", "multimodal", "quantization",
                           "ssm_hybrid", "reasoning_rl"]).sha256 != early.sha256
    # before the earlier law's publication the effect is dropped with the technique
    assert "overtraining" not in priors.introduced_by(date(2019, 12, 31)).techniques
    assert priors.introduced_by("2030-01-01") is priors
    assert set(priors.without(["quantization"]).techniques) == set(priors.techniques) - {"quantization"}
    with pytest.raises(UserError):
        priors.without("nonexistent")


def test_replace_overrides_by_dotted_name(priors):
    new = priors.replace({
        "techniques.quantization.multiplier": {"median": 3.0, "interval90": [2.5, 3.6]},
        "techniques.objectives.multiplier": 1.0,
        "engine.arrivals.rate": 0,
        "engine.saturation.enabled": True,
        "engine.links.mmlu.slope": Dist.fit("lognormal", median=2.0, interval90=(1.0, 4.0)),
        "engine.tokens.reference_tpp": 25,
    })
    assert new["quantization"].multiplier.median == 3.0
    assert new["quantization"].retention(4).median == pytest.approx(0.75)  # kept consistent
    assert new["objectives"].multiplier.distribution == "fixed"
    assert new.engine.arrivals.rate.median == 0.0
    assert new.engine.saturation.enabled is True
    assert new.engine.links.for_benchmark("mmlu").slope.median == 2.0
    assert new.engine.links.for_benchmark("mmlu").midpoint is priors.engine.links.benchmarks["mmlu"].midpoint
    assert new.engine.tokens.reference_tpp == 25.0
    assert new.sha256 != priors.sha256 and priors["quantization"].multiplier.median == 3.5
    for bad in ({"techniques.nope.multiplier": 1.0}, {"engine.drift.speed": 1.0},
                {"engine.nosection.x": 1.0}, {"techniques.objectives.multiplier": -1.0},
                {"engine.drift.spread": {"distribution": "normal", "median": 0.1, "interval90": [0, 0.2]}},
                {"engine.drift.persistence": {"distribution": "lognormal", "median": 0.5, "interval90": [0.3, 0.83]}},
                {"engine.drift.persistence": 1.0},
                {"engine.saturation.enabled": "yes"}, {"whatever": 1}):
        with pytest.raises(UserError):
            priors.replace(bad)


def test_engine_typed_access(priors):
    e = priors.engine
    assert e.drift.rate.distribution == "lognormal" and e.drift.rate.median == 0.10
    assert e.saturation.enabled is False
    assert e.releases.reference_date == date(2023, 1, 1)
    assert e.links.for_benchmark("hellaswag").slope is e.links.slope
    assert e.value("links.mmlu.ceiling_loss").distribution == "beta"
    assert all(s.cite or s.judgement for s in e.sources.values())
    with pytest.raises(UserError):
        e.value("drift.nothing")


def test_params_axis_summary(priors):
    s = params_axis_summary(priors, draws=50_000)
    expected = 1.5 * 2.5 * 1.15 * 1.5 * 1.6 * 0.6 * 1.0 * 1.15 * 3.5 * 2.0 * 1.15
    assert s["product_of_medians"] == pytest.approx(expected)
    assert s["monte_carlo"]["median"] == pytest.approx(expected, rel=0.05)
    lo, hi = s["monte_carlo"]["interval90"]
    assert lo < expected < hi
    assert s["annual_rate"]["of_medians"] == pytest.approx(expected ** (1 / s["years"]))
    assert [r["id"] for r in s["techniques"] if not r["included"]] == ["quantization"]
    assert s["comparisons"]["ho_2024"]["params_per_year"] == pytest.approx(1.70, abs=0.01)
    assert s["comparisons"]["densing_law"]["params_per_year"] == pytest.approx(12.4, abs=0.1)
    longer = params_axis_summary(priors, tokens_per_param=1875, draws=5_000)
    ot = next(r for r in longer["techniques"] if r["id"] == "overtraining")
    law = priors.engine.tokens.law()
    power = math.log10(law.multiplier(7e9, 1875)) / math.log10(law.multiplier(7e9, 1000))
    assert ot["median"] == pytest.approx(3.5 ** power)
    early = params_axis_summary(priors, by=date(2021, 12, 31), draws=5_000)
    assert {r["id"] for r in early["techniques"]} == {"mixture_of_experts", "distillation", "deduplication",
                                                       "instruction_tuning", "overtraining"}
    # before Chinchilla, over-training in the form then known: Kaplan et al.'s law and multiplier
    ot = next(r for r in early["techniques"] if r["id"] == "overtraining")
    assert ot["median"] == pytest.approx(1.199)
    early_long = params_axis_summary(priors, by=date(2021, 12, 31), tokens_per_param=1875, draws=5_000)
    kaplan = priors["overtraining"].before.law(20.0)
    power = math.log10(kaplan.multiplier(7e9, 1875)) / math.log10(kaplan.multiplier(7e9, 1000))
    ot = next(r for r in early_long["techniques"] if r["id"] == "overtraining")
    assert ot["median"] == pytest.approx(1.199 ** power)


def test_warm_load_does_not_import_preliz_or_scipy(tmp_path):
    """A warm load reads fitted parameters from the cache (its time is in benchmarks/)."""
    env = dict(os.environ, FORECAST_CACHE_DIR=str(tmp_path / "cache"))
    script = ("import sys; from forecast.inputs.priors import load_priors; p = load_priors(); "
              "print('preliz' in sys.modules, 'scipy' in sys.modules, len(p.techniques))")
    subprocess.run([sys.executable, "-c", script], env=env, check=True, capture_output=True)  # fills the cache
    out = subprocess.run([sys.executable, "-c", script], env=env, check=True, capture_output=True, text=True)
    assert out.stdout.split() == ["False", "False", "12"]


def test_plots(priors, tmp_path):
    from matplotlib.figure import Figure

    from forecast.report.prior_plots import plot_prior, plot_priors

    fig = plot_prior(priors["mixture_of_experts"])
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    assert ax.get_xscale() == "log" and len(ax.get_lines()) >= 4  # two densities, two median marks
    drift = plot_prior(priors.engine.drift.rate, title="drift")
    assert drift.axes[0].get_xscale() == "log"  # a positive rate, lognormal
    grid = plot_priors(priors)
    assert sum(a.get_visible() for a in grid.axes) == len(priors.techniques)
    out = tmp_path / "priors.png"
    grid.savefig(out, dpi=40)
    assert out.stat().st_size > 10_000


def test_content_hash_ignores_prose_and_follows_numbers(priors, tmp_path):
    """Fits are keyed on what the model reads: a corrected citation keeps the hash, a number does not."""
    import shutil

    folder = tmp_path / "priors"
    shutil.copytree(default_priors_dir(), folder)
    assert load_priors(folder).sha256 == priors.sha256  # the folder's path is not hashed
    path = folder / "ssm_hybrid.toml"
    text = path.read_text()
    prose = text.replace("arXiv:2406.07887, abstract", "arXiv:2406.07887, abstract and §4").replace(
        'name = "', 'name = "Renamed: ', 1).replace("# ", "#  ")
    assert prose != text
    path.write_text(prose)
    assert load_priors(folder).sha256 == priors.sha256
    assert "median = 1.15" in prose
    path.write_text(prose.replace("median = 1.15", "median = 1.16"))
    assert load_priors(folder).sha256 != priors.sha256
