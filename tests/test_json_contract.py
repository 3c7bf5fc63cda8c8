"""The `--json` contract: every command's output validates against its shipped JSON Schema
(forecast/cli/schemas, draft 2020-12, no undocumented top-level field), the shared names mean the
same thing in every command, and a failure under `--json` prints one error object on stdout.

The forecast queries run through the real CLI entry (`forecast.cli.main`) on a fake engine whose
answers are real result objects (`forecast.api.results`) built from fixed samples, so no fit is
needed; the slow test at the end runs them on the session's short real fit.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import jsonschema
import numpy as np
import pytest

from forecast.api.results import QUANTILE_LEVELS, CapabilityResult, SizeResult, WhenResult, stale_data
from forecast.api.targets import make_budget
from forecast.cli.output import SCHEMA_DIR, json_schema
from forecast.core.errors import DiagnosticsFailed
from forecast.inputs.dates import decimal_year, parse_date, year_to_date
from test_data_cli import run as run_main

LEVELS = [f"{q:g}" for q in QUANTILE_LEVELS]
AS_OF, DATA_END = date(2025, 12, 31), date(2025, 5, 20)
ENDS = {"mmlu": DATA_END, "hellaswag": date(2025, 4, 16)}
# the names every answer shares, and the schema definitions they must point to in every schema
SHARED = ("as_of", "data_end", "scenario", "diagnostics", "budget", "p_by", "already_reached_by",
          "n_samples", "ceiling", "p_not_before_horizon")


def diagnostics(ok: bool = True) -> dict:
    return {"rhat_max": 1.004, "ess_bulk_min": 950.0, "ess_tail_min": 1010.0, "divergences": 0,
            "ebfmi_min": 0.6, "draws": 2000, "chains": 4, "seconds": 40.0, "worst_rhat": "slope[mmlu]",
            "worst_ess": "theta[x]", "sampler": "nutpie", "problems": [] if ok else ["R-hat 1.2 > 1.01"],
            "ok": ok}


class FakeEngine:
    """What the forecast commands ask of `forecast.Engine`, answered with real result objects
    from fixed samples (the same for every call, so two commands asking the same agree)."""

    def __init__(self, scenario: str | None = None, ok: bool = True) -> None:
        self.as_of = AS_OF
        self.scenario = SimpleNamespace(name=scenario or "central")
        self.posterior_draws = SimpleNamespace(data_end=decimal_year(DATA_END))
        self._diag = diagnostics(ok)
        rng = np.random.default_rng(3)
        self._years = np.where(rng.random(4000) < 0.1, np.inf, 2026.0 + rng.gamma(2.0, 1.2, 4000))
        self._log10 = np.where(rng.random((4000, 3)) < 0.05, np.inf, 8.5 + rng.random((4000, 3)))
        self._scores = 0.6 + 0.3 * rng.random((4000, 3))

    def fit_scope(self) -> tuple[list[str], list[str]]:
        return ["mmlu", "hellaswag"], ["gpt-3-175b"]

    def target(self, text: str):
        from forecast.api.targets import parse_target

        return parse_target(text, *self.fit_scope())

    def data_end_by_benchmark(self) -> dict:
        return dict(ENDS)

    def check_not_reached_by(self, target, when, key="not_reached_by") -> date:
        return parse_date(when, "not_reached_by")

    def fit(self, strict: bool = False) -> SimpleNamespace:
        if strict and not self._diag["ok"]:
            raise DiagnosticsFailed("; ".join(self._diag["problems"]))
        return SimpleNamespace(diagnostics=SimpleNamespace(to_dict=lambda: dict(self._diag)))

    def when(self, target: str, params=None, active_params=None, memory=None, bits=None,
             horizon="2040-01-01", p_by=(), not_reached_by=None) -> WhenResult:
        reached = ({"model_id": "qwen2.5-0.5b", "name": "Qwen2.5 0.5B", "date": "2024-09-19",
                    "params_total": 4.9e8, "judged_by": "posterior median capability"}
                   if target.startswith("model:") else None)
        samples = (np.full(4000, decimal_year(date(2024, 9, 19))) if reached else self._years)
        end = parse_date(horizon, "horizon")
        dates = sorted({date(y, 1, 1) for y in range(AS_OF.year + 1, end.year + 1)}
                       | {parse_date(d, "p_by") for d in p_by})
        ceiling = [] if reached else [{
            "benchmark": "mmlu", "score": 0.7, "ceiling_median": 0.88, "ceiling_interval90": [0.87, 0.89],
            "share_at_or_above_ceiling": 0.0,
            "best_observed": {"model_id": "o1", "name": "o1", "score": 0.918, "params_total": None}}]
        return WhenResult(target=target, budget=make_budget(params, active_params, memory, bits), as_of=AS_OF,
                          start=DATA_END, horizon=end, samples=samples, already_reached_by=reached,
                          diagnostics=self.fit().diagnostics.to_dict(), p_by_dates=dates,
                          scenario=self.scenario.name, ceiling=ceiling, target_data_end=DATA_END,
                          data_end_by_benchmark=dict(ENDS), stale_data=stale_data(ENDS, ["mmlu"], AS_OF))

    def size(self, target: str, dates: list[str]) -> SizeResult:
        ds = [parse_date(d, "date") for d in dates]
        return SizeResult(target=target, dates=ds, log10_params=self._log10[:, : len(ds)],
                          diagnostics=self.fit().diagnostics.to_dict(), scenario=self.scenario.name,
                          ceiling=self.when(target, params="1B").ceiling, as_of=AS_OF, data_end=DATA_END,
                          data_end_by_benchmark=dict(ENDS), stale_data=stale_data(ENDS, ["mmlu"], AS_OF))

    def capability(self, benchmark: str, dates: list[str], params=None, active_params=None, memory=None,
                   bits=None) -> CapabilityResult:
        ds = [parse_date(d, "date") for d in dates]
        return CapabilityResult(benchmark=benchmark, budget=make_budget(params, active_params, memory, bits),
                                dates=ds, scores=self._scores[:, : len(ds)],
                                diagnostics=self.fit().diagnostics.to_dict(), scenario=self.scenario.name,
                                as_of=AS_OF, data_end=DATA_END, data_end_by_benchmark=dict(ENDS),
                                stale_data=stale_data(ENDS, [benchmark], AS_OF))


@pytest.fixture
def fake_engine(monkeypatch):
    """`forecast when/size/capability/compare` answer from `FakeEngine`; returns a switch that makes
    the fit fail its checks."""
    import forecast.cli.forecast_cmd as forecast_cmd

    state = {"ok": True}
    monkeypatch.setattr(forecast_cmd, "make_engine",
                        lambda data, priors, as_of, seed, draws=2000, scenario=None, **kw:
                        FakeEngine(scenario, state["ok"]))
    return state


QUERIES = {
    "when": ["when", "--target", "mmlu=0.7", "--params", "7B", "--p-by", "2027-06-30"],
    "size": ["size", "--target", "mmlu=0.7", "--date", "2027-01-01", "--date", "2028-01-01"],
    "capability": ["capability", "--benchmark", "mmlu", "--params", "3B", "--date", "2027-01-01"],
    "compare": ["compare", "--scenario", "central", "--target", "mmlu=0.7", "--target", "model:gpt-3-175b",
                "--params", "7B"],
}


def validate(command: str, out: dict) -> None:
    schema = json_schema(command)
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).validate(out)


def run_json(capsys, args: list[str]) -> dict:
    code, out, err = run_main([*args, "--json"], capsys)
    assert code == 0, err
    return json.loads(out)  # one object and nothing else


def query_outputs(capsys) -> dict[str, dict]:
    return {name: run_json(capsys, args) for name, args in QUERIES.items()}


def test_every_schema_is_valid_draft_2020_12_and_closed():
    names = sorted(p.stem for p in SCHEMA_DIR.glob("*.json"))
    assert names == ["backtest", "backtest_freeze", "backtest_prospective", "capability", "compare",
                     "data_summary", "error", "fit", "priors_list", "prospective_record", "seedcheck",
                     "sensitivity", "size", "targets", "when"]
    for name in names:
        schema = json_schema(name.replace("_", " "))
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        jsonschema.Draft202012Validator.check_schema(schema)
        assert schema["additionalProperties"] is False, name
        assert set(schema["required"]) == set(schema["properties"]) or name == "error", name


def test_shared_names_have_one_definition_in_every_schema():
    """A shared name points to the same definition, and that definition is the same text, in every
    schema that has it."""
    defs: dict[str, dict] = {}
    for path in SCHEMA_DIR.glob("*.json"):
        schema = json.loads(path.read_text())
        for name, definition in schema.get("$defs", {}).items():
            assert defs.setdefault(name, definition) == definition, (path.name, name)
        for name in SHARED:
            if name in schema["properties"] and name not in ("p_not_before_horizon",):
                assert schema["properties"][name] == {"$ref": f"#/$defs/{name}"}, (path.name, name)


def test_forecast_queries_validate_against_their_schemas(fake_engine, capsys):
    outputs = query_outputs(capsys)
    for name, out in outputs.items():
        assert out["command"] == name
        validate(name, out)
        bad = {**out, "undocumented": 1}
        with pytest.raises(jsonschema.ValidationError, match="undocumented"):
            validate(name, bad)


def test_shared_names_mean_the_same_in_every_query(fake_engine, capsys):
    outputs = query_outputs(capsys)
    when, size, capability, compare = (outputs[k] for k in ("when", "size", "capability", "compare"))
    engine = FakeEngine()
    for out in outputs.values():
        assert out["as_of"] == AS_OF.isoformat() and out["data_end"] == DATA_END.isoformat()
        assert out["data_end_by_benchmark"] == {b: d.isoformat() for b, d in ENDS.items()}
        assert out["stale_data"]["data_end"] == DATA_END.isoformat()  # 7 months before the as-of date
    for out in (when, size, capability):
        assert out["scenario"] == "central" and out["diagnostics"] == diagnostics()
    assert compare["scenarios"] == [{"scenario": "central", "diagnostics": diagnostics()}]
    # quantiles: the level as text -> the value; the same numbers as the API's results
    api_when = engine.when("mmlu=0.7", params="7B", p_by=["2027-06-30"])
    assert when["quantiles"] == api_when.quantiles and list(when["quantiles"]) == LEVELS
    assert when["p_by"] == {d.isoformat(): api_when.p_by(d) for d in api_when.p_by_dates}
    assert when["n_samples"] == 4000 and when["budget"] == compare["rows"][0]["budget"]
    frame = engine.size("mmlu=0.7", ["2027-01-01", "2028-01-01"]).to_frame()
    for row, (_, expected) in zip(size["by_date"], frame.iterrows()):
        assert row["date"] == expected["date"].isoformat()
        assert row["quantiles"] == pytest.approx({k: expected[k] for k in LEVELS})
        assert row["p_within_grid"] == expected["p_within_grid"]
    frame = engine.capability("mmlu", ["2027-01-01"], params="3B").to_frame()
    assert capability["by_date"][0]["quantiles"] == pytest.approx({k: frame.iloc[0][k] for k in LEVELS})
    # a compare row is the `when` answer to the same question at its levels
    row = next(r for r in compare["rows"] if r["target"] == "mmlu=0.7")
    plain = run_json(capsys, ["when", "--target", "mmlu=0.7", "--params", "7B"])
    assert row["quantiles"] == {k: plain["quantiles"][k] for k in ("0.1", "0.5", "0.9")}
    assert row["p_not_before_horizon"] == plain["p_not_before_horizon"]
    reached = next(r for r in compare["rows"] if r["target"] == "model:gpt-3-175b")
    assert reached["already_reached_by"] == run_json(
        capsys, ["when", "--target", "model:gpt-3-175b", "--params", "7B"])["already_reached_by"]
    # the quantiles of a distribution never decrease with the level
    for qs in [when["quantiles"], *(r["quantiles"] for r in size["by_date"] + capability["by_date"])]:
        values = [v for v in qs.values() if v is not None]
        assert values == sorted(values)


def test_priors_list_and_data_summary_validate(capsys):
    listing = run_json(capsys, ["priors", "list"])
    validate("priors list", listing)
    assert listing["command"] == "priors list" and len(listing["techniques"]) == 12
    summary = run_json(capsys, ["data", "summary"])
    validate("data summary", summary)
    assert summary["command"] == "data summary" and summary["models"] > 0


def test_backtest_validates(capsys, tmp_path):
    """The two baselines that need no fit, at one cutoff (a few seconds)."""
    out = run_json(capsys, ["backtest", "--methods", "densing", "--methods", "naive_pooled",
                            "--cutoffs", "2023-01-01", "--out", str(tmp_path)])
    validate("backtest", out)
    saved = json.loads(Path(out["saved_to"]["summary"]).read_text())
    assert out["data_end"] == saved["data_end"]["mmlu"] and out["data_end_by_benchmark"] == saved["data_end"]
    assert out["methods"] == saved["methods"] and out["ranking"] == saved["ranking"]


def test_seedcheck_validates(monkeypatch, capsys):
    """`forecast seedcheck --json` in the shared shape, on a seed check's result of the real form."""
    import forecast.cli.backtest_cmd as backtest_cmd

    forecast_then = {"as_of": "2023-03-19", "quantiles": {"0.1": "2024-02-01", "0.5": "2025-07-14", "0.9": None},
                     "p_by_deadline": 0.42}
    forecast_now = {"as_of": "2025-12-31", "quantiles": {"0.1": "2024-04-23", "0.5": "2024-04-23", "0.9": "2024-04-23"},
                    "p_by_deadline": 1.0, "already_reached_by": {
                        "model_id": "phi-3", "name": "Phi-3", "date": "2024-04-23", "params_total": 3.8e9}}
    result = {"thread_date": "2023-03-19", "claims": [
        {"id": "large_gpt35_at_7b", "claim": "GPT-3.5-level MMLU", "deadline": "2025-03-19",
         "then": forecast_then, "now": forecast_now, "happened": {"reached": True}, "verdict": "Happened."}],
        "fits": {"then": {"as_of": "2023-03-19", "diagnostics": diagnostics()},
                 "now": {"as_of": "2025-12-31", "diagnostics": diagnostics()}}}
    monkeypatch.setattr(backtest_cmd, "make_engine", lambda *a, **k: None)
    monkeypatch.setattr(backtest_cmd, "seed_check", lambda now, then: result)
    out = run_json(capsys, ["seedcheck"])
    validate("seedcheck", out)
    claim = out["claims"][0]
    assert claim["then"]["quantiles"] == {"0.1": "2024-02-01", "0.5": "2025-07-14", "0.9": None}
    assert claim["now"]["already_reached_by"]["model_id"] == "phi-3"
    assert out["fits"]["then"] == {"as_of": "2023-03-19", "diagnostics": diagnostics()}


# ------------------------------------------------------------------ errors under --json


def assert_error_object(code: int, out: str, err: str, exit_code: int) -> dict:
    assert code == exit_code, (code, out, err)
    error = json.loads(out)  # stdout holds the error object and nothing else
    validate("error", error)
    assert error["exit_code"] == exit_code
    assert "Traceback" not in err and len(err.splitlines()) == 1  # the plain line stays on stderr
    return error["error"]


def test_bad_input_under_json_is_one_error_object(fake_engine, capsys):
    code, out, err = run_main(["when", "--target", "mmlu=2", "--params", "7B", "--json"], capsys)
    error = assert_error_object(code, out, err, 2)
    assert error["key"] == "target" and "between 0 and 1" in error["message"]
    assert error["file"] is None and error["row"] is None and error["column"] is None


def test_usage_error_under_json_names_the_option(capsys):
    code, out, err = run_main(["when", "--target", "mmlu=0.7", "--bogus", "--json"], capsys)
    error = assert_error_object(code, out, err, 2)
    assert error["key"] == "--bogus" and "No such option" in error["message"]
    code, out, err = run_main(["when", "--target", "mmlu=0.7", "--draws", "5", "--json"], capsys)
    assert assert_error_object(code, out, err, 2)["key"] == "--draws"


def test_file_error_under_json_names_file_row_and_column(tmp_path, capsys):
    from test_data_cli import MODEL_COLUMNS, model_row, write

    path = write(tmp_path / "models.csv", MODEL_COLUMNS,
                 [model_row("alpha-7b"), model_row("beta-1b", release_date="May 2023")])
    code, out, err = run_main(["data", "check", "--json", str(path)], capsys)
    error = assert_error_object(code, out, err, 2)
    assert error["file"] == str(path) and error["column"] == "release_date"
    assert error["row"] == 2 and "row 2" in error["message"]  # the second data row, as the message says


def test_failed_strict_check_under_json_is_one_error_object(fake_engine, capsys):
    fake_engine["ok"] = False
    code, out, err = run_main([*QUERIES["when"], "--json", "--strict"], capsys)
    error = assert_error_object(code, out, err, 3)
    assert "R-hat 1.2 > 1.01" in error["message"]


def test_without_json_errors_stay_off_stdout(fake_engine, capsys):
    code, out, err = run_main(["when", "--target", "mmlu=2", "--params", "7B"], capsys)
    assert code == 2 and out == "" and err.startswith("error: ")


# ------------------------------------------------------------------ on a real fit (slow)


@pytest.mark.slow
def test_real_outputs_validate(small_engine, capsys):
    """`fit`, `when`, `size`, `capability` and `compare` on the session's short real fit."""
    small = ["--draws", "150", "--tune", "150", "--seed", "11"]
    outputs = {name: run_json(capsys, [*args, *small]) for name, args in
               {**QUERIES, "fit": ["fit"]}.items()}
    for name, out in outputs.items():
        validate(name, out)
    as_of = {out["as_of"] for out in outputs.values()}
    data_end = {out["data_end"] for out in outputs.values()}
    assert as_of == {small_engine.as_of.isoformat()} and len(data_end) == 1
    assert data_end == {year_to_date(small_engine.posterior_draws.data_end).isoformat()}
    diag = small_engine.fit().diagnostics.to_dict()
    for name in ("fit", "when", "size", "capability"):
        assert set(outputs[name]["diagnostics"]) == set(diag)
    row = next(r for r in outputs["compare"]["rows"] if r["target"] == "mmlu=0.7")
    assert row["quantiles"]["0.5"] == outputs["when"]["quantiles"]["0.5"]
