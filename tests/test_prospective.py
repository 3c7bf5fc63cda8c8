"""The prospective record: frozen on a small registry with a fake method, scored against a later
registry in which one event is reached since, one is reached by a release the record could not
see, one is still open with its interval undecided and one has missed its interval. No fit."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import jsonschema
import numpy as np
import pandas as pd
import pytest

from forecast.cli.output import json_schema
from forecast.core.errors import UserError
from forecast.evaluation.events import Event, default_events
from forecast.evaluation.prospective import (DEFAULT_RECORD, check_record, freeze, quantile_levels, read_record,
                                             record_date, score, write_record)
from forecast.inputs.dates import decimal_year
from forecast.inputs.registry import Registry
from test_data_cli import run as run_main

EVENTS = default_events(thresholds=(0.5, 0.6, 0.7), sizes=(3e9, 7e9, 14e9))
AS_OF = date(2023, 6, 30)  # the newest reported MMLU score of the record's registry


def registry(rows: list[tuple], sha: str) -> Registry:
    """A registry of (model_id, release, params_total, mmlu score, reported) rows."""
    models = pd.DataFrame([(m, pd.Timestamp(r), p) for m, r, p, _, _ in rows],
                          columns=["model_id", "release_date", "params_total"])
    scores = pd.DataFrame([(m, "mmlu", s, 5, 0, "self_reported", pd.Timestamp(rep)) for m, _, _, s, rep in rows],
                          columns=["model_id", "benchmark", "score", "shots", "cot", "source", "reported"])
    benchmarks = pd.DataFrame({"benchmark": ["mmlu"], "chance": [0.25], "introduced": [pd.Timestamp("2020-09-07")]})
    return Registry(models=models, scores=scores, benchmarks=benchmarks, source=Path("synthetic"), sha256=sha * 64)


THEN = [
    ("a", "2021-01-01", 10e9, 0.50, "2021-01-01"),
    ("b", "2022-01-01", 7e9, 0.60, "2022-03-01"),
    ("c", "2023-01-01", 3e9, 0.55, "2023-06-30"),  # reported after its release: sets the record's date
]
LATER = [
    *THEN,
    ("f", "2023-05-01", 14e9, 0.71, "2023-09-01"),  # released before the record's date, known only later
    ("d", "2024-01-01", 3e9, 0.62, "2024-01-01"),  # reaches mmlu>=0.6@3B after the record's date
    ("e", "2024-06-01", 70e9, 0.50, "2024-06-01"),  # the later registry's data end
]


@dataclass(frozen=True)
class FakeMethod:
    """Crossings uniform over a window after the cutoff: 2 years for the 0.6 events, 4 years at
    3B, half a year at 7B; at 14B 40% never cross. Records the data it was given."""

    name: str = "fake"
    seen: list | None = None

    def sample_crossings(self, models, scores, cutoff, events, n_samples, seed):
        if self.seen is not None:
            self.seen.append((cutoff, set(models["model_id"]), [e.key for e in events]))
        rng = np.random.default_rng(seed)
        start = decimal_year(pd.Timestamp(cutoff))
        out = np.empty((len(events), n_samples))
        for i, e in enumerate(events):
            span = 2.0 if e.threshold < 0.65 else {3e9: 4.0, 7e9: 0.5}.get(e.max_params, 1.0)
            out[i] = start + span * rng.random(n_samples)
            if e.max_params == 14e9:
                out[i, rng.random(n_samples) < 0.4] = np.inf
        return out


def validate(schema_name: str, obj: dict) -> None:
    schema = json_schema(schema_name)
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).validate(obj)


@pytest.fixture()
def record():
    return freeze(registry(THEN, "a"), FakeMethod(), EVENTS, date(2023, 7, 5), seed=7)


def test_the_record_stands_at_the_newest_reported_score_and_keeps_the_open_events():
    seen: list = []
    rec = freeze(registry(THEN, "a"), FakeMethod(seen=seen), EVENTS, "2023-07-05", seed=7)
    assert record_date(registry(THEN, "a"), EVENTS) == AS_OF  # not c's release (2023-01-01)
    assert rec["as_of"] == AS_OF.isoformat() and rec["made_on"] == "2023-07-05"
    assert rec["data_end_by_benchmark"] == {"mmlu": "2023-01-01"}
    # the method saw what was public on the record's date, and only the events still open then
    cutoff, models, keys = seen[0]
    assert cutoff == AS_OF and models == {"a", "b", "c"}
    assert keys == ["mmlu>=0.6@3B", "mmlu>=0.7@3B", "mmlu>=0.7@7B", "mmlu>=0.7@14B"]
    assert [e["event"] for e in rec["events"]] == keys
    assert sorted(rec["reached_by_as_of"] + keys) == sorted(e.key for e in EVENTS)
    assert rec["method"] == "fake" and rec["seed"] == 7 and rec["fit"] is None
    assert rec["registry_sha256"] == "a" * 64 and rec["package_version"]
    levels = rec["levels"]
    assert len(levels) == 199 and levels[0] == 0.005 and levels[-1] == 0.995 and levels[99] == 0.5
    # quantiles: decimal years after the record's date, never decreasing; past the horizon null
    start = decimal_year(pd.Timestamp(AS_OF))
    for row in rec["events"]:
        q = [np.inf if v is None else v for v in row["quantiles"]]
        assert len(q) == 199 and q == sorted(q) and q[0] > start
    at_14b = rec["events"][3]
    assert at_14b["quantiles"][-1] is None and at_14b["quantiles"][0] is not None
    assert at_14b["p_not_before_horizon"] == pytest.approx(0.4, abs=0.03)
    assert rec["events"][0]["p_not_before_horizon"] == 0.0
    assert rec["events"][2]["quantiles"][-1] < start + 0.5
    # the same seed gives the same record (but for the time it was written)
    first, again = (freeze(registry(THEN, "a"), FakeMethod(), EVENTS, "2023-07-05", seed=7) for _ in range(2))
    assert {k: v for k, v in again.items() if k != "created"} == {k: v for k, v in first.items() if k != "created"}
    assert first["events"] == rec["events"]
    other = freeze(registry(THEN, "a"), FakeMethod(), EVENTS, "2023-07-05", seed=8)
    assert other["events"][0]["quantiles"] != rec["events"][0]["quantiles"]


def test_scored_against_a_later_registry(record):
    result = score(record, registry(LATER, "b"))
    rows = result.rows.set_index("event")
    assert rows["status"].to_dict() == {"mmlu>=0.6@3B": "reached", "mmlu>=0.7@3B": "not_reached",
                                        "mmlu>=0.7@7B": "not_reached", "mmlu>=0.7@14B": "reached_before_record"}
    reached = rows.loc["mmlu>=0.6@3B"]
    assert reached["realised_by"] == "d" and not reached["censored"]
    assert reached["covered_80"] == 1.0 and reached["crps"] > 0
    assert rows.loc["mmlu>=0.7@3B", "covered_80"] != rows.loc["mmlu>=0.7@3B", "covered_80"]  # undecided: NaN
    assert rows.loc["mmlu>=0.7@7B", "covered_80"] == 0.0  # its interval ended before the data end: a miss
    assert np.isnan(rows.loc["mmlu>=0.7@14B", "crps"])  # not scored
    assert (rows["cutoff"] == pd.Timestamp(AS_OF)).all() and (rows["method"] == "fake").all()
    s = result.summary
    assert s["n_events"] == 4 and s["n_decided"] == 1 and s["n_scored"] == 3
    assert s["n_by_status"] == {"reached": 1, "not_reached": 2, "no_new_data": 0, "reached_before_record": 1}
    cov = s["coverage"]["0.8"]
    # decided: the reached event (covered) and the missed interval; the undecided one gets no credit
    assert cov["coverage"] == 0.5 and cov["n_decided"] == 2 and cov["n_undecided"] == 1
    assert cov["bounds"] == pytest.approx([1 / 3, 2 / 3])
    assert s["crps_reached"] == pytest.approx(reached["crps"])
    assert s["crps_not_reached"] == pytest.approx(rows.loc[["mmlu>=0.7@3B", "mmlu>=0.7@7B"], "crps"].mean())
    assert s["data_end_by_benchmark"] == {"mmlu": "2024-06-01"} and not s["same_registry"]
    assert "1 of the 4 recorded events reached" in s["message"]
    assert "1 reached by a release on or before 2023-06-30" in s["message"]


def test_no_release_after_the_record_decides_nothing(record):
    result = score(record, registry(THEN, "a"))
    s = result.summary
    assert s["same_registry"] and s["n_decided"] == 0 and s["n_scored"] == 0
    assert s["n_by_status"]["no_new_data"] == 4
    assert s["coverage"]["0.8"] == {"coverage": None, "n_decided": 0, "n_undecided": 0, "bounds": None}
    assert s["crps_reached"] is None and result.rows["crps"].isna().all()
    assert s["message"].startswith("No release after the record's date (2023-06-30)")
    assert "0 of the 4 recorded events decided" in s["message"]


def test_record_round_trips_and_validates(record, tmp_path):
    validate("prospective record", record)
    path = write_record(record, tmp_path / "sub" / "prospective.json")
    back = read_record(path)
    assert back == record
    later = registry(LATER, "b")
    pd.testing.assert_frame_equal(score(back, later).rows, score(record, later).rows)
    # a broken record is refused, naming the file
    bad = json.loads(path.read_text())
    bad["events"][0]["quantiles"] = bad["events"][0]["quantiles"][::-1]
    (tmp_path / "bad.json").write_text(json.dumps(bad))
    with pytest.raises(UserError, match="decrease"):
        read_record(tmp_path / "bad.json")
    with pytest.raises(UserError, match="no prospective record"):
        read_record(tmp_path / "missing.json")
    with pytest.raises(UserError, match="format"):
        check_record({**record, "format": 99})
    undocumented = {**record, "extra": 1}
    with pytest.raises(jsonschema.ValidationError):
        validate("prospective record", undocumented)
    assert DEFAULT_RECORD == Path("reports/prospective/prospective.json")
    assert quantile_levels(9) == [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]


@dataclass(frozen=True)
class FakeEngine(FakeMethod):
    """What the CLI's freeze builds (`EngineMethod`'s fields), with a fit to report."""

    name: str = "engine"
    draws: int = 1500
    tune: int = 1500
    priors_dir: str | None = None
    data_dir: str | None = None
    priors_as_of: str = "cutoff"

    def fit(self, models, scores, cutoff, seed):
        diag = {"rhat_max": 1.003, "ess_bulk_min": 900.0, "ess_tail_min": 1000.0, "divergences": 0,
                "ebfmi_min": 0.7, "draws": self.draws, "chains": 4, "seconds": 30.0, "worst_rhat": None,
                "worst_ess": None, "sampler": "nutpie", "problems": [], "ok": True}
        prov = {"cache_key": f"key-{cutoff}-{seed}", "seen_data_sha256": "s" * 64, "priors_sha256": "p" * 64,
                "code_sha256": "c" * 64, "settings": {"variant": "full"}, "versions": {"forecast": "0.1.0"}}
        return SimpleNamespace(provenance=prov, diagnostics=SimpleNamespace(to_dict=lambda: dict(diag))), None


def test_cli_freezes_and_scores(monkeypatch, capsys, tmp_path):
    import forecast.cli.prospective_cmd as prospective_cmd
    import forecast.evaluation.methods as methods

    regs = {"then": registry(THEN, "a"), "later": registry(LATER, "b")}
    monkeypatch.setattr(prospective_cmd, "load_registry", lambda data, **kw: regs[Path(data).name])
    monkeypatch.setattr(methods, "EngineMethod", FakeEngine)
    path = tmp_path / "prospective" / "prospective.json"
    grid = ["--thresholds", "0.5,0.6,0.7", "--sizes", "3B,7B,14B"]
    code, out, err = run_main(["backtest", "--freeze-prospective", "--record", str(path), "--data",
                               str(tmp_path / "then"), *grid, "--seed", "3", "--json"], capsys)
    assert code == 0, err
    answer = json.loads(out)
    validate("backtest freeze", answer)
    rec = read_record(path)
    validate("prospective record", rec)
    assert answer["saved_to"] == str(path) and answer["n_events"] == 4 and answer["as_of"] == "2023-06-30"
    assert rec["fit"]["cache_key"] == f"key-2023-06-30-{rec['method_seed']}" == answer["fit_cache_key"]
    assert rec["method_settings"]["draws"] == 1500 and rec["seed"] == 3
    code, out, err = run_main(["backtest", "--prospective", "--record", str(path), "--data",
                               str(tmp_path / "later"), "--json"], capsys)
    assert code == 0, err
    answer = json.loads(out)
    validate("backtest prospective", answer)
    assert answer["command"] == "backtest prospective" and answer["n_decided"] == 1
    assert answer["as_of"] == "2023-06-30" and answer["data_end"] == "2024-06-01"
    row = next(r for r in answer["rows"] if r["event"] == "mmlu>=0.6@3B")
    assert row["status"] == "reached" and row["realised_date"] == "2024-01-01" and row["covered_80"] is True
    assert next(r for r in answer["rows"] if r["event"] == "mmlu>=0.7@3B")["covered_80"] is None
    # the table says the same in words
    code, out, err = run_main(["backtest", "--prospective", "--record", str(path), "--data",
                               str(tmp_path / "then")], capsys)
    assert code == 0, err
    assert "No release after the record's date (2023-06-30)" in " ".join(out.split())
    code, out, err = run_main(["backtest", "--prospective", "--freeze-prospective", "--record", str(path)], capsys)
    assert code == 2 and "give one" in err


def test_shipped_record_scores_against_the_shipped_registry(capsys):
    """The record in reports/prospective (when present) reads, validates and scores."""
    shipped = Path(__file__).resolve().parents[1] / DEFAULT_RECORD
    if not shipped.is_file():
        pytest.skip("no shipped prospective record")
    code, out, err = run_main(["backtest", "--prospective", "--record", str(shipped), "--json"], capsys)
    assert code == 0, err
    answer = json.loads(out)
    validate("backtest prospective", answer)
    assert answer["n_events"] == len(read_record(shipped)["events"]) and answer["method"] == "engine"
