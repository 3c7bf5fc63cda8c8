"""The package's layers: each sub-package imports only those before it, and nothing imports in a circle.

The contracts live in pyproject.toml ([tool.importlinter]) and are checked by import-linter over
every import, those inside functions included. The planted tests copy the package, add one
forbidden import, and check that the same contracts then fail.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LAYERS = ["launcher", "cli", "report", "evaluation", "api", "projection", "model", "inputs", "core"]


def lint(root: Path) -> subprocess.CompletedProcess:
    """import-linter's contracts of `root`/pyproject.toml over the `forecast` package under `root`."""
    code = ("import sys; from importlinter.cli import lint_imports; "
            "sys.exit(lint_imports(config_filename='pyproject.toml', no_cache=True))")
    env = dict(os.environ, PYTHONPATH=str(root), PYTHONDONTWRITEBYTECODE="1")
    return subprocess.run([sys.executable, "-c", code], cwd=root, env=env, capture_output=True,
                          text=True, timeout=300)


def planted(tmp_path: Path, module: str, line: str) -> Path:
    shutil.copytree(ROOT / "forecast", tmp_path / "forecast",
                    ignore=shutil.ignore_patterns("__pycache__", "data"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    path = tmp_path / "forecast" / module
    path.write_text(path.read_text() + f"\n{line}\n")
    return tmp_path


def test_the_contracts_name_every_sub_package_in_order():
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    layers = next(c for c in config["contracts"] if c["type"] == "layers")
    assert layers["layers"] == LAYERS
    packages = {p.name for p in (ROOT / "forecast").iterdir()
                if p.is_dir() and (p / "__init__.py").exists()}
    modules = {p.stem for p in (ROOT / "forecast").glob("*.py") if p.stem != "__init__"}
    assert packages | modules == set(LAYERS)
    assert any(c["type"] == "acyclic_siblings" for c in config["contracts"])


def test_the_package_keeps_its_layers_and_has_no_circles():
    out = lint(ROOT)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "2 kept, 0 broken" in out.stdout


@pytest.mark.parametrize("module, line, words", [
    ("model/graph.py", "from forecast.projection import posterior  # planted", "forecast.model is not allowed to import forecast.projection"),
    ("core/errors.py", "def _f():\n    import forecast.cli  # planted", "forecast.core is not allowed to import forecast.cli"),
    ("inputs/scaling_law.py", "import forecast.inputs.registry  # planted", "No cycles are allowed in forecast.inputs"),
])
def test_a_planted_upward_import_or_circle_breaks_a_contract(tmp_path, module, line, words):
    root = planted(tmp_path, module, line)
    if "scaling_law" in module:  # the registry's half of the circle
        registry = root / "forecast" / "inputs" / "registry.py"
        registry.write_text(registry.read_text() + "\nimport forecast.inputs.scaling_law  # planted\n")
    out = lint(root)
    assert out.returncode != 0
    assert words in out.stdout, out.stdout


def imports_inside_functions(path: Path) -> list[tuple[int, str]]:
    """(line, text) of every import statement inside a function of the module at `path`."""
    import ast

    text = path.read_text()
    lines = text.splitlines()
    found = []
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for inner in ast.walk(node):
                if isinstance(inner, (ast.Import, ast.ImportFrom)):
                    found.append((inner.lineno, lines[inner.lineno - 1]))
    return sorted(set(found))


def test_every_import_inside_a_function_says_why_it_is_deferred():
    """Imports sit at the top of a module unless deferring them keeps start-up fast; those say so."""
    unmarked = [f"{path.relative_to(ROOT)}:{line}: {text.strip()}"
                for path in sorted((ROOT / "forecast").rglob("*.py"))
                for line, text in imports_inside_functions(path) if "# deferred:" not in text]
    assert not unmarked, "\n".join(unmarked)


def test_the_marker_check_sees_an_unmarked_import(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("import os\n\ndef f():\n    import json\n    import numpy  # deferred: slow\n")
    assert [line for line, text in imports_inside_functions(module) if "# deferred:" not in text] == [4]


def test_the_architecture_page_states_the_same_layers():
    """docs/architecture.md gives the order as one line `a -> b -> ...`; it must be the contract's."""
    import re

    text = (ROOT / "docs" / "architecture.md").read_text()
    chains = [line.strip() for line in text.splitlines() if re.fullmatch(r"\s*\w+( -> \w+)+\s*", line)]
    assert chains, "no layer line in docs/architecture.md"
    assert chains[0].split(" -> ") == LAYERS
    for layer in LAYERS[1:]:
        if layer != "launcher":
            assert f"| `{layer}` |" in text, f"docs/architecture.md has no row for {layer}"
