"""The one date module: decimal years, their inverse, and the parser of user and file dates."""

from datetime import date, datetime

import numpy as np
import pandas as pd
import pytest

from forecast.core.errors import UserError
from forecast.inputs.dates import decimal_year, parse_date, year_to_date


def test_decimal_year_known_values():
    assert decimal_year(date(2023, 1, 1)) == 2023.0
    assert decimal_year(date(2023, 7, 2)) == 2023 + 182 / 365
    assert decimal_year(date(2024, 12, 31)) == 2024 + 365 / 366  # a leap year


def test_scalar_array_and_series_agree_bit_for_bit():
    days = pd.date_range("1999-12-25", "2031-01-07", freq="D")
    series = pd.Series(days, index=np.arange(len(days)) * 3, name="release_date")
    as_series = decimal_year(series)
    as_array = decimal_year(days.to_numpy())
    as_scalars = np.array([decimal_year(d.date()) for d in days[::97]])
    assert isinstance(as_series, pd.Series) and as_series.index.equals(series.index)
    assert np.array_equal(as_series.to_numpy(), as_array)
    assert np.array_equal(as_array[::97], as_scalars)
    # the day-of-year form gives the same numbers
    by_day = days.year + (days.day_of_year - 1) / np.where(days.is_leap_year, 366.0, 365.0)
    assert np.array_equal(as_array, np.asarray(by_day, dtype=float))


def test_year_to_date_inverts_decimal_year():
    for d in pd.date_range("2015-01-01", "2040-12-31", freq="13D"):
        assert year_to_date(decimal_year(d.date())) == d.date()


def test_missing_dates_are_nan_and_empty_input_is_empty():
    out = decimal_year([pd.NaT, date(2020, 1, 1)])
    assert np.isnan(out[0]) and out[1] == 2020.0
    assert decimal_year([]).shape == (0,)


@pytest.mark.parametrize("value", [date(2023, 3, 19), "2023-03-19", " 2023-03-19 ",
                                   pd.Timestamp("2023-03-19"), datetime(2023, 3, 19)])
def test_parse_date_accepts_dates_text_and_midnight_timestamps(value):
    assert parse_date(value, "as_of") == date(2023, 3, 19)


@pytest.mark.parametrize("value, words", [
    ("March 2023", "is not a date"), ("2023-13-45", "does not parse"), ("x" * 500, "is not a date"),
    (datetime(2023, 3, 19, 10), "not a date-time"), (3.5, "got float"),
    ("2101-01-01", "is outside"), (pd.NaT, "is not a date"),
])
def test_parse_date_refuses_with_file_and_key(value, words):
    with pytest.raises(UserError) as info:
        parse_date(value, "introduced", file="objectives.toml")
    text = str(info.value)
    assert words in text and "introduced" in text and "objectives.toml" in text


def test_parse_date_default_and_range():
    assert parse_date(None, "horizon", default=date(2040, 1, 1)) == date(2040, 1, 1)
    with pytest.raises(UserError, match="required"):
        parse_date(None, "horizon")
    assert parse_date("1960-05-01", "release_date", earliest=date(1950, 1, 1)) == date(1960, 5, 1)
