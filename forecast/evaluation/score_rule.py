"""How a model's several score rows on one benchmark become the one score that decides events.

A model may carry several MMLU rows (self-reported, independent harness, other shot counts).
`ScoreRule` reduces them to one number per model: keep the rows with an admissible protocol
(default: not chain-of-thought, 5-shot or unknown shot count), then take their **median**
(default) or their maximum. The median is the default because the maximum rises with the number
of reports a model receives (more evaluations, more chances to clear a threshold), and that
number grows over time and with a model's popularity; with one or two admissible rows the median
is the row itself or the mean of the two. A model with no admissible row does not count.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import pandas as pd

from forecast.core.errors import UserError


@dataclass(frozen=True)
class ScoreRule:
    """How a model's several score rows on one benchmark become the one score that decides events.

    Admissible rows: not chain-of-thought (`cot` 0 or missing) unless `allow_cot`; `shots` in
    `shots`, or missing when `unknown_shots`; `source` in `sources` when given. The model's
    score is the `aggregate` ("median" or "max") of its admissible rows. The median is the
    default: the maximum grows with the number of reports per model (see the module docstring).

    Parameters
    ----------
    aggregate : {"median", "max"}
        How the admissible rows of one model combine.
    shots : tuple of int
        Admissible shot counts.
    unknown_shots : bool
        Whether a row without a shot count is admissible.
    allow_cot : bool
        Whether chain-of-thought rows are admissible.
    sources : tuple of str, optional
        Admissible `source` values; None admits every source.

    Raises
    ------
    UserError
        When `aggregate` is neither "median" nor "max".
    """

    aggregate: Literal["median", "max"] = "median"
    shots: tuple[int, ...] = (5,)
    unknown_shots: bool = True
    allow_cot: bool = False
    sources: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        if self.aggregate not in ("median", "max"):
            raise UserError(f"score aggregate {self.aggregate!r} is not 'median' or 'max'", key="aggregate")
        object.__setattr__(self, "shots", tuple(int(s) for s in self.shots))
        if self.sources is not None:
            object.__setattr__(self, "sources", tuple(self.sources))

    def model_scores(self, scores: pd.DataFrame, benchmark: str) -> pd.Series:
        """One score per model on `benchmark`.

        Parameters
        ----------
        scores : pandas.DataFrame
            Score rows with columns model_id, benchmark, score and optionally cot, shots, source.
        benchmark : str
            Lower-case benchmark name.

        Returns
        -------
        pandas.Series
            The aggregated score (float) indexed by model_id; models without an admissible row
            are absent.
        """
        rows = scores[scores["benchmark"].astype(str).str.lower() == benchmark]
        keep = rows["score"].notna()
        if "cot" in rows and not self.allow_cot:
            keep &= pd.to_numeric(rows["cot"], errors="coerce").fillna(0) == 0
        if "shots" in rows:
            shots = pd.to_numeric(rows["shots"], errors="coerce")
            keep &= shots.isin(self.shots) | (shots.isna() & self.unknown_shots)
        if self.sources is not None and "source" in rows:
            keep &= rows["source"].isin(self.sources)
        grouped = rows.loc[keep].groupby("model_id")["score"]
        return (grouped.median() if self.aggregate == "median" else grouped.max()).astype(float)
