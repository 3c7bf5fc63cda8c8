"""Build the shipped model registry (`forecast/data/*.csv`) from the public sources.

`forecast data build --sources DIR` runs it (`build.build`); docs/data.md lists the sources and
where to download each. The modules, in import order: `catalogue` (the name map),
`llmstats_flatten` (LLM-Stats' per-model JSON files as its two flat CSV tables), `sources` (the
source files' loaders, `Builder`), `curation` (``curation.csv`` and the resolution of each
model's facts), `build` (the tables written).

It reads the source files (their layout is described in `../shared/data/SOURCES.md`),
harmonises model names with the catalogue, converts every score to a fraction in [0, 1],
keeps shots, chain-of-thought and protocol apart, merges copies of the same number, applies the
hand-curated facts of ``forecast/data/curation.csv`` and writes ``models.csv``, ``scores.csv``
and ``benchmarks.csv`` deterministically (sorted rows, fixed number formatting, ``\\n`` line
ends): running it twice gives byte-identical files.

Which models are in the registry
* every model of the catalogue (the name map below): the models that the score sources
  (ObsScaling, Open LLM Leaderboard v1, Epoch benchmark hub and open-model-trends, LLM-Stats)
  report, restricted to original developers' releases and a few widely used community chat
  models; fine-tunes and merges of the Open LLM Leaderboard are dropped;
* every other generative language model of the Epoch databases released 2018-2025 with at
  least 1e9 parameters (encoders, embedding, speech and robotics models excluded by name).

Where each fact comes from (first source that has it; ``*_source`` columns give file and row)
* release date: curation, Epoch notable models, Epoch full database, Epoch model versions,
  LLM-Stats, Epoch open-model-trends; a tuned model never predates its base model.
* total parameters: curation, Epoch notable, Epoch full, ObsScaling, LLM-Stats, open-model-trends,
  then the base model (a fine-tune has its base's size). Closed models keep a size only if it is
  published (Epoch values whose notes say rumoured or estimated are dropped).
* active parameters: curation for every mixture-of-experts model; equal to the total otherwise.
* training tokens (pre-training): curation, ObsScaling, LLM-Stats, Epoch (tokens, not words),
  then the base model.
* technique columns, architecture, objective, open weights: curation (family rows, model rows).

Score protocols (``protocol`` column) and sources
* ``oll_harness``: Open LLM Leaderboard v1 numbers (lm-eval-harness; ARC 25-shot, HellaSwag
  10-shot, MMLU 5-shot, TruthfulQA 0-shot mc2, WinoGrande 5-shot, GSM8K 5-shot), independent;
  ObsScaling's base-model table follows the same protocol.
* ``oll2_harness``: Open LLM Leaderboard v2 metrics from ObsScaling (BBH, GPQA, IFEval, MATH
  level 5, MMLU-Pro, MuSR), independent.
* ``helm``: Stanford CRFM HELM, independent.
* ``paper``: a number printed in a paper, report or model card; self-reported when the document
  is the model developer's, else independent.
* ``epoch_eval``: Epoch AI's own evaluations, independent.
* ``llmstats``: numbers LLM-Stats marks as not self-reported.
The same value (within the printing precision) for the same model, benchmark, shots and
chain-of-thought setting is one observation; its ``source_ref`` lists every row it came from.
"""
