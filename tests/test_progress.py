"""The sampler's progress bars fit the terminal they draw on."""

from __future__ import annotations

import pytest

from forecast.core.progress import STATS_MIN_COLUMNS, progress_layout, sampler_progress


@pytest.mark.parametrize("width, layout", [(80, "split"), (STATS_MIN_COLUMNS - 1, "split"),
                                           (STATS_MIN_COLUMNS, "split+stats"), (200, "split+stats")])
def test_statistics_columns_only_where_they_fit(width, layout):
    assert progress_layout(width) == layout


def test_progress_follows_the_terminal_width_and_can_be_silent(monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    narrow = sampler_progress(4, 10, show=True)
    assert narrow._show_progress and not narrow.full_stats
    monkeypatch.setenv("COLUMNS", "160")
    assert sampler_progress(4, 10, show=True).full_stats
    assert not sampler_progress(4, 10, show=False)._show_progress
