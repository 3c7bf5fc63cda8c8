"""Imports every command module so each registers its commands on the app."""

from forecast.cli import data_cmd  # noqa: F401
from forecast.cli import priors_cmd  # noqa: F401
from forecast.cli import forecast_cmd  # noqa: F401
from forecast.cli import backtest_cmd  # noqa: F401
from forecast.cli import report_cmd  # noqa: F401
from forecast.cli import targets_cmd  # noqa: F401
from forecast.cli import sensitivity_cmd  # noqa: F401
