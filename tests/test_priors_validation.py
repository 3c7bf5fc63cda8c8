"""Bad priors folders: each problem is one UserError naming the file and the key."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from forecast.core.errors import UserError
from forecast.core.paths import default_priors_dir
from forecast.inputs.priors import check_priors, load_priors

SHIPPED = default_priors_dir()


@pytest.fixture(scope="module", autouse=True)
def isolated_cache(tmp_path_factory):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("FORECAST_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
        yield


@pytest.fixture
def folder(tmp_path) -> Path:
    dest = tmp_path / "priors"
    dest.mkdir()
    for p in SHIPPED.glob("*.toml"):
        shutil.copy(p, dest / p.name)
    return dest


def edit(folder: Path, name: str, old: str, new: str, count: int = 1) -> None:
    path = folder / name
    text = path.read_text()
    assert text.count(old) == count, f"{old!r} occurs {text.count(old)} times in {name}"
    path.write_text(text.replace(old, new))


def error_of(folder: Path) -> UserError:
    with pytest.raises(UserError) as info:
        check_priors(folder)
    return info.value


def assert_error(folder: Path, file: str, key: str | None, message: str = "") -> UserError:
    err = error_of(folder)
    assert Path(str(err.location.file)).name == file, str(err)
    assert err.location.key == key, str(err)
    assert message in err.message, str(err)
    text = str(err)
    assert file in text and (key is None or key in text) and "\n" not in text
    return err


def test_shipped_folder_passes(folder):
    ps = check_priors(folder)
    assert len(ps.techniques) == 12


# One edit of one shipped file -> one error: (file, old text, new text, error file, key, message part)
CASES = {
    # unknown keys
    "unknown top-level key": ("objectives.toml", 'id = "objectives"', 'id = "objectives"\ncolour = "red"',
                              "objectives.toml", "colour", "unknown key"),
    "unknown multiplier key": ("objectives.toml", "[multiplier]\n", "[multiplier]\nmode = 2\n",
                               "objectives.toml", "multiplier.mode", "unknown key"),
    "unknown evidence key": ("objectives.toml", '[[evidence]]\ncite = "Tay', '[[evidence]]\nyear = 2022\ncite = "Tay',
                             "objectives.toml", "evidence[1].year", "unknown key"),
    "unknown engine key": ("_engine.toml", "[drift]\n", "[drift]\nspeed = {value = 1, judgement = true}\n",
                           "_engine.toml", "drift.speed", "unknown key"),
    "unknown engine entry key": ("_engine.toml", 'adoption_lag_years = {distribution', 'adoption_lag_years = {foo = 1, distribution',
                                 "_engine.toml", "arrivals.adoption_lag_years.foo", "unknown key"),
    "misspelt engine key": ("_engine.toml", "noise_sd = {", "noise_sdx = {",
                            "_engine.toml", "observation.noise_sdx", "unknown key"),
    # values
    "median outside interval": ("objectives.toml", "median = 1.15", "median = 1.5",
                                "objectives.toml", "multiplier.median", "outside its interval"),
    "negative multiplier": ("objectives.toml", "median = 1.15\ninterval90 = [0.95, 1.39]",
                            "median = -1.0\ninterval90 = [-2.0, 1.39]", "objectives.toml", "multiplier.median", "positive"),
    "zero interval bound": ("multimodal.toml", "interval90 = [0.8, 1.25]", "interval90 = [0.0, 1.25]",
                            "multimodal.toml", "multiplier.interval90", "positive"),
    "normal multiplier": ("multimodal.toml", 'distribution = "lognormal"', 'distribution = "normal"',
                          "multimodal.toml", "multiplier.distribution", "positive"),
    "unknown axis": ("objectives.toml", 'axis = "params_total"', 'axis = "parameters"',
                     "objectives.toml", "axis", "unknown axis"),
    "unknown distribution": ("objectives.toml", 'distribution = "lognormal"', 'distribution = "lognormall"',
                             "objectives.toml", "multiplier.distribution", "unknown distribution"),
    "unknown engine distribution": ("_engine.toml", 'org_sd = {distribution = "lognormal"', 'org_sd = {distribution = "cauchy"',
                                    "_engine.toml", "frontier.org_sd.distribution", "unknown distribution"),
    "interval the family cannot match": ("objectives.toml", "interval90 = [0.95, 1.39]", "interval90 = [0.95, 2.0]",
                                         "objectives.toml", "multiplier.median", "symmetric in log space"),
    "negative engine scale": ("_engine.toml", 'spread = {distribution = "lognormal", median = 0.5, interval90 = [0.2, 1.25]',
                              'spread = {distribution = "normal", interval90 = [-0.1, 0.26], median = 0.08',
                              "_engine.toml", "drift.spread.distribution", "non-negative"),
    "persistence outside 0..1": ("_engine.toml", 'persistence = {distribution = "beta", median = 0.5, interval90 = [0.14, 0.86]',
                                 'persistence = {distribution = "normal", median = 0.5, interval90 = [0.14, 0.86]',
                                 "_engine.toml", "drift.persistence.distribution", "between 0 and 1"),
    # citations
    "engine distribution without citation": ("_engine.toml", "interval90 = [0.08, 0.5], judgement = true}",
                                             "interval90 = [0.08, 0.5]}", "_engine.toml", "frontier.org_sd",
                                             "missing citation"),
    "engine value without citation": ("_engine.toml", 'E = {value = 1.8172, cite = "Besiroglu et al. 2024, arXiv:2404.10102, Table 1"}',
                                      "E = {value = 1.8172, judgement = false}", "_engine.toml", "tokens.E",
                                      "missing citation"),
    "empty cite": ("objectives.toml", 'cite = "Nguyen, Karampatziakis, Chen 2023, \'Meet in the Middle\', arXiv:2303.07295 (NeurIPS 2023), abstract; Appendix A.1 (similar wall-clock time to left-to-right and FIM training because the two directions run in parallel)"',
                   'cite = " "', "objectives.toml", "evidence[3].cite", "empty"),
    # dates
    "date that does not parse": ("objectives.toml", "introduced = 2022-05-10", 'introduced = "2022-13-45"',
                                 "objectives.toml", "introduced", "does not parse"),
    "date-time instead of date": ("objectives.toml", "introduced = 2022-05-10", "introduced = 2022-05-10T10:00:00",
                                  "objectives.toml", "introduced", "not a date-time"),
    "invalid TOML date literal": ("objectives.toml", "introduced = 2022-05-10", "introduced = 2022-13-45",
                                  "objectives.toml", None, "TOML syntax error at line"),
    "engine date": ("_engine.toml", "reference_date = 2023-01-01", 'reference_date = "soon"',
                    "_engine.toml", "releases.reference_date", "does not parse"),
    # missing keys
    "missing indicator": ("objectives.toml", 'indicator = "improved_objective"\n', "",
                          "objectives.toml", "indicator", "missing required key"),
    "missing judgement": ("objectives.toml", "judgement = true\n", "",
                          "objectives.toml", "multiplier.judgement", "missing required key"),
    # wrong types
    "median as string": ("objectives.toml", "median = 1.15", 'median = "1.15"', "objectives.toml", "multiplier.median", "number"),
    "median as bool": ("objectives.toml", "median = 1.15", "median = true", "objectives.toml", "multiplier.median", "number"),
    "median nan": ("objectives.toml", "median = 1.15", "median = nan", "objectives.toml", "multiplier.median", "finite"),
    "median inf": ("objectives.toml", "median = 1.15", "median = inf", "objectives.toml", "multiplier.median", "finite"),
    "three-number interval": ("objectives.toml", "interval90 = [0.95, 1.39]", "interval90 = [0.95, 1.2, 1.39]",
                              "objectives.toml", "multiplier.interval90", "two numbers"),
    "interval as string": ("objectives.toml", "interval90 = [0.95, 1.39]", 'interval90 = "0.95-1.39"',
                           "objectives.toml", "multiplier.interval90", "two numbers"),
    "judgement as string": ("objectives.toml", "judgement = true", 'judgement = "yes"',
                            "objectives.toml", "multiplier.judgement", "true or false"),
    "name as number": ("objectives.toml", 'name = "Improved objectives (UL2/UL2R, FIM, MIM, MTP)"', "name = 3",
                       "objectives.toml", "name", "string"),
    "bad id": ("objectives.toml", 'id = "objectives"', 'id = "Objectives!"', "objectives.toml", "id", "lower-case"),
    "upper slope ratio of zero": ("_engine.toml", "upper_slope_ratio = {value = 0.5,",
                                  "upper_slope_ratio = {value = 0.0,",
                                  "_engine.toml", "links.mmlu.upper_slope_ratio.value", "must be positive"),
    "negative upper slope ratio prior": ("_engine.toml", "upper_slope_ratio = {value = 0.5,",
                                         'upper_slope_ratio = {distribution = "normal", median = 0.4, '
                                         'interval90 = [0.2, 0.6],',
                                         "_engine.toml", "links.mmlu.upper_slope_ratio.distribution", "non-negative"),
    "engine switch as number": ("_engine.toml", "enabled = false", "enabled = 0",
                                "_engine.toml", "saturation.enabled", "true or false"),
    "reference_tpp as bool": ("overtraining.toml", "reference_tpp = 1000.0", "reference_tpp = true",
                              "overtraining.toml", "reference_tpp", "number"),
    "TOML syntax error": ("ssm_hybrid.toml", "median = 1.15", "median = = 1.15",
                          "ssm_hybrid.toml", None, "TOML syntax error at line"),
    # special semantics and overlaps
    "MoE total effect": ("mixture_of_experts.toml", "median = 0.6", "median = 0.7",
                         "mixture_of_experts.toml", "total_effect.median", "reference_sparsity"),
    "MoE without sparsity": ("mixture_of_experts.toml", "reference_sparsity = 5.0\n", "",
                             "mixture_of_experts.toml", "reference_sparsity", "params_active"),
    "4-bit retention": ("quantization.toml", "4 = {median = 0.875, interval90 = [0.7125, 1.075]}",
                        "4 = {median = 0.9, interval90 = [0.8, 1.0125]}", "quantization.toml", "bits.4", "byte multiplier"),
    "bit width": ("quantization.toml", "8 = {median", "17 = {median", "quantization.toml", "bits.17", "1 to 16"),
    "overlap with unknown technique": ("ssm_hybrid.toml", 'with = "architecture"', 'with = "attention_free"',
                                       "ssm_hybrid.toml", "overlaps[1].with", "unknown technique"),
    "rho out of range": ("data_curation.toml", "rho = -0.4", "rho = -1.5",
                         "data_curation.toml", "overlaps[1].rho", "between -1 and 1"),
    "earlier law published after introduction": ("overtraining.toml", "published = 2020-01-23", "published = 2022-04-01",
                                                 "overtraining.toml", "before_introduction.published", "must be before"),
    "unknown earlier law": ("overtraining.toml", 'law = "kaplan"', 'law = "hestness"',
                            "overtraining.toml", "before_introduction.law", "unknown law"),
    "negative earlier-law constant": ("overtraining.toml", "\nalpha_D = 0.103\n", "\nalpha_D = -0.103\n",
                                      "overtraining.toml", "before_introduction.alpha_D", "must be positive"),
    "unknown earlier-law key": ("overtraining.toml", "\nN_c = 6.4e13", "\nN_c = 6.4e13\nE = 1.69",
                                "overtraining.toml", "before_introduction.E", "unknown key"),
    "earlier law without judgement": ("overtraining.toml", "interval90 = [1.046, 1.373], judgement = true,",
                                      "interval90 = [1.046, 1.373],", "overtraining.toml",
                                      "before_introduction.multiplier.judgement", "missing required key"),
    "rho without correlation": ("deduplication.toml", 'treatment = "net_of"', 'treatment = "net_of"\nrho = 0.1',
                                "deduplication.toml", "overlaps[1].rho", "only to treatment"),
    # the publication date of an evidence entry
    "evidence without a publication date": ("objectives.toml", "published = 2022-07-28\n", "",
                                            "objectives.toml", "evidence[2].published", "missing required key"),
    "evidence published as text": ("objectives.toml", "published = 2022-07-28", 'published = "July 2022"',
                                   "objectives.toml", "evidence[2].published", "is not a date"),
    "evidence published as a year": ("objectives.toml", "published = 2022-07-28", "published = 2022",
                                     "objectives.toml", "evidence[2].published", "expected a date"),
    "evidence published out of range": ("objectives.toml", "published = 2022-07-28", "published = 1850-01-01",
                                        "objectives.toml", "evidence[2].published", "outside"),
}


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_bad_value(folder, case):
    name, old, new, err_file, key, message = CASES[case]
    edit(folder, name, old, new)
    assert_error(folder, err_file, key, message)


def test_unknown_engine_section(folder):
    (folder / "_engine.toml").write_text((SHIPPED / "_engine.toml").read_text() + "\n[misc]\nx = 1\n")
    assert_error(folder, "_engine.toml", "misc", "unknown key")


def test_missing_evidence(folder):
    text = (folder / "deduplication.toml").read_text()
    head, _, rest = text.partition("[[evidence]]")
    (folder / "deduplication.toml").write_text(head + rest[rest.index("[[overlaps]]"):])
    assert_error(folder, "deduplication.toml", "evidence", "missing citation")


def test_duplicate_id(folder):
    shutil.copy(folder / "objectives.toml", folder / "objectives_copy.toml")
    assert_error(folder, "objectives_copy.toml", "id", "duplicate id")


def test_toml_syntax_error_line_is_the_broken_line(folder):
    edit(folder, "ssm_hybrid.toml", "median = 1.15", "median = = 1.15")
    err = error_of(folder)
    line = int(err.message.split("line ")[1].split(",")[0])
    assert "median = = 1.15" in (folder / "ssm_hybrid.toml").read_text().splitlines()[line - 1]


def test_missing_engine_section(folder):
    text = (folder / "_engine.toml").read_text()
    (folder / "_engine.toml").write_text(text[:text.index("[observation]")] + text[text.index("[links]"):])
    assert_error(folder, "_engine.toml", "observation", "missing required key")


def test_overlap_sides_must_agree(folder):
    edit(folder, "data_curation.toml", "rho = -0.4", "rho = -0.2")
    err = error_of(folder)
    assert err.location.key.startswith("overlaps[") and "disagrees" in err.message


def test_correlations_must_be_positive_definite(folder):
    for name in ("data_curation.toml", "distillation.toml", "overtraining.toml"):
        text = (folder / name).read_text()
        (folder / name).write_text(text.replace("rho = -0.4", "rho = -0.9").replace("rho = -0.3", "rho = -0.9"))
    edit(folder, "overtraining.toml", 'with = "quantization"\ntreatment = "correlated"\nrho = -0.9',
         'with = "quantization"\ntreatment = "correlated"\nrho = -0.3')
    err = error_of(folder)
    assert err.location.key == "overlaps" and "positive-definite" in err.message


def test_moe_multiplier_must_be_a_scale_family(folder):
    edit(folder, "mixture_of_experts.toml", "median = 3.0\ninterval90 = [1.25, 7.2]", "median = 0.5\ninterval90 = [0.2, 0.8]")
    edit(folder, "mixture_of_experts.toml", 'distribution = "lognormal"', 'distribution = "beta"')
    assert_error(folder, "mixture_of_experts.toml", "multiplier.distribution", "scale family")


# -- folder-level problems ----------------------------------------------------------------------

def test_missing_engine_file(folder):
    (folder / "_engine.toml").unlink()
    err = error_of(folder)
    assert "_engine.toml" in err.message and Path(str(err.location.file)) == folder


def test_unknown_underscore_file(folder):
    (folder / "_extra.toml").write_text("x = 1\n")
    assert_error(folder, "_extra.toml", None, "unknown engine file")


def test_folder_not_found(tmp_path):
    with pytest.raises(UserError, match="not found"):
        load_priors(tmp_path / "nope")


def test_non_utf8_file(folder):
    (folder / "objectives.toml").write_bytes(b'id = "\xff\xfe"\n')
    assert_error(folder, "objectives.toml", None, "UTF-8")


def test_a_fixed_multiplier_and_a_new_technique_are_accepted(folder):
    (folder / "tool_use.toml").write_text('''
id = "tool_use"
name = "Tool use"
axis = "params_total"
introduced = 2023-02-09
introduced_in = "Schick et al. 2023, Toolformer, arXiv:2302.04761"
indicator = "synthetic_data"
adoption = "test"
[multiplier]
distribution = "fixed"
median = 1.2
judgement = true
[[evidence]]
cite = "Schick et al. 2023, arXiv:2302.04761, abstract"
published = 2023-02-09
finding = "f"
conversion = "c"
''')
    ps = check_priors(folder)
    assert ps["tool_use"].multiplier.ppf(0.9) == 1.2 and ps["tool_use"].log10_prior[1] == 0.0


def test_earlier_law_only_for_the_token_technique(folder):
    text = (folder / "overtraining.toml").read_text()
    start = text.index("\n[before_introduction]\n")
    section = text[start:text.index("[[evidence]]", start)]
    target = folder / "objectives.toml"
    target.write_text(target.read_text() + "\n" + section)
    assert_error(folder, "objectives.toml", "before_introduction", "only for the over-training technique")
