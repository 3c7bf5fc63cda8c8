"""Property tests of the target, budget and date parsers (`forecast.api.targets`).

Thousands of generated inputs, well-formed and hostile (huge numbers, NaN and infinity, empty
strings, unicode digits and spaces, control characters, very long fields): each parser either
returns a value inside its documented range or raises `UserError` naming the option; nothing else
escapes, and no input takes long (the default Hypothesis deadline of 200 ms per example holds).
"""

from __future__ import annotations

import math
import time
from datetime import date

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from forecast.core.errors import UserError
from forecast.projection.question import Budget, Target
from forecast.api.targets import (
    MAX_PARAMS,
    MIN_PARAMS,
    make_budget,
    parse_bytes,
    parse_count,
    parse_target,
)
from forecast.inputs.dates import EARLIEST as MIN_DATE
from forecast.inputs.dates import LATEST as MAX_DATE
from forecast.inputs.dates import parse_date

BENCHMARKS = ["mmlu", "mmlu_pro", "arc_c", "gsm8k", "humaneval"]
MODEL_IDS = ["gpt-3-175b", "llama-2-7b", "phi-3-mini", "qwen2.5-0.5b"]
EXAMPLES = 1000
COMMON = settings(max_examples=EXAMPLES, suppress_health_check=[HealthCheck.too_slow])

floats_any = st.floats(allow_nan=True, allow_infinity=True)
number_text = st.one_of(
    floats_any.map(repr),
    floats_any.map(str),
    st.integers(min_value=-(10**400), max_value=10**400).map(str),
    st.from_regex(r"\A[+-]?[0-9]{0,30}(\.[0-9]{0,30})?([eE][+-]?[0-9]{1,6})?\Z"),
    st.sampled_from(["nan", "NaN", "inf", "-inf", "Infinity", "1_000", "1,000", "٣", "７", "½", "1e", ".", ""]),
)
unit_text = st.one_of(
    st.sampled_from(["", "k", "K", "M", "B", "b", "G", "T", "P", "KiB", "MiB", "GiB", "TiB", "kB", "MB",
                     "GB", "TB", "B ", " B", "\u00a0B", "bytes", "%", "e", "x"]),
    st.text(max_size=4),
)
hostile_text = st.one_of(
    st.text(),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=50),
    st.text(alphabet="0123456789.eE+-_, kKmMbBgGtTiI%", max_size=40),
    st.text(min_size=2000, max_size=6000, alphabet="0123456789.eE"),
    st.binary(max_size=40).map(lambda b: b.decode("latin-1")),
)
budget_text = st.one_of(st.tuples(number_text, unit_text).map("".join), hostile_text)


@pytest.mark.parametrize(("parser", "key", "low", "high"), [
    (parse_count, "params", MIN_PARAMS, MAX_PARAMS), (parse_bytes, "memory", 1e3, 1e16),
], ids=["count", "bytes"])
@COMMON
@given(text=budget_text)
@example(text="1" * 40_000 + "x")  # parse_count backtracked quadratically: 79 s before the regex fix
@example(text="1" * 40_000 + "GiB")
@example(text="7B")
def test_size_parsers_return_a_value_in_range_or_a_user_error(parser, key, low, high, text):
    try:
        value = parser(text)
    except UserError as exc:
        assert exc.location.key == key
        assert len(str(exc)) < 300
    else:
        assert math.isfinite(value) and low <= value <= high


@COMMON
@given(
    st.floats(min_value=1.0, max_value=999.0, allow_nan=False),
    st.sampled_from([("k", 1e3), ("M", 1e6), ("B", 1e9), ("T", 1e12), ("", 1.0)]),
)
def test_parse_count_reads_well_formed_counts_exactly(mantissa, unit):
    suffix, scale = unit
    text = f"{mantissa!r}{suffix}"
    expected = float(repr(mantissa)) * scale
    if MIN_PARAMS <= expected <= MAX_PARAMS:
        assert parse_count(text) == pytest.approx(expected, rel=1e-12)
    else:
        with pytest.raises(UserError):
            parse_count(text)


budget_value = st.one_of(st.none(), budget_text, floats_any, st.integers(min_value=-(10**30), max_value=10**30))
bits_value = st.one_of(st.none(), floats_any, st.integers(min_value=-100, max_value=100), st.booleans(),
                       st.text(max_size=5))


@COMMON
@given(budget_value, budget_value, budget_value, bits_value)
def test_make_budget_gives_one_valid_budget_or_a_user_error(params, active, memory, bits):
    try:
        budget = make_budget(params, active, memory, bits)
    except UserError as exc:
        assert exc.location.key
    else:
        assert isinstance(budget, Budget)
        assert sum(v is not None for v in (params, active, memory)) == 1
        assert math.isfinite(budget.value) and budget.value > 0
        assert math.isfinite(budget.log10_params)
        if budget.axis == "memory_bytes":
            assert 1 <= budget.bits <= 32


bench_name = st.one_of(st.sampled_from(BENCHMARKS + ["MMLU", " mmlu ", "mmlu-pro", "arc"]), st.text(max_size=12))
score_text = st.one_of(number_text, number_text.map(lambda s: s + "%"), st.text(max_size=8))
part = st.one_of(
    st.tuples(bench_name, st.sampled_from(["=", "==", ":", ""]), score_text).map("".join),
    st.text(max_size=20),
)
target_text = st.one_of(
    st.lists(part, max_size=4).map(",".join),
    st.tuples(st.sampled_from(["model:", "MODEL:", "model: ", "model"]),
              st.one_of(st.sampled_from(MODEL_IDS + ["GPT-3-175B", "gpt-3-17b", ""]), st.text(max_size=30))
              ).map("".join),
    hostile_text,
)


@COMMON
@given(target_text)
@example(",")
@example("mmlu=0.7,")
@example("mmlu=nan")
@example("model:" + "x" * 100_000)
@example("mmlu=" + "0" * 100_000 + "1")
def test_parse_target_gives_a_known_target_or_a_user_error(text):
    try:
        target = parse_target(text, BENCHMARKS, MODEL_IDS)
    except UserError as exc:
        assert exc.location.key == "target"
        assert len(str(exc)) < 400
    else:
        assert isinstance(target, Target)
        if target.model_id is not None:
            assert target.model_id in MODEL_IDS and not target.thresholds
        else:
            assert target.thresholds, "a target must name at least one benchmark"
            names = [b for b, _ in target.thresholds]
            assert len(set(names)) == len(names)
            for bench, score in target.thresholds:
                assert bench in BENCHMARKS
                assert math.isfinite(score) and 0.0 < score < 1.0


@COMMON
@given(st.one_of(
    hostile_text,
    st.dates().map(date.isoformat),
    st.tuples(st.integers(-99999, 99999), st.integers(-5, 20), st.integers(-5, 40)).map(
        lambda t: f"{t[0]:04d}-{t[1]:02d}-{t[2]:02d}"),
    st.dates(),
))
def test_parse_date_gives_a_date_in_range_or_a_user_error(value):
    try:
        out = parse_date(value, "horizon")
    except UserError as exc:
        assert exc.location.key == "horizon"
    else:
        assert MIN_DATE <= out <= MAX_DATE


@pytest.mark.parametrize("parser", [
    parse_count, parse_bytes, lambda t: parse_date(t, "date"),
    lambda t: parse_target(t, BENCHMARKS, MODEL_IDS),
], ids=["count", "bytes", "date", "target"])
@pytest.mark.parametrize("text", ["9" * 1_000_000 + "B", "mmlu=" + "9" * 1_000_000, "\x00" * 100_000],
                         ids=["digits", "score", "nul"])
def test_megabyte_inputs_are_refused_quickly(parser, text):
    start = time.perf_counter()
    with pytest.raises(UserError):
        parser(text)
    # a guard against super-linear parsing (minutes on a megabyte), not a speed measurement
    assert time.perf_counter() - start < 10.0
