"""One default fit everywhere: the CLI commands and the API sample as many draws as FitSettings."""

from __future__ import annotations

import inspect

import pytest
import typer.main

from forecast.api.engine import Engine
from forecast.cli import app
from forecast.model.fit import FitSettings


def _draws_default(command_name: str) -> int:
    group = typer.main.get_command(app)
    cmd = group.commands[command_name]
    return next(p.default for p in cmd.params if p.name == "draws")


@pytest.mark.parametrize("name", ["fit", "when", "size", "capability", "compare", "report", "seedcheck",
                                  "sensitivity"])
def test_cli_commands_use_the_default_fit(name):
    assert _draws_default(name) == FitSettings(as_of=None).draws


def test_api_engine_uses_the_default_fit():
    sig = inspect.signature(Engine.__init__).parameters
    assert sig["draws"].default == FitSettings(as_of=None).draws
    assert sig["tune"].default == FitSettings(as_of=None).tune
