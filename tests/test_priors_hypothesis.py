"""Property tests: generated malformed priors files and values never raise anything but UserError.

Two generators: (1) text mutations of the shipped files (deleted spans, inserted TOML-ish
fragments, duplicated or dropped lines), which mostly exercise the TOML reader and the structure
checks; (2) value mutations of the parsed files (a leaf replaced by an arbitrary TOML value, a key
deleted or added), serialised back to TOML, which exercise type, range and fitting checks.
Each example loads a folder holding `_engine.toml` and one technique file. The number of examples
per generator is PRIORS_HYPOTHESIS_EXAMPLES (default 1500); the counts seen are printed.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
import tomllib
from collections import Counter
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from forecast.core.errors import UserError
from forecast.core.paths import default_priors_dir
from forecast.inputs.priors import load_priors

SHIPPED = default_priors_dir()
FILES = sorted(p.name for p in SHIPPED.glob("*.toml"))
TEXTS = {name: (SHIPPED / name).read_text() for name in FILES}
PARSED = {name: tomllib.loads(TEXTS[name]) for name in FILES}
EXAMPLES = int(os.environ.get("PRIORS_HYPOTHESIS_EXAMPLES", "1500"))
OUTCOMES: Counter = Counter()

pytestmark = pytest.mark.slow  # thousands of folder loads (tens of seconds)


@pytest.fixture(scope="module", autouse=True)
def isolated_cache(tmp_path_factory):
    import preliz  # noqa: F401  (raises the recursion limit on import; do it before Hypothesis runs)

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("FORECAST_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
        yield
    print(f"\npriors property tests: {dict(OUTCOMES)}")


def _load_with(name: str, text: str) -> None:
    """Load a folder with the engine file and `name` replaced by `text`; record the outcome."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "_engine.toml").write_text(TEXTS["_engine.toml"])
        if name == "_engine.toml":
            (folder / "architecture.toml").write_text(TEXTS["architecture.toml"])
        (folder / name).write_text(text, encoding="utf-8", errors="surrogatepass")
        try:
            load_priors(folder)
            OUTCOMES["loaded"] += 1
        except UserError as exc:
            assert str(exc) and "\n" not in str(exc).split(": ", 1)[0]
            OUTCOMES["user_error"] += 1


# -- text mutations ------------------------------------------------------------------------------

FRAGMENTS = st.sampled_from([
    "[", "]", "[[", "]]", "{", "}", "=", '"', "'", ",", ".", "\n", "#", " ", "-", "+", "e", "nan", "inf",
    "true", "false", "0", "1.5", "-3", "1e400", "2022-13-45", "2024-02-30", "1979-05-27T07:32:00Z",
    "median", "interval90", "distribution", "[multiplier]", "[[evidence]]", "[[overlaps]]", "rho = 0.5",
    'with = "overtraining"', "\\u0000", "\\", '"""', "'''", "x = ", "id = ", "[drift]", "[links.mmlu]",
])


@st.composite
def mutated_text(draw):
    name = draw(st.sampled_from(FILES))
    text = TEXTS[name]
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["delete", "insert", "dup_line", "drop_line", "swap"]))
        if not text:
            break
        i = draw(st.integers(0, len(text) - 1))
        if op == "delete":
            text = text[:i] + text[i + draw(st.integers(1, 40)):]
        elif op == "insert":
            frag = "".join(draw(st.lists(FRAGMENTS | st.text(max_size=3), min_size=1, max_size=4)))
            text = text[:i] + frag + text[i:]
        else:
            lines = text.splitlines(keepends=True)
            j = draw(st.integers(0, len(lines) - 1))
            if op == "dup_line":
                lines.insert(j, lines[j])
            elif op == "drop_line":
                del lines[j]
            else:
                k = draw(st.integers(0, len(lines) - 1))
                lines[j], lines[k] = lines[k], lines[j]
            text = "".join(lines)
    return name, text


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(mutated_text())
def test_text_mutations_raise_only_user_errors(case):
    OUTCOMES["text_examples"] += 1
    _load_with(*case)


# -- value mutations -----------------------------------------------------------------------------

LEAF = st.one_of(
    st.none(),  # None means "delete the key"
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.0, -0.0, 1e-300, 1e300, 0.5, 1.0, 2.0, 20.0, 1000.0, -1.0]),
    st.text(max_size=12),
    st.sampled_from(["lognormal", "normal", "gamma", "beta", "halfnormal", "weibull", "fixed", "cauchy",
                     "params_total", "memory_bytes", "2023-01-01", "overtraining", "correlated", "net_of", ""]),
    st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 1, 1)),
    st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2100, 1, 1)),
    st.lists(st.floats(min_value=-10, max_value=10) | st.integers(-5, 50), max_size=4),
    st.dictionaries(st.sampled_from(["median", "interval90", "value", "cite", "judgement", "x", "mu", "sigma"]),
                    st.floats(min_value=-5, max_value=50) | st.booleans() | st.text(max_size=4), max_size=4),
)


def _paths(obj, prefix=()):
    """Every (path) to a value in a parsed TOML document."""
    out = [prefix] if prefix else []
    if isinstance(obj, dict):
        for k, v in obj.items():
            out += _paths(v, prefix + (k,))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            out += _paths(v, prefix + (i,))
    return out


def _set(doc, path, value):
    parent = doc
    for p in path[:-1]:
        parent = parent[p]
    last = path[-1]
    if value is None:
        del parent[last]
    else:
        parent[last] = value


def _toml_value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return repr(v)
    if isinstance(v, (date, datetime)):
        return v.isoformat()
    if isinstance(v, str):
        return json.dumps(v)
    if isinstance(v, list):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{json.dumps(str(k))} = {_toml_value(x)}" for k, x in v.items()) + "}"
    raise TypeError(type(v))


def to_toml(doc: dict) -> str:
    return "\n".join(f"{json.dumps(str(k))} = {_toml_value(v)}" for k, v in doc.items()) + "\n"


@st.composite
def mutated_document(draw):
    name = draw(st.sampled_from(FILES))
    doc = json.loads(json.dumps(PARSED[name], default=lambda d: {"__date__": d.isoformat()}))
    doc = _restore_dates(doc)
    for _ in range(draw(st.integers(1, 3))):
        paths = _paths(doc)
        if not paths or draw(st.booleans()) and draw(st.booleans()):
            doc[draw(st.sampled_from(["extra", "median", "axis", "evidence", "drift", "links"]))] = draw(LEAF.filter(lambda x: x is not None))
            continue
        path = draw(st.sampled_from(paths))
        value = draw(LEAF)
        if value is None and isinstance(path[-1], int):
            value = draw(LEAF.filter(lambda x: x is not None))
        _set(doc, path, value)
    return name, to_toml(doc)


def _restore_dates(obj):
    if isinstance(obj, dict):
        if set(obj) == {"__date__"}:
            return date.fromisoformat(obj["__date__"])
        return {k: _restore_dates(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_restore_dates(v) for v in obj]
    return obj


def test_serialiser_round_trips_the_shipped_files():
    for name in FILES:
        assert tomllib.loads(to_toml(PARSED[name])) == PARSED[name]


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(mutated_document())
def test_value_mutations_raise_only_user_errors(case):
    OUTCOMES["value_examples"] += 1
    _load_with(*case)


# -- byte-level files: BOMs, empty files, non-UTF-8 bytes, very long fields, repeated tables -----

@st.composite
def raw_file(draw):
    name = draw(st.sampled_from(FILES))
    text = TEXTS[name]
    body = draw(st.sampled_from(["empty", "shipped", "long_field", "long_line", "dup_table", "random"]))
    if body == "empty":
        data = b""
    elif body == "shipped":
        data = text.encode()
    elif body == "long_field":
        filler = draw(st.sampled_from(["x", "é", "\\u00e9", "9"]))
        data = text.replace('name = "', 'name = "' + filler * draw(st.integers(10_000, 200_000)), 1).encode()
    elif body == "long_line":
        data = (text + "\n# " + "y" * draw(st.integers(10_000, 500_000)) + "\n").encode()
    elif body == "dup_table":
        table = draw(st.sampled_from(["[multiplier]\n", "[drift]\n", "[[evidence]]\n"]))
        data = (text + "\n" + table + text[text.find("\n") + 1:]).encode()
    else:
        data = draw(st.binary(max_size=400))
    if draw(st.booleans()):
        data = draw(st.sampled_from([b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"])) + data
    if draw(st.integers(0, 5)) == 0:
        i = draw(st.integers(0, max(len(data) - 1, 0)))
        data = data[:i] + draw(st.sampled_from([b"\xff", b"\xc3", b"\x00", b"\xed\xa0\x80"])) + data[i:]
    return name, data


@settings(max_examples=max(EXAMPLES // 3, 50), deadline=None, suppress_health_check=list(HealthCheck))
@given(raw_file())
def test_raw_bytes_raise_only_user_errors(case):
    name, data = case
    OUTCOMES["byte_examples"] += 1
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "_engine.toml").write_text(TEXTS["_engine.toml"])
        if name == "_engine.toml":
            (folder / "architecture.toml").write_text(TEXTS["architecture.toml"])
        (folder / name).write_bytes(data)
        try:
            load_priors(folder)
            OUTCOMES["loaded"] += 1
        except UserError as exc:
            assert name in str(exc), str(exc)  # the message names the broken file
            OUTCOMES["user_error"] += 1


def test_a_byte_order_mark_is_accepted_and_an_empty_file_is_refused(tmp_path):
    (tmp_path / "_engine.toml").write_bytes(b"\xef\xbb\xbf" + TEXTS["_engine.toml"].encode())
    (tmp_path / "architecture.toml").write_bytes(b"\xef\xbb\xbf" + TEXTS["architecture.toml"].encode())
    assert "architecture" in load_priors(tmp_path).techniques
    (tmp_path / "architecture.toml").write_bytes(b"")
    with pytest.raises(UserError, match="architecture.toml"):
        load_priors(tmp_path)
