#!/usr/bin/env python3
"""Build the shipped model registry (`forecast/data/*.csv`) from the public sources.

Reads the source files described in `../shared/data/SOURCES.md` (override with ``--sources``),
harmonises model names with the catalogue below, converts every score to a fraction in [0, 1],
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

from __future__ import annotations

import argparse
import csv
import io
import math
import re
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SOURCES = REPO.parent / "shared" / "data"
DEFAULT_OUT = REPO / "forecast" / "data"
DEFAULT_CURATION = REPO / "forecast" / "data" / "curation.csv"

sys.path.insert(0, str(REPO))
from forecast.inputs.registry import MODEL_COLUMNS, SCORE_COLUMNS, TECHNIQUE_COLUMNS  # noqa: E402

# ------------------------------------------------------------------------------------------
# Catalogue (the name map): family | model_id | name | base/tuned | base model | aliases
# Aliases are matched exactly (Hugging Face ids, lower case) or after normalisation (lower
# case, only letters and digits): "LLaMA 2-7B", "Llama-2-7b" and "llama-2-7b" are one name.
# ------------------------------------------------------------------------------------------
CATALOGUE = """
# family | model_id | name | base/tuned | base_model | aliases (';'-separated; HF ids and source names)
## OpenAI
gpt-2 | gpt-2-124m | GPT-2 124M | base | | openai-community/gpt2; gpt2; GPT-2 (124M)
gpt-2 | gpt-2-355m | GPT-2 355M | base | | openai-community/gpt2-medium; GPT-2 (355M)
gpt-2 | gpt-2-774m | GPT-2 774M | base | | openai-community/gpt2-large; GPT-2 (774M)
gpt-2 | gpt-2-1.5b | GPT-2 1.5B | base | | openai-community/gpt2-xl; GPT-2 (1.5B); gpt2-xl; GPT2-XL-1.5B; GPT-2-XL 1.5B
gpt-3 | gpt-3-350m | GPT-3 Medium (ada) | base | | ada (350M); ada; GPT-3 Medium
gpt-3 | gpt-3-1.3b | GPT-3 XL (babbage) | base | | babbage (1.3B); babbage; GPT-3 XL
gpt-3 | gpt-3-6.7b | GPT-3 6.7B (curie) | base | | curie (6.7B); curie; GPT-3 6.7B
gpt-3 | gpt-3-175b | GPT-3 175B (davinci) | base | | GPT-3 175B (davinci); davinci (175B); davinci; GPT-3; GPT-3 (175B); GPT-3 175B; GPT3 175B; GPT-3 Few-Shot; GPT-3 One-Shot; GPT-3 Zero-Shot
instructgpt | text-ada-001 | InstructGPT text-ada-001 | tuned | gpt-3-350m | InstructGPT 350M
instructgpt | text-babbage-001 | InstructGPT text-babbage-001 | tuned | gpt-3-1.3b | InstructGPT 1.3B
instructgpt | text-curie-001 | InstructGPT text-curie-001 | tuned | gpt-3-6.7b | InstructGPT 6B
instructgpt | text-davinci-001 | InstructGPT text-davinci-001 | tuned | gpt-3-175b | InstructGPT 175B; InstructGPT
codex | code-davinci-002 | code-davinci-002 | base | |
gpt-3.5 | text-davinci-002 | GPT-3.5 text-davinci-002 | tuned | code-davinci-002 | GPT-3.5 (davinci-002)
gpt-3.5 | text-davinci-003 | GPT-3.5 text-davinci-003 | tuned | code-davinci-002 |
gpt-3.5 | gpt-3.5-turbo-0613 | GPT-3.5 Turbo (0613) | tuned | | gpt-3.5-turbo-0613; GPT-3.5 Turbo; GPT-3.5-turbo-16k; gpt-3.5-turbo-16k-0613
gpt-3.5 | gpt-3.5-turbo-0301 | GPT-3.5 Turbo (0301) | tuned | |
gpt-3.5 | gpt-3.5-turbo-1106 | GPT-3.5 Turbo (1106) | tuned | | GPT-3.5 version 1106
gpt-3.5 | gpt-3.5-turbo-0125 | GPT-3.5 Turbo (0125) | tuned | | GPT-3.5-turbo-16k-0125
gpt-4 | gpt-4-0314 | GPT-4 (0314) | tuned | | GPT-4 (Mar 2023); GPT-4 (original); GPT-4 (initial release); gpt-4-32k-0314
gpt-4 | gpt-4-0613 | GPT-4 (0613) | tuned | | GPT-4 (Jun 2023); GPT-4-0613
gpt-4 | gpt-4-turbo-1106 | GPT-4 Turbo (1106 preview) | tuned | | GPT-4 Turbo (Nov 2023); gpt-4-1106-preview; gpt-4-turbo
gpt-4 | gpt-4-turbo-0125 | GPT-4 Turbo (0125 preview) | tuned | | gpt-4-0125-preview
gpt-4 | gpt-4-turbo-2024-04-09 | GPT-4 Turbo (2024-04-09) | tuned | | GPT-4 Turbo (Apr 2024)
gpt-4o | gpt-4o-2024-05-13 | GPT-4o (2024-05-13) | tuned | |
gpt-4o | gpt-4o-2024-08-06 | GPT-4o (2024-08-06) | tuned | | GPT-4o (Aug 2024); GPT-4o-0806
gpt-4o | gpt-4o-2024-11-20 | GPT-4o (2024-11-20) | tuned | | GPT-4o (Nov 2024)
gpt-4o | gpt-4o-mini-2024-07-18 | GPT-4o mini | tuned | | GPT-4o mini; GPT 4o-mini; GPT-4o-mini; GPT-4o mini-0718
o-series | o1-preview | o1-preview | tuned | |
o-series | o1-mini | o1-mini | tuned | | o1 mini
o-series | o1-2024-12-17 | o1 | tuned | | o1
o-series | o3-mini | o3-mini | tuned | |
gpt-4.1 | gpt-4.1-2025-04-14 | GPT-4.1 | tuned | |
gpt-4.1 | gpt-4.1-mini-2025-04-14 | GPT-4.1 mini | tuned | |
gpt-4.1 | gpt-4.1-nano-2025-04-14 | GPT-4.1 nano | tuned | |
gpt-4.5 | gpt-4.5 | GPT-4.5 | tuned | | gpt-4.5-preview-2025-02-27
## Anthropic
claude | claude-1.3 | Claude 1.3 | tuned | |
claude | claude-instant-1.1 | Claude Instant 1.1 | tuned | | Claude instant; Claude-Instant
claude | claude-instant-1.2 | Claude Instant 1.2 | tuned | |
claude | claude-2.0 | Claude 2 | tuned | | Claude 2
claude | claude-2.1 | Claude 2.1 | tuned | |
claude-3 | claude-3-haiku-20240307 | Claude 3 Haiku | tuned | | Claude 3 Haiku (20240307)
claude-3 | claude-3-sonnet-20240229 | Claude 3 Sonnet | tuned | | Claude 3 Sonnet (20240229)
claude-3 | claude-3-opus-20240229 | Claude 3 Opus | tuned | | Claude 3 Opus (20240229)
claude-3 | claude-3-5-sonnet-20240620 | Claude 3.5 Sonnet (2024-06-20) | tuned | | Claude 3.5 Sonnet; Claude 3.5 Sonnet (20240620)
claude-3 | claude-3-5-sonnet-20241022 | Claude 3.5 Sonnet (2024-10-22) | tuned | | Claude 3.5 Sonnet (20241022)
claude-3 | claude-3-5-haiku-20241022 | Claude 3.5 Haiku | tuned | | Claude 3.5 Haiku (20241022)
## Google / DeepMind
t5 | t5-small | T5-Small | base | | T5-Small
t5 | t5-base | T5-Base | base | | T5-Base
t5 | t5-large | T5-Large | base | | T5-Large
t5 | t5-3b | T5-3B | base | | T5-XL; T5-3B
t5 | t5-11b | T5-11B | base | | T5-XXL; T5 (11B); T5-11B
flan-t5 | flan-t5-small | Flan-T5-Small | tuned | | Flan-T5 Small; google/flan-t5-small
flan-t5 | flan-t5-base | Flan-T5-Base | tuned | | Flan-T5 Base; google/flan-t5-base
flan-t5 | flan-t5-large | Flan-T5-Large | tuned | | Flan-T5 Large; google/flan-t5-large
flan-t5 | flan-t5-xl | Flan-T5-XL | tuned | | Flan-T5 3B; google/flan-t5-xl
flan-t5 | flan-t5-xxl | Flan-T5-XXL | tuned | | Flan-T5 11B; google/flan-t5-xxl
ul2 | ul2-20b | UL2 20B | base | | UL2; UL2 (20B); google/ul2
t0 | t0pp-11b | T0pp 11B | tuned | t5-11b | T0pp (11B); bigscience/T0pp; T0-XXL
gopher | gopher-280b | Gopher 280B | base | | Gopher (280B); Gopher; Gopher 280B; Gopher (k-Shot)
chinchilla | chinchilla-70b | Chinchilla 70B | base | | Chinchilla (70B); Chinchilla; Chinchilla 70B
glam | glam-1.2t | GLaM (64B/64E) | base | | GLaM; GLaM (MoE); GLaM (MoE) 64B/64E
palm | palm-8b | PaLM 8B | base | | PaLM 9B
palm | palm-62b | PaLM 62B | base | | PaLM 63B
palm | palm-540b | PaLM 540B | base | | PaLM (540B); PaLM; PalM; PaLM-540B; 5-shot PaLM; 8-shot PaLM
palm | palm-cont-62b | PaLM-cont 62B | base | palm-62b | PaLM-cont 62B
flan-palm | flan-palm-8b | Flan-PaLM 8B | tuned | palm-8b | Flan-PaLM 9B
flan-palm | flan-palm-62b | Flan-PaLM 62B | tuned | palm-62b | Flan-PaLM 63B
flan-palm | flan-palm-540b | Flan-PaLM 540B | tuned | palm-540b |
flan-palm | flan-cont-palm-62b | Flan-cont-PaLM 62B | tuned | palm-cont-62b | Flan-cont-PaLM
u-palm | u-palm-540b | U-PaLM 540B | base | palm-540b | U-PaLM (540B); U-PaLM
u-palm | flan-u-palm-540b | Flan-U-PaLM 540B | tuned | u-palm-540b | Flan-U-PaLM
palm-2 | palm-2-s | PaLM 2-S | base | | PaLM-2 S
palm-2 | palm-2-m | PaLM 2-M | base | | PaLM-2 M
palm-2 | palm-2-l | PaLM 2-L | base | | PaLM-2 L; PaLM 2; PaLM-2
gemini | gemini-1.0-pro | Gemini 1.0 Pro | tuned | | Gemini 1.0 Pro (001); gemini-1.0-pro-001
gemini | gemini-1.0-ultra | Gemini 1.0 Ultra | tuned | | Gemini Ultra
gemini | gemini-1.5-pro-0409 | Gemini 1.5 Pro (April 2024) | tuned | | Gemini 1.5 Pro (0409 preview)
gemini | gemini-1.5-pro-001 | Gemini 1.5 Pro (001, May 2024) | tuned | | Gemini 1.5 Pro (May 2024); Gemini 1.5 Pro (001); gemini-1.5-pro
gemini | gemini-1.5-pro-002 | Gemini 1.5 Pro (002) | tuned | | Gemini 1.5 Pro (002)
gemini | gemini-1.5-flash-001 | Gemini 1.5 Flash (001) | tuned | | Gemini 1.5 Flash Preview; Gemini 1.5 Flash (001); Gemini 1.5 Flash (0514 preview); gemini-1.5-flash-0514; gemini-1.5-flash
gemini | gemini-1.5-flash-002 | Gemini 1.5 Flash (002) | tuned | | Gemini 1.5 Flash (002)
gemini | gemini-1.5-flash-8b | Gemini 1.5 Flash-8B | tuned | |
gemini | gemini-2.0-flash | Gemini 2.0 Flash | tuned | | Gemini 2.0 Flash (Experimental); gemini-2.0-flash-exp
gemma | gemma-2b | Gemma 2B | base | | google/gemma-2b; Gemma 1 2B; Gemma 2B
gemma | gemma-7b | Gemma 7B | base | | google/gemma-7b; Gemma (7B); Gemma 7B
gemma | gemma-2b-it | Gemma 2B IT | tuned | gemma-2b | google/gemma-2b-it
gemma | gemma-7b-it | Gemma 7B IT | tuned | gemma-7b | google/gemma-7b-it
gemma | gemma-1.1-7b-it | Gemma 1.1 7B IT | tuned | gemma-7b | google/gemma-1.1-7b-it; Gemma 1.1 7B Instruct
gemma | codegemma-7b | CodeGemma 7B | base | gemma-7b | google/codegemma-7b
gemma | recurrentgemma-2b | RecurrentGemma 2B | base | | google/recurrentgemma-2b
gemma-2 | gemma-2-2b | Gemma 2 2B | base | | google/gemma-2-2b
gemma-2 | gemma-2-9b | Gemma 2 9B | base | | google/gemma-2-9b; Gemma-2 9B; Gemma 2 9B
gemma-2 | gemma-2-27b | Gemma 2 27B | base | | google/gemma-2-27b; Gemma 2 27B
gemma-2 | gemma-2-2b-it | Gemma 2 2B IT | tuned | gemma-2-2b | google/gemma-2-2b-it
gemma-2 | gemma-2-9b-it | Gemma 2 9B IT | tuned | gemma-2-9b | google/gemma-2-9b-it; Gemma 2 Instruct (9B)
gemma-2 | gemma-2-27b-it | Gemma 2 27B IT | tuned | gemma-2-27b | google/gemma-2-27b-it; Gemma 2 Instruct (27B)
gemma-3 | gemma-3-1b | Gemma 3 1B PT | base | | google/gemma-3-1b-pt
gemma-3 | gemma-3-4b | Gemma 3 4B PT | base | | google/gemma-3-4b-pt
gemma-3 | gemma-3-12b | Gemma 3 12B PT | base | | google/gemma-3-12b-pt
gemma-3 | gemma-3-27b | Gemma 3 27B PT | base | | google/gemma-3-27b-pt
gemma-3 | gemma-3-1b-it | Gemma 3 1B IT | tuned | gemma-3-1b | google/gemma-3-1b-it
gemma-3 | gemma-3-4b-it | Gemma 3 4B IT | tuned | gemma-3-4b | google/gemma-3-4b-it
gemma-3 | gemma-3-12b-it | Gemma 3 12B IT | tuned | gemma-3-12b | google/gemma-3-12b-it
gemma-3 | gemma-3-27b-it | Gemma 3 27B IT | tuned | gemma-3-27b | google/gemma-3-27b-it
gemma-3 | gemma-3n-e2b-it | Gemma 3n E2B IT | tuned | | gemma-3n-e2b-it-litert-preview
gemma-3 | gemma-3n-e4b-it | Gemma 3n E4B IT | tuned | | gemma-3n-e4b-it-litert-preview
## Meta
opt | opt-125m | OPT-125M | base | | facebook/opt-125m
opt | opt-350m | OPT-350M | base | | facebook/opt-350m
opt | opt-1.3b | OPT-1.3B | base | | facebook/opt-1.3b; OPT-1B
opt | opt-2.7b | OPT-2.7B | base | | facebook/opt-2.7b
opt | opt-6.7b | OPT-6.7B | base | | facebook/opt-6.7b
opt | opt-13b | OPT-13B | base | | facebook/opt-13b
opt | opt-30b | OPT-30B | base | | facebook/opt-30b
opt | opt-66b | OPT-66B | base | | facebook/opt-66b; OPT (66B)
opt | opt-175b | OPT-175B | base | | OPT (175B)
opt-iml | opt-iml-max-1.3b | OPT-IML-Max 1.3B | tuned | opt-1.3b | facebook/opt-iml-max-1.3b
opt-iml | opt-iml-max-30b | OPT-IML-Max 30B | tuned | opt-30b | facebook/opt-iml-max-30b
xglm | xglm-564m | XGLM 564M | base | | facebook/xglm-564M
xglm | xglm-1.7b | XGLM 1.7B | base | | facebook/xglm-1.7B
xglm | xglm-4.5b | XGLM 4.5B | base | | facebook/xglm-4.5B
xglm | xglm-7.5b | XGLM 7.5B | base | | facebook/xglm-7.5B; XGLM-7.5B
llama | llama-7b | LLaMA 7B | base | | huggyllama/llama-7b; LLaMA-7B; LLaMa-1 7B; LLAMA 1 7B; LLaMA 1 7B; LLaMA (7B)
llama | llama-13b | LLaMA 13B | base | | huggyllama/llama-13b; LLaMA-13B; LLaMa-1 13B; LLAMA 1 13B; LLaMA (13B)
llama | llama-33b | LLaMA 33B | base | | huggyllama/llama-30b; LLaMA-33B; LLaMa-1 33B; LLAMA 1 33B; LLaMA (30B); LLaMA 30B
llama | llama-65b | LLaMA 65B | base | | huggyllama/llama-65b; LLaMA-65B; LLaMa-1 65B; LLAMA 1 65B; LLaMA (65B)
llama-2 | llama-2-7b | Llama 2 7B | base | | meta-llama/Llama-2-7b-hf; Llama 2-7B; LLaMa-2 7B; Llama2-7B; Llama 2 (7B)
llama-2 | llama-2-13b | Llama 2 13B | base | | meta-llama/Llama-2-13b-hf; Llama 2-13B; LLaMa-2 13B; Llama 2 (13B)
llama-2 | llama-2-34b | Llama 2 34B (unreleased) | base | | Llama 2-34B; LLaMa-2 34B
llama-2 | llama-2-70b | Llama 2 70B | base | | meta-llama/Llama-2-70b-hf; Llama 2-70B; LLaMa-2 70B; Llama-2-70b-hf; Llama 2 (70B)
llama-2 | llama-2-7b-chat | Llama 2 7B Chat | tuned | llama-2-7b | meta-llama/Llama-2-7b-chat-hf; llama-2-7b-chat; LLAMA 2-CHAT 7B
llama-2 | llama-2-13b-chat | Llama 2 13B Chat | tuned | llama-2-13b | meta-llama/Llama-2-13b-chat-hf; llama-2-13b-chat; LLaMA2-Chat 13B; LLAMA 2-CHAT 13B
llama-2 | llama-2-70b-chat | Llama 2 70B Chat | tuned | llama-2-70b | meta-llama/Llama-2-70b-chat-hf; llama-2-70b-chat; LLaMA2-Chat 70B; LLAMA 2-CHAT 70B; Llama-2-70b-chat-hf
codellama | codellama-7b | Code Llama 7B | base | llama-2-7b | codellama/CodeLlama-7b-hf
codellama | codellama-13b | Code Llama 13B | base | llama-2-13b | codellama/CodeLlama-13b-hf
codellama | codellama-34b | Code Llama 34B | base | llama-2-34b | codellama/CodeLlama-34b-hf
codellama | codellama-70b | Code Llama 70B | base | llama-2-70b | codellama/CodeLlama-70b-hf
codellama | codellama-7b-instruct | Code Llama 7B Instruct | tuned | codellama-7b | codellama/CodeLlama-7b-Instruct-hf; codellama-7b-instruct
codellama | codellama-13b-instruct | Code Llama 13B Instruct | tuned | codellama-13b | codellama/CodeLlama-13b-Instruct-hf; codellama-13b-instruct
codellama | codellama-34b-instruct | Code Llama 34B Instruct | tuned | codellama-34b | codellama/CodeLlama-34b-Instruct-hf; codellama-34b-instruct; CodeLlama 34B Instruct
codellama | codellama-70b-instruct | Code Llama 70B Instruct | tuned | codellama-70b | codellama/CodeLlama-70b-Instruct-hf
llama-3 | llama-3-8b | Llama 3 8B | base | | meta-llama/Meta-Llama-3-8B; Llama 3-8B; LLaMA 3 8B; Meta-Llama-3-8B; Llama 3 (8B)
llama-3 | llama-3-70b | Llama 3 70B | base | | meta-llama/Meta-Llama-3-70B; Llama 3-70B; LLaMA 3 70B; Meta-Llama-3-70B; Llama 3 (70B)
llama-3 | llama-3-8b-instruct | Llama 3 8B Instruct | tuned | llama-3-8b | meta-llama/Meta-Llama-3-8B-Instruct; Meta-Llama-3-8B-Instruct; Llama-3-In 8b
llama-3 | llama-3-70b-instruct | Llama 3 70B Instruct | tuned | llama-3-70b | meta-llama/Meta-Llama-3-70B-Instruct; Meta-Llama-3-70B-Instruct
llama-3.1 | llama-3.1-8b | Llama 3.1 8B | base | | meta-llama/Meta-Llama-3.1-8B; Llama 3.1-8B; Llama-3.1-8B
llama-3.1 | llama-3.1-70b | Llama 3.1 70B | base | | meta-llama/Meta-Llama-3.1-70B; Llama 3.1-70B; Llama-3.1-70B
llama-3.1 | llama-3.1-405b | Llama 3.1 405B | base | | meta-llama/Meta-Llama-3.1-405B-FP8; meta-llama/Meta-Llama-3.1-405B; Llama 3.1-405B; Llama-3.1-405B; LLaMA-3.1 405B Base
llama-3.1 | llama-3.1-8b-instruct | Llama 3.1 8B Instruct | tuned | llama-3.1-8b | meta-llama/Llama-3.1-8B-Instruct; Llama-3.1-8B-Instruct; Llama 3.1 Instruct Turbo (8B); Llama-3.1-In 8B
llama-3.1 | llama-3.1-70b-instruct | Llama 3.1 70B Instruct | tuned | llama-3.1-70b | meta-llama/Llama-3.1-70B-Instruct; Llama-3.1-70B-Instruct; Llama 3.1 Instruct Turbo (70B)
llama-3.1 | llama-3.1-405b-instruct | Llama 3.1 405B Instruct | tuned | llama-3.1-405b | meta-llama/Llama-3.1-405B-Instruct; Llama-3.1-405B-Instruct; Llama 3.1 Instruct Turbo (405B)
llama-3.2 | llama-3.2-1b | Llama 3.2 1B | base | | meta-llama/Llama-3.2-1B
llama-3.2 | llama-3.2-3b | Llama 3.2 3B | base | | meta-llama/Llama-3.2-3B
llama-3.2 | llama-3.2-1b-instruct | Llama 3.2 1B Instruct | tuned | llama-3.2-1b | meta-llama/Llama-3.2-1B-Instruct
llama-3.2 | llama-3.2-3b-instruct | Llama 3.2 3B Instruct | tuned | llama-3.2-3b | meta-llama/Llama-3.2-3B-Instruct
llama-3.2 | llama-3.2-11b-vision-instruct | Llama 3.2 11B Vision Instruct | tuned | llama-3.1-8b | Llama 3.2 11B; llama-3.2-11b-instruct; Llama-3.2-11B-Vision-Instruct; Llama 3.2 Vision Instruct Turbo (11B)
llama-3.2 | llama-3.2-90b-vision-instruct | Llama 3.2 90B Vision Instruct | tuned | llama-3.1-70b | Llama 3.2 90B; llama-3.2-90b-instruct; Llama-3.2-90B-Vision-Instruct; Llama 3.2 Vision Instruct Turbo (90B)
llama-3.3 | llama-3.3-70b-instruct | Llama 3.3 70B Instruct | tuned | llama-3.1-70b | Llama 3.3 70B; Llama-3.3-70B-Instruct; Llama 3.3 Instruct Turbo (70B); Llama3.3 70b instruct
llama-4 | llama-4-scout | Llama 4 Scout (17B-16E) | tuned | | Llama-4-Scout-17B-16E-Instruct
llama-4 | llama-4-maverick | Llama 4 Maverick (17B-128E) | tuned | | Llama-4-Maverick-17B-128E-Instruct
## EleutherAI and other early open models
gpt-neo | gpt-neo-125m | GPT-Neo 125M | base | | EleutherAI/gpt-neo-125m; GPT-Neo-125M
gpt-neo | gpt-neo-1.3b | GPT-Neo 1.3B | base | | EleutherAI/gpt-neo-1.3B; GPT-Neo-1.3B
gpt-neo | gpt-neo-2.7b | GPT-Neo 2.7B | base | | EleutherAI/gpt-neo-2.7B; GPT-Neo-2.7B
gpt-neo | gpt-j-6b | GPT-J 6B | base | | EleutherAI/gpt-j-6b; GPT-J-6B; GPT-J (6B)
gpt-neo | gpt-neox-20b | GPT-NeoX 20B | base | | EleutherAI/gpt-neox-20b; GPT-NeoX-20B; GPT-NeoX 20B; GPT-NeoX (20B); GPT-neox-20B
pythia | pythia-70m | Pythia 70M | base | | EleutherAI/pythia-70m
pythia | pythia-160m | Pythia 160M | base | | EleutherAI/pythia-160m
pythia | pythia-410m | Pythia 410M | base | | EleutherAI/pythia-410m
pythia | pythia-1b | Pythia 1B | base | | EleutherAI/pythia-1b
pythia | pythia-1.4b | Pythia 1.4B | base | | EleutherAI/pythia-1.4b; EleutherAI/pythia-1.3b
pythia | pythia-2.8b | Pythia 2.8B | base | | EleutherAI/pythia-2.8b; EleutherAI/pythia-2.7b
pythia | pythia-6.9b | Pythia 6.9B | base | | EleutherAI/pythia-6.9b; EleutherAI/pythia-6.7b; Pythia (6.9B)
pythia | pythia-12b | Pythia 12B | base | | EleutherAI/pythia-12b; Pythia (12B)
pythia | pythia-70m-deduped | Pythia 70M (deduplicated) | base | | EleutherAI/pythia-70m-deduped
pythia | pythia-160m-deduped | Pythia 160M (deduplicated) | base | | EleutherAI/pythia-160m-deduped
pythia | pythia-410m-deduped | Pythia 410M (deduplicated) | base | | EleutherAI/pythia-410m-deduped
pythia | pythia-1b-deduped | Pythia 1B (deduplicated) | base | | EleutherAI/pythia-1b-deduped
pythia | pythia-1.4b-deduped | Pythia 1.4B (deduplicated) | base | | EleutherAI/pythia-1.4b-deduped
pythia | pythia-2.8b-deduped | Pythia 2.8B (deduplicated) | base | | EleutherAI/pythia-2.8b-deduped
pythia | pythia-6.9b-deduped | Pythia 6.9B (deduplicated) | base | | EleutherAI/pythia-6.9b-deduped
pythia | pythia-12b-deduped | Pythia 12B (deduplicated) | base | | EleutherAI/pythia-12b-deduped
bloom | bloom-560m | BLOOM 560M | base | | bigscience/bloom-560m
bloom | bloom-1b1 | BLOOM 1.1B | base | | bigscience/bloom-1b1
bloom | bloom-1b7 | BLOOM 1.7B | base | | bigscience/bloom-1b7
bloom | bloom-3b | BLOOM 3B | base | | bigscience/bloom-3b
bloom | bloom-7b1 | BLOOM 7.1B | base | | bigscience/bloom-7b1
bloom | bloom-176b | BLOOM 176B | base | | bigscience/bloom; BLOOM-176B; BLOOM (176B)
bloomz | bloomz-560m | BLOOMZ 560M | tuned | bloom-560m | bigscience/bloomz-560m
bloomz | bloomz-3b | BLOOMZ 3B | tuned | bloom-3b | bigscience/bloomz-3b
bloomz | bloomz-7b1 | BLOOMZ 7.1B | tuned | bloom-7b1 | bigscience/bloomz-7b1
cerebras-gpt | cerebras-gpt-111m | Cerebras-GPT 111M | base | | cerebras/Cerebras-GPT-111M
cerebras-gpt | cerebras-gpt-256m | Cerebras-GPT 256M | base | | cerebras/Cerebras-GPT-256M
cerebras-gpt | cerebras-gpt-590m | Cerebras-GPT 590M | base | | cerebras/Cerebras-GPT-590M
cerebras-gpt | cerebras-gpt-1.3b | Cerebras-GPT 1.3B | base | | cerebras/Cerebras-GPT-1.3B
cerebras-gpt | cerebras-gpt-2.7b | Cerebras-GPT 2.7B | base | | cerebras/Cerebras-GPT-2.7B
cerebras-gpt | cerebras-gpt-6.7b | Cerebras-GPT 6.7B | base | | cerebras/Cerebras-GPT-6.7B
cerebras-gpt | cerebras-gpt-13b | Cerebras-GPT 13B | base | | cerebras/Cerebras-GPT-13B
btlm | btlm-3b-8k | BTLM-3B-8K | base | | cerebras/btlm-3b-8k-base; BTLM-3B
codegen | codegen-6b-nl | CodeGen 6B (NL) | base | | Salesforce/codegen-6B-nl
codegen | codegen-16b-nl | CodeGen 16B (NL) | base | | Salesforce/codegen-16B-nl
starcoder | starcoderbase-1b | StarCoderBase 1B | base | | bigcode/starcoderbase-1b
starcoder | starcoderbase-3b | StarCoderBase 3B | base | | bigcode/starcoderbase-3b
starcoder | starcoderbase-7b | StarCoderBase 7B | base | | bigcode/starcoderbase-7b
starcoder | starcoderbase-15.5b | StarCoderBase 15.5B | base | | bigcode/starcoderbase
starcoder | starcoder-15.5b | StarCoder 15.5B | base | starcoderbase-15.5b | bigcode/starcoder; StarCoder
starcoder2 | starcoder2-3b | StarCoder2 3B | base | | bigcode/starcoder2-3b; StarCoder 2 3B
starcoder2 | starcoder2-7b | StarCoder2 7B | base | | bigcode/starcoder2-7b; StarCoder 2 7B
starcoder2 | starcoder2-15b | StarCoder2 15B | base | | bigcode/starcoder2-15b; StarCoder 2 15B
xgen | xgen-7b | XGen 7B (8K) | base | | xgen-7b-8k-base; XGen-7B; Salesforce/xgen-7b-8k-base
mpt | mpt-7b | MPT-7B | base | | mosaicml/mpt-7b; MPT 7B; MPT-7B; MPT-7B (base)
mpt | mpt-30b | MPT-30B | base | | mosaicml/mpt-30b; MPT 30B; MPT (30B); MPT-30B (base)
mpt | mpt-7b-8k | MPT-7B-8K | base | mpt-7b | mosaicml/mpt-7b-8k
mpt | mpt-7b-instruct | MPT-7B Instruct | tuned | mpt-7b | mosaicml/mpt-7b-instruct
mpt | mpt-7b-chat | MPT-7B Chat | tuned | mpt-7b | mosaicml/mpt-7b-chat
mpt | mpt-30b-instruct | MPT-30B Instruct | tuned | mpt-30b | mosaicml/mpt-30b-instruct; MPT-Instruct (30B)
mpt | mpt-30b-chat | MPT-30B Chat | tuned | mpt-30b | mosaicml/mpt-30b-chat
dbrx | dbrx-base | DBRX Base | base | | databricks/dbrx-base; DBRX
dbrx | dbrx-instruct | DBRX Instruct | tuned | dbrx-base | databricks/dbrx-instruct; DBRX-Instruct
dolly | dolly-v2-12b | Dolly v2 12B | tuned | pythia-12b | databricks/dolly-v2-12b; Dolly 2.0-12b; Dolly-v2-12B
oasst | oasst-sft-4-pythia-12b | OpenAssistant SFT-4 Pythia 12B | tuned | pythia-12b | OpenAssistant/oasst-sft-4-pythia-12b-epoch-3.5; oasst-sft-4-pythia-12b-epoch-3.5
openllama | open-llama-3b | OpenLLaMA 3B | base | | openlm-research/open_llama_3b
openllama | open-llama-7b | OpenLLaMA 7B | base | | openlm-research/open_llama_7b; OpenLLaMA-7B
openllama | open-llama-13b | OpenLLaMA 13B | base | | openlm-research/open_llama_13b
openllama | open-llama-3b-v2 | OpenLLaMA 3B v2 | base | | openlm-research/open_llama_3b_v2
openllama | open-llama-7b-v2 | OpenLLaMA 7B v2 | base | | openlm-research/open_llama_7b_v2
redpajama | redpajama-incite-3b | RedPajama-INCITE Base 3B v1 | base | | togethercomputer/RedPajama-INCITE-Base-3B-v1; RedPajama-INCITE-Base-v1 (3B)
redpajama | redpajama-incite-7b | RedPajama-INCITE Base 7B | base | | togethercomputer/RedPajama-INCITE-7B-Base; togethercomputer/RedPajama-INCITE-Base-7B-v0.1; RedPajama-INCITE-7B-Base; RedPajama-INCITE-Base (7B); Redpajama-7B
redpajama | redpajama-incite-3b-instruct | RedPajama-INCITE Instruct 3B v1 | tuned | redpajama-incite-3b | togethercomputer/RedPajama-INCITE-Instruct-3B-v1; RedPajama-INCITE-Instruct-v1 (3B)
redpajama | redpajama-incite-7b-instruct | RedPajama-INCITE Instruct 7B | tuned | redpajama-incite-7b | togethercomputer/RedPajama-INCITE-7B-Instruct; RedPajama-INCITE-Instruct (7B)
stablelm | stablelm-base-alpha-3b | StableLM-Base-Alpha 3B | base | | stabilityai/stablelm-base-alpha-3b
stablelm | stablelm-base-alpha-7b | StableLM-Base-Alpha 7B | base | | stabilityai/stablelm-base-alpha-7b; StableLM-alpha-7b
stablelm | stablelm-base-alpha-7b-v2 | StableLM-Base-Alpha 7B v2 | base | | stabilityai/stablelm-base-alpha-7b-v2; StableLM-alpha-7b-v2
stablelm | stablelm-tuned-alpha-7b | StableLM-Tuned-Alpha 7B | tuned | stablelm-base-alpha-7b | stabilityai/stablelm-tuned-alpha-7b
stablelm | stablelm-3b-4e1t | StableLM-3B-4E1T | base | | stabilityai/stablelm-3b-4e1t; StableLM-3B-4E1T
stablelm | stablelm-2-1.6b | StableLM 2 1.6B | base | | stabilityai/stablelm-2-1_6b
stablelm | stablelm-2-12b | StableLM 2 12B | base | | stabilityai/stablelm-2-12b
stablelm | stablelm-2-1.6b-chat | StableLM 2 1.6B Chat | tuned | stablelm-2-1.6b | stabilityai/stablelm-2-1_6b-chat
stablelm | stablelm-2-12b-chat | StableLM 2 12B Chat | tuned | stablelm-2-12b | stabilityai/stablelm-2-12b-chat
stablelm | stablelm-zephyr-3b | StableLM Zephyr 3B | tuned | stablelm-3b-4e1t | stabilityai/stablelm-zephyr-3b
stablelm | stablebeluga2 | Stable Beluga 2 | tuned | llama-2-70b | stabilityai/StableBeluga2; StableBeluga2; StableBeluga2 70B
rwkv | rwkv-4-169m | RWKV-4 169M (Pile) | base | | RWKV/rwkv-4-169m-pile
rwkv | rwkv-4-430m | RWKV-4 430M (Pile) | base | | RWKV/rwkv-4-430m-pile
rwkv | rwkv-4-1.5b | RWKV-4 1.5B (Pile) | base | | RWKV/rwkv-4-1b5-pile
rwkv | rwkv-4-3b | RWKV-4 3B (Pile) | base | | RWKV/rwkv-4-3b-pile
rwkv | rwkv-4-7b | RWKV-4 7B (Pile) | base | | RWKV/rwkv-4-7b-pile
rwkv | rwkv-4-14b | RWKV-4 14B (Pile) | base | | RWKV/rwkv-4-14b-pile
rwkv | rwkv-4-raven-14b | RWKV-4 Raven 14B | tuned | rwkv-4-14b | RWKV/rwkv-raven-14b
llm360 | amber-7b | Amber 7B | base | | LLM360/Amber
llm360 | amberchat-7b | AmberChat 7B | tuned | amber-7b | LLM360/AmberChat
llm360 | k2-65b | K2 65B | base | | LLM360/K2
tinyllama | tinyllama-1.1b-3t | TinyLlama 1.1B (3T) | base | | TinyLlama/TinyLlama-1.1B-intermediate-step-1431k-3T; TinyLlama-1.1B (3T token checkpoint)
tinyllama | tinyllama-1.1b-v1.1 | TinyLlama 1.1B v1.1 | base | | TinyLlama/TinyLlama_v1.1
tinyllama | tinyllama-1.1b-chat-v1.0 | TinyLlama 1.1B Chat v1.0 | tuned | tinyllama-1.1b-3t | TinyLlama/TinyLlama-1.1B-Chat-v1.0
h2o-danube | h2o-danube-1.8b | H2O-Danube 1.8B | base | | h2oai/h2o-danube-1.8b-base
h2o-danube | h2o-danube2-1.8b | H2O-Danube2 1.8B | base | | h2oai/h2o-danube2-1.8b-base
h2o-danube | h2o-danube3-500m | H2O-Danube3 500M | base | | h2oai/h2o-danube3-500m-base
h2o-danube | h2o-danube3-4b | H2O-Danube3 4B | base | | h2oai/h2o-danube3-4b-base
h2o-danube | h2o-danube-1.8b-chat | H2O-Danube 1.8B Chat | tuned | h2o-danube-1.8b | h2oai/h2o-danube-1.8b-chat
h2o-danube | h2o-danube2-1.8b-chat | H2O-Danube2 1.8B Chat | tuned | h2o-danube2-1.8b | h2oai/h2o-danube2-1.8b-chat
decilm | decilm-7b | DeciLM-7B | base | | Deci/DeciLM-7B
decilm | decilm-7b-instruct | DeciLM-7B Instruct | tuned | decilm-7b | Deci/DeciLM-7B-instruct
## Llama-2 era community chat models
vicuna | vicuna-13b-v1.1 | Vicuna 13B v1.1 | tuned | llama-13b | lmsys/vicuna-13b-v1.1; Vicuna-13B; Vicuna-13B (v1.1)
vicuna | vicuna-7b-v1.3 | Vicuna 7B v1.3 | tuned | llama-7b | lmsys/vicuna-7b-v1.3; Vicuna v1.3 (7B)
vicuna | vicuna-13b-v1.3 | Vicuna 13B v1.3 | tuned | llama-13b | lmsys/vicuna-13b-v1.3; Vicuna-13B-v1.3; Vicuna v1.3 (13B)
vicuna | vicuna-33b-v1.3 | Vicuna 33B v1.3 | tuned | llama-33b | lmsys/vicuna-33b-v1.3; vicuna-33b-v1.3
vicuna | vicuna-7b-v1.5 | Vicuna 7B v1.5 | tuned | llama-2-7b | lmsys/vicuna-7b-v1.5; vicuna-7b-v1.5
vicuna | vicuna-13b-v1.5 | Vicuna 13B v1.5 | tuned | llama-2-13b | lmsys/vicuna-13b-v1.5; vicuna-13b-v1.5
vicuna | vicuna-13b-v1.5-16k | Vicuna 13B v1.5 16K | tuned | llama-2-13b | lmsys/vicuna-13b-v1.5-16k; vicuna-13b-16k
wizardlm | wizardlm-13b-v1.2 | WizardLM 13B v1.2 | tuned | llama-2-13b | WizardLM/WizardLM-13B-V1.2; wizardlm-13b-v1.2
wizardlm | wizardlm-30b-v1.0 | WizardLM 30B v1.0 | tuned | llama-33b | wizardlm-30b-v1.0
wizardlm | wizardlm-70b-v1.0 | WizardLM 70B v1.0 | tuned | llama-2-70b | WizardLM/WizardLM-70B-V1.0; WizardLM-70B
guanaco | guanaco-33b | Guanaco 33B | tuned | llama-33b | guanaco-33b
guanaco | guanaco-65b | Guanaco 65B | tuned | llama-65b | guanaco-65b
koala | koala-13b | Koala 13B | tuned | llama-13b | koala-13b
openchat | openchat-13b-v3.2 | OpenChat 13B v3.2 | tuned | llama-2-13b | openchat-13b-v3.2; openchat/openchat_v3.2
openchat | openchat-3.5 | OpenChat 3.5 (7B) | tuned | mistral-7b-v0.1 | openchat/openchat_3.5
lemur | lemur-70b-chat-v1 | Lemur 70B Chat v1 | tuned | llama-2-70b | lemur-70b-chat-v1
zephyr | zephyr-7b-beta | Zephyr 7B beta | tuned | mistral-7b-v0.1 | HuggingFaceH4/zephyr-7b-beta
tulu | tulu-2-dpo-70b | Tulu 2 DPO 70B | tuned | llama-2-70b | allenai/tulu-2-dpo-70b
orca | orca-2-7b | Orca 2 7B | tuned | llama-2-7b | microsoft/Orca-2-7b
orca | orca-2-13b | Orca 2 13B | tuned | llama-2-13b | microsoft/Orca-2-13b
## Mistral AI
mistral | mistral-7b-v0.1 | Mistral 7B v0.1 | base | | mistralai/Mistral-7B-v0.1; Mistral 7B; Mistral-7B-v0.1; Mistral v0.1 (7B)
mistral | mistral-7b-v0.2 | Mistral 7B v0.2 | base | | mistral-community/Mistral-7B-v0.2
mistral | mistral-7b-v0.3 | Mistral 7B v0.3 | base | | mistralai/Mistral-7B-v0.3; Mistral-7B-v0.3
mistral | mistral-7b-instruct-v0.1 | Mistral 7B Instruct v0.1 | tuned | mistral-7b-v0.1 | mistralai/Mistral-7B-Instruct-v0.1; mistral-7b-instruct-v0.1; Mistral-7B-Instruct-v0.1
mistral | mistral-7b-instruct-v0.2 | Mistral 7B Instruct v0.2 | tuned | | mistralai/Mistral-7B-Instruct-v0.2; Mistral-7B-Instruct-v0.2
mistral | mistral-7b-instruct-v0.3 | Mistral 7B Instruct v0.3 | tuned | mistral-7b-v0.3 | mistralai/Mistral-7B-Instruct-v0.3; Mistral-7B-Instruct-v0.3; Mistral Instruct v0.3 (7B)
mistral | mistral-nemo-12b | Mistral NeMo 12B Base | base | | mistralai/Mistral-Nemo-Base-2407; Mistral-Nemo-Base-2407; Mistral-Nemo 12B; Mistral Nemo
mistral | mistral-nemo-12b-instruct | Mistral NeMo 12B Instruct | tuned | mistral-nemo-12b | mistral-nemo-instruct-2407; Mistral NeMo (2402)
mistral | ministral-8b-instruct | Ministral 8B Instruct | tuned | | ministral-8b-instruct-2410
mistral | mistral-small-2402 | Mistral Small (2402) | tuned | |
mistral | mistral-small-24b-2501 | Mistral Small 3 24B Base | base | | mistral-small-24b-base-2501
mistral | mistral-small-24b-instruct-2501 | Mistral Small 3 24B Instruct | tuned | mistral-small-24b-2501 | mistral-small-24b-instruct-2501
mistral | mistral-small-3.1-24b | Mistral Small 3.1 24B Base | base | | mistral-small-3.1-24b-base-2503
mistral | mistral-small-3.1-24b-instruct | Mistral Small 3.1 24B Instruct | tuned | mistral-small-3.1-24b | mistral-small-3.1-24b-instruct-2503
mistral | mistral-large-2402 | Mistral Large (2402) | tuned | | Mistral Large
mistral | mistral-large-2407 | Mistral Large 2 (2407) | tuned | | Mistral Large 2; mistral-large-2-2407
mistral | pixtral-12b | Pixtral 12B | tuned | mistral-nemo-12b | pixtral-12b-2409
mixtral | mixtral-8x7b | Mixtral 8x7B | base | | mistralai/Mixtral-8x7B-v0.1; Mixtral 8x7B; Mixtral-8x7B-v0.1; Mixtral (8x7B 32K seqlen)
mixtral | mixtral-8x22b | Mixtral 8x22B | base | | mistralai/Mixtral-8x22B-v0.1; mistral-community/Mixtral-8x22B-v0.1; Mixtral 8x22B; Mixtral-8x22B-v0.1; Mixtral (8x22B)
mixtral | mixtral-8x7b-instruct | Mixtral 8x7B Instruct | tuned | mixtral-8x7b | mistralai/Mixtral-8x7B-Instruct-v0.1; Mixtral-8x7B-Instruct-v0.1
mixtral | mixtral-8x22b-instruct | Mixtral 8x22B Instruct | tuned | mixtral-8x22b | mistralai/Mixtral-8x22B-Instruct-v0.1; Mixtral-8x22B-Instruct-v0.1
## TII
falcon | falcon-rw-1b | Falcon-RW 1B | base | | tiiuae/falcon-rw-1b; Falcon-rw-1.3B
falcon | falcon-7b | Falcon 7B | base | | tiiuae/falcon-7b; Falcon-7B; Falcon (7B)
falcon | falcon-40b | Falcon 40B | base | | tiiuae/falcon-40b; Falcon-40B; Falcon (40B)
falcon | falcon-180b | Falcon 180B | base | | tiiuae/falcon-180B; Falcon-180B
falcon | falcon-7b-instruct | Falcon 7B Instruct | tuned | falcon-7b | tiiuae/falcon-7b-instruct; Falcon-Instruct (7B)
falcon | falcon-40b-instruct | Falcon 40B Instruct | tuned | falcon-40b | tiiuae/falcon-40b-instruct; Falcon-Instruct (40B)
falcon | falcon-11b | Falcon 2 11B | base | | tiiuae/falcon-11B; Falcon2-11B; Falcon 2 11B; Falcon2-11B stage 4
## 01.AI
yi | yi-6b | Yi 6B | base | | 01-ai/Yi-6B; Yi (6B)
yi | yi-9b | Yi 9B | base | | 01-ai/Yi-9B
yi | yi-34b | Yi 34B | base | | 01-ai/Yi-34B; Yi (34B)
yi | yi-6b-200k | Yi 6B 200K | base | yi-6b | 01-ai/Yi-6B-200K
yi | yi-34b-200k | Yi 34B 200K | base | yi-34b | 01-ai/Yi-34B-200K
yi | yi-6b-chat | Yi 6B Chat | tuned | yi-6b | 01-ai/Yi-6B-Chat; Yi-Chat 6B
yi | yi-34b-chat | Yi 34B Chat | tuned | yi-34b | 01-ai/Yi-34B-Chat; Yi-Chat 34B
yi-1.5 | yi-1.5-6b | Yi-1.5 6B | base | | 01-ai/Yi-1.5-6B
yi-1.5 | yi-1.5-9b | Yi-1.5 9B | base | | 01-ai/Yi-1.5-9B
yi-1.5 | yi-1.5-34b | Yi-1.5 34B | base | | 01-ai/Yi-1.5-34B
yi-1.5 | yi-1.5-6b-chat | Yi-1.5 6B Chat | tuned | yi-1.5-6b | 01-ai/Yi-1.5-6B-Chat
yi-1.5 | yi-1.5-9b-chat | Yi-1.5 9B Chat | tuned | yi-1.5-9b | 01-ai/Yi-1.5-9B-Chat
yi-1.5 | yi-1.5-34b-chat | Yi-1.5 34B Chat | tuned | yi-1.5-34b | 01-ai/Yi-1.5-34B-Chat
yi-large | yi-large | Yi-Large | tuned | | Yi Large (Preview)
## Alibaba
qwen | qwen-1.8b | Qwen 1.8B | base | | Qwen/Qwen-1_8B; Qwen-1_8B
qwen | qwen-7b | Qwen 7B | base | | Qwen/Qwen-7B; Qwen-7B
qwen | qwen-14b | Qwen 14B | base | | Qwen/Qwen-14B; Qwen-14B
qwen | qwen-72b | Qwen 72B | base | | Qwen/Qwen-72B; Qwen-72B
qwen | qwen-1.8b-chat | Qwen 1.8B Chat | tuned | qwen-1.8b | Qwen/Qwen-1_8B-Chat; QWEN-CHAT 1.8B
qwen | qwen-7b-chat | Qwen 7B Chat | tuned | qwen-7b | Qwen/Qwen-7B-Chat; QWEN-CHAT 7B
qwen | qwen-14b-chat | Qwen 14B Chat | tuned | qwen-14b | Qwen/Qwen-14B-Chat; Qwen-14B-Chat; Qwen-Chat 14B; QWEN-CHAT 14B
qwen1.5 | qwen1.5-0.5b | Qwen1.5 0.5B | base | | Qwen/Qwen1.5-0.5B
qwen1.5 | qwen1.5-1.8b | Qwen1.5 1.8B | base | | Qwen/Qwen1.5-1.8B
qwen1.5 | qwen1.5-4b | Qwen1.5 4B | base | | Qwen/Qwen1.5-4B
qwen1.5 | qwen1.5-7b | Qwen1.5 7B | base | | Qwen/Qwen1.5-7B; Qwen1.5 (7B)
qwen1.5 | qwen1.5-14b | Qwen1.5 14B | base | | Qwen/Qwen1.5-14B; Qwen/Qwen2-beta-14B; Qwen1.5 (14B)
qwen1.5 | qwen1.5-32b | Qwen1.5 32B | base | | Qwen/Qwen1.5-32B; Qwen1.5 (32B)
qwen1.5 | qwen1.5-72b | Qwen1.5 72B | base | | Qwen/Qwen1.5-72B; Qwen/Qwen2-beta-72B; Qwen1.5-72B; Qwen1.5 (72B)
qwen1.5 | qwen1.5-110b | Qwen1.5 110B | base | | Qwen/Qwen1.5-110B; Qwen1.5-110B
qwen1.5 | qwen1.5-moe-a2.7b | Qwen1.5-MoE-A2.7B | base | | Qwen/Qwen1.5-MoE-A2.7B
qwen1.5 | qwen1.5-0.5b-chat | Qwen1.5 0.5B Chat | tuned | qwen1.5-0.5b | Qwen/Qwen1.5-0.5B-Chat
qwen1.5 | qwen1.5-1.8b-chat | Qwen1.5 1.8B Chat | tuned | qwen1.5-1.8b | Qwen/Qwen1.5-1.8B-Chat
qwen1.5 | qwen1.5-4b-chat | Qwen1.5 4B Chat | tuned | qwen1.5-4b | Qwen/Qwen1.5-4B-Chat
qwen1.5 | qwen1.5-7b-chat | Qwen1.5 7B Chat | tuned | qwen1.5-7b | Qwen/Qwen1.5-7B-Chat; qwen1.5-7b-chat
qwen1.5 | qwen1.5-14b-chat | Qwen1.5 14B Chat | tuned | qwen1.5-14b | Qwen/Qwen1.5-14B-Chat; qwen1.5-14b-chat
qwen1.5 | qwen1.5-32b-chat | Qwen1.5 32B Chat | tuned | qwen1.5-32b | Qwen/Qwen1.5-32B-Chat; qwen1.5-32b-chat
qwen1.5 | qwen1.5-72b-chat | Qwen1.5 72B Chat | tuned | qwen1.5-72b | Qwen/Qwen1.5-72B-Chat; qwen1.5-72b-chat
qwen1.5 | qwen1.5-110b-chat | Qwen1.5 110B Chat | tuned | qwen1.5-110b | Qwen/Qwen1.5-110B-Chat; qwen1.5-110b-chat; Qwen1.5 Chat (110B)
qwen1.5 | qwen1.5-moe-a2.7b-chat | Qwen1.5-MoE-A2.7B Chat | tuned | qwen1.5-moe-a2.7b | Qwen/Qwen1.5-MoE-A2.7B-Chat
qwen1.5 | codeqwen1.5-7b | CodeQwen1.5 7B | base | | Qwen/CodeQwen1.5-7B; CodeQwen1.5-7B
qwen2 | qwen2-0.5b | Qwen2 0.5B | base | | Qwen/Qwen2-0.5B
qwen2 | qwen2-1.5b | Qwen2 1.5B | base | | Qwen/Qwen2-1.5B
qwen2 | qwen2-7b | Qwen2 7B | base | | Qwen/Qwen2-7B
qwen2 | qwen2-57b-a14b | Qwen2 57B-A14B | base | | Qwen/Qwen2-57B-A14B
qwen2 | qwen2-72b | Qwen2 72B | base | | Qwen/Qwen2-72B; Qwen2-72B
qwen2 | qwen2-7b-instruct | Qwen2 7B Instruct | tuned | qwen2-7b | Qwen/Qwen2-7B-Instruct
qwen2 | qwen2-72b-instruct | Qwen2 72B Instruct | tuned | qwen2-72b | Qwen/Qwen2-72B-Instruct; Qwen2 Instruct (72B)
qwen2.5 | qwen2.5-0.5b | Qwen2.5 0.5B | base | | Qwen/Qwen2.5-0.5B
qwen2.5 | qwen2.5-1.5b | Qwen2.5 1.5B | base | | Qwen/Qwen2.5-1.5B
qwen2.5 | qwen2.5-3b | Qwen2.5 3B | base | | Qwen/Qwen2.5-3B
qwen2.5 | qwen2.5-7b | Qwen2.5 7B | base | | Qwen/Qwen2.5-7B
qwen2.5 | qwen2.5-14b | Qwen2.5 14B | base | | Qwen/Qwen2.5-14B
qwen2.5 | qwen2.5-32b | Qwen2.5 32B | base | | Qwen/Qwen2.5-32B; Qwen2.5-32B
qwen2.5 | qwen2.5-72b | Qwen2.5 72B | base | | Qwen/Qwen2.5-72B; Qwen2.5-72B; Qwen2.5 72B Base
qwen2.5 | qwen2.5-7b-instruct | Qwen2.5 7B Instruct | tuned | qwen2.5-7b | Qwen/Qwen2.5-7B-Instruct; qwen-2.5-7b-instruct; qwen2.5-7b-instruct; Qwen2.5 Instruct Turbo (7B)
qwen2.5 | qwen2.5-14b-instruct | Qwen2.5 14B Instruct | tuned | qwen2.5-14b | Qwen/Qwen2.5-14B-Instruct; qwen-2.5-14b-instruct; qwen2.5-14b-instruct; Qwen2.5 14b instruct
qwen2.5 | qwen2.5-32b-instruct | Qwen2.5 32B Instruct | tuned | qwen2.5-32b | Qwen/Qwen2.5-32B-Instruct; qwen-2.5-32b-instruct
qwen2.5 | qwen2.5-72b-instruct | Qwen2.5 72B Instruct | tuned | qwen2.5-72b | Qwen/Qwen2.5-72B-Instruct; qwen-2.5-72b-instruct; qwen2.5-72b-instruct; Qwen2.5 Instruct (72B); Qwen2.5 72b instruct; Qwen2.5 Instruct Turbo (72B)
qwen2.5-coder | qwen2.5-coder-0.5b | Qwen2.5-Coder 0.5B | base | qwen2.5-0.5b | Qwen/Qwen2.5-Coder-0.5B
qwen2.5-coder | qwen2.5-coder-1.5b | Qwen2.5-Coder 1.5B | base | qwen2.5-1.5b | Qwen/Qwen2.5-Coder-1.5B
qwen2.5-coder | qwen2.5-coder-3b | Qwen2.5-Coder 3B | base | qwen2.5-3b | Qwen/Qwen2.5-Coder-3B
qwen2.5-coder | qwen2.5-coder-7b | Qwen2.5-Coder 7B | base | qwen2.5-7b | Qwen/Qwen2.5-Coder-7B
qwen2.5-coder | qwen2.5-coder-14b | Qwen2.5-Coder 14B | base | qwen2.5-14b | Qwen/Qwen2.5-Coder-14B
qwen2.5-coder | qwen2.5-coder-32b | Qwen2.5-Coder 32B | base | qwen2.5-32b | Qwen/Qwen2.5-Coder-32B; Qwen2.5-Coder (32B)
qwen2.5-coder | qwen2.5-coder-7b-instruct | Qwen2.5-Coder 7B Instruct | tuned | qwen2.5-coder-7b | qwen-2.5-coder-7b-instruct; Qwen2.5-Coder-7B-Instruct
qwen2.5-coder | qwen2.5-coder-32b-instruct | Qwen2.5-Coder 32B Instruct | tuned | qwen2.5-coder-32b | qwen-2.5-coder-32b-instruct; Qwen2.5-Coder-32B-Instruct
qwen2.5 | qwen2.5-vl-32b | Qwen2.5-VL 32B Instruct | tuned | qwen2.5-32b | qwen2.5-vl-32b
qwen2.5 | qwq-32b | QwQ-32B | tuned | qwen2.5-32b | Qwen/QwQ-32B
qwen3 | qwen3-0.6b-base | Qwen3 0.6B Base | base | | Qwen/Qwen3-0.6B-Base
qwen3 | qwen3-1.7b-base | Qwen3 1.7B Base | base | | Qwen/Qwen3-1.7B-Base
qwen3 | qwen3-4b-base | Qwen3 4B Base | base | | Qwen/Qwen3-4B-Base
qwen3 | qwen3-8b-base | Qwen3 8B Base | base | | Qwen/Qwen3-8B-Base
qwen3 | qwen3-14b-base | Qwen3 14B Base | base | | Qwen/Qwen3-14B-Base
qwen3 | qwen3-32b-base | Qwen3 32B Base | base | | Qwen/Qwen3-32B-Base
qwen3 | qwen3-30b-a3b-base | Qwen3 30B-A3B Base | base | | Qwen/Qwen3-30B-A3B-Base
qwen3 | qwen3-235b-a22b-base | Qwen3 235B-A22B Base | base | | Qwen/Qwen3-235B-A22B-Base
qwen3 | qwen3-235b-a22b | Qwen3 235B-A22B | tuned | qwen3-235b-a22b-base | Qwen/Qwen3-235B-A22B; Qwen3-235B-A22B
## Microsoft
phi-1.5 | phi-1.5 | phi-1.5 | base | | microsoft/phi-1_5; phi-1_5; Phi-1.5; phi-1.5 (1.3B)
phi-2 | phi-2 | phi-2 | base | | microsoft/phi-2; Phi-2; Phi-2 2.7b
phi-3 | phi-3-mini-4k-instruct | Phi-3-mini 4K Instruct | tuned | | microsoft/Phi-3-mini-4k-instruct; Phi-3-mini-4k-instruct; Phi-3-mini; Phi-3-mini 3.8b; phi-3-mini 3.8B
phi-3 | phi-3-mini-128k-instruct | Phi-3-mini 128K Instruct | tuned | | microsoft/Phi-3-mini-128k-instruct
phi-3 | phi-3-small-8k-instruct | Phi-3-small 8K Instruct | tuned | | microsoft/Phi-3-small-8k-instruct; Phi-3-small-8k-instruct; Phi-3-small; Phi-3-small 7b; Phi-3 (7B); phi-3-small 7.4B
phi-3 | phi-3-medium-4k-instruct | Phi-3-medium 4K Instruct | tuned | | microsoft/Phi-3-medium-4k-instruct
phi-3 | phi-3-medium-128k-instruct | Phi-3-medium 128K Instruct | tuned | | microsoft/Phi-3-medium-128k-instruct; Phi-3-medium-128k-instruct; Phi-3-medium; Phi-3 (14B); Phi-3 14b; Phi-3-medium 14b; phi-3-medium 14B
phi-3.5 | phi-3.5-mini-instruct | Phi-3.5-mini Instruct | tuned | | microsoft/Phi-3.5-mini-instruct; Phi-3.5-mini
phi-3.5 | phi-3.5-moe-instruct | Phi-3.5-MoE Instruct | tuned | | microsoft/Phi-3.5-MoE-instruct; Phi-3.5-MoE
phi-4 | phi-4 | Phi-4 | tuned | | microsoft/phi-4; Phi 4; Phi-4 14b
phi-4 | phi-4-mini-instruct | Phi-4-mini Instruct | tuned | | microsoft/Phi-4-mini-instruct; phi-4-mini; Phi 4 Mini
## DeepSeek
deepseek-llm | deepseek-llm-7b | DeepSeek LLM 7B Base | base | | deepseek-ai/deepseek-llm-7b-base; DeepSeek-7B; DeepSeek LLM 7B
deepseek-llm | deepseek-llm-67b | DeepSeek LLM 67B Base | base | | deepseek-ai/deepseek-llm-67b-base; DeepSeek-67B; DeepSeek LLM 67B
deepseek-llm | deepseek-llm-7b-chat | DeepSeek LLM 7B Chat | tuned | deepseek-llm-7b | deepseek-ai/deepseek-llm-7b-chat
deepseek-llm | deepseek-llm-67b-chat | DeepSeek LLM 67B Chat | tuned | deepseek-llm-67b | deepseek-ai/deepseek-llm-67b-chat; deepseek-llm-67b-chat; DeepSeek LLM Chat (67B)
deepseek-moe | deepseek-moe-16b | DeepSeekMoE 16B Base | base | | deepseek-ai/deepseek-moe-16b-base; DeepSeekMoE-16B
deepseek-coder | deepseek-coder-1.3b | DeepSeek-Coder 1.3B Base | base | | deepseek-ai/deepseek-coder-1.3b-base; deepseek-coder-1.3b-base; DS-Coder-1.3B-Base; DeepSeek Coder 1.3B
deepseek-coder | deepseek-coder-6.7b | DeepSeek-Coder 6.7B Base | base | | deepseek-ai/deepseek-coder-6.7b-base; deepseek-coder-6.7b-base; DS-Coder-6.7B-Base; DeepSeek Coder 6.7B
deepseek-coder | deepseek-coder-33b | DeepSeek-Coder 33B Base | base | | deepseek-ai/deepseek-coder-33b-base; deepseek-coder-33b-base; DS-Coder-33B-Base; DeepSeek Coder 33B
deepseek-coder | deepseek-coder-v2-lite | DeepSeek-Coder-V2-Lite Base | base | | deepseek-ai/DeepSeek-Coder-V2-Lite-Base; DeepSeek-Coder-V2-Lite-Base; DS-Coder-V2-Lite-Base
deepseek-coder | deepseek-coder-v2 | DeepSeek-Coder-V2 Base | base | deepseek-v2 | deepseek-ai/DeepSeek-Coder-V2-Base; DeepSeek-Coder-V2-Base; DS-Coder-V2-Base; DeepSeek-Coder-V2 236B; DeepSeek-Coder-V2
deepseek-v2 | deepseek-v2 | DeepSeek-V2 | base | | deepseek-ai/DeepSeek-V2; DeepSeek-V2 Base; DeepSeek-V2 (MoE-236B)
deepseek-v2 | deepseek-v2.5 | DeepSeek-V2.5 | tuned | deepseek-v2 |
deepseek-v3 | deepseek-v3-base | DeepSeek-V3 Base | base | | deepseek-ai/DeepSeek-V3-Base; DeepSeek-V3-Base; DeepSeek-V3 Base
deepseek-v3 | deepseek-v3 | DeepSeek-V3 | tuned | deepseek-v3-base | deepseek-ai/DeepSeek-V3; DeepSeek v3
deepseek-r1 | deepseek-r1 | DeepSeek-R1 | tuned | deepseek-v3-base | deepseek-ai/DeepSeek-R1
deepseek-r1 | deepseek-r1-distill-qwen-1.5b | DeepSeek-R1-Distill-Qwen-1.5B | tuned | qwen2.5-1.5b | deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B
deepseek-r1 | deepseek-r1-distill-qwen-7b | DeepSeek-R1-Distill-Qwen-7B | tuned | qwen2.5-7b | deepseek-ai/DeepSeek-R1-Distill-Qwen-7B
deepseek-r1 | deepseek-r1-distill-llama-8b | DeepSeek-R1-Distill-Llama-8B | tuned | llama-3.1-8b | deepseek-ai/DeepSeek-R1-Distill-Llama-8B
deepseek-r1 | deepseek-r1-distill-qwen-14b | DeepSeek-R1-Distill-Qwen-14B | tuned | qwen2.5-14b | deepseek-ai/DeepSeek-R1-Distill-Qwen-14B
deepseek-r1 | deepseek-r1-distill-qwen-32b | DeepSeek-R1-Distill-Qwen-32B | tuned | qwen2.5-32b | deepseek-ai/DeepSeek-R1-Distill-Qwen-32B
deepseek-r1 | deepseek-r1-distill-llama-70b | DeepSeek-R1-Distill-Llama-70B | tuned | llama-3.3-70b-instruct | deepseek-ai/DeepSeek-R1-Distill-Llama-70B
## Allen AI, Hugging Face
olmo | olmo-1b | OLMo 1B | base | | allenai/OLMo-1B-hf; allenai/OLMo-1B
olmo | olmo-7b | OLMo 7B | base | | allenai/OLMo-7B-hf; allenai/OLMo-7B; OLMo (7B)
olmo | olmo-1.7-7b | OLMo 1.7 7B (0424) | base | | allenai/OLMo-7B-0424-hf; allenai/OLMo-1.7-7B-hf; OLMo 1.7 (7B)
olmo-2 | olmo-2-1124-7b | OLMo 2 7B (1124) | base | | allenai/OLMo-2-1124-7B
olmo-2 | olmo-2-1124-13b | OLMo 2 13B (1124) | base | | allenai/OLMo-2-1124-13B
smollm | smollm-135m | SmolLM 135M | base | | HuggingFaceTB/SmolLM-135M
smollm | smollm-360m | SmolLM 360M | base | | HuggingFaceTB/SmolLM-360M
smollm | smollm-1.7b | SmolLM 1.7B | base | | HuggingFaceTB/SmolLM-1.7B
## Other labs
internlm | internlm-7b | InternLM 7B | base | | internlm/internlm-7b
internlm | internlm-20b | InternLM 20B | base | | internlm/internlm-20b
internlm | internlm-20b-chat | InternLM Chat 20B | tuned | internlm-20b | internlm/internlm-chat-20b; internlm-chat-20b; InternLM-Chat 20B
internlm | internlm-104b | InternLM 104B | base | | InternLM; InternLM (104B)
internlm | internlm2-7b | InternLM2 7B | base | | internlm/internlm2-7b
internlm | internlm2-20b | InternLM2 20B | base | | internlm/internlm2-20b
baichuan | baichuan-7b | Baichuan 1 7B | base | | baichuan-inc/Baichuan-7B; Baichuan-7B; Baichuan1-7B; Baichuan 1-7B
baichuan | baichuan-13b | Baichuan 1 13B Base | base | | baichuan-inc/Baichuan-13B-Base; Baichuan-13B-Base; Baichuan 1-13B; Baichuan 1-13B-Base
baichuan | baichuan-2-7b | Baichuan 2 7B Base | base | | baichuan-inc/Baichuan2-7B-Base; Baichuan-2-7B-Base; Baichuan 2-7B; Baichuan 2-7B-Base; Baichuan2 7B; Baichuan 2 7B
baichuan | baichuan-2-13b | Baichuan 2 13B Base | base | | baichuan-inc/Baichuan2-13B-Base; Baichuan-2-13B-Base; Baichuan2-13B; Baichuan 2-13B-Base; Baichuan2 13B; Baichuan-2 13B; Baichuan 2 13B
baichuan | baichuan-2-13b-chat | Baichuan 2 13B Chat | tuned | baichuan-2-13b | baichuan-inc/Baichuan2-13B-Chat; Baichuan2-13B-Chat; Baichuan2-Chat 13B
chatglm | chatglm2-6b | ChatGLM2-6B | tuned | | THUDM/chatglm2-6b; chatglm2-6b; ChatGLM2 6B; ChatGLM 2-6B; ChatGLM2; ChatGLM2-6B-base; ChatGLM 2-6B (base)*
chatglm | glm-130b | GLM-130B | base | | GLM 130B; GLM (130B)
nemotron | nemotron-4-15b | Nemotron-4 15B | base | | Nemotron-4 15B
nemotron | nemotron-4-340b | Nemotron-4 340B Base | base | | nvidia/Nemotron-4-340B-Base; Nemotron-4-340B Base; Nemotron-4 340B
nemotron | nemotron-4-340b-instruct | Nemotron-4 340B Instruct | tuned | nemotron-4-340b | nvidia/Nemotron-4-340B-Instruct; Nemotron-4-340B Instruct; nemotron-4-340b-Instruct
nemotron | llama-3.1-nemotron-70b-instruct | Llama 3.1 Nemotron 70B Instruct | tuned | llama-3.1-70b-instruct | Llama-3.1-Nemotron-70B-Instruct
jamba | jamba-v0.1 | Jamba v0.1 | base | | ai21labs/Jamba-v0.1; Jamba
jamba | jamba-1.5-mini | Jamba 1.5 Mini | tuned | | Jamba 1.5 Mini
jamba | jamba-1.5-large | Jamba 1.5 Large | tuned | | Jamba 1.5-Large; Jamba 1.5 Large
cohere | command-r-03-2024 | Command R (03-2024) | tuned | | CohereForAI/c4ai-command-r-v01
cohere | command-r-plus-04-2024 | Command R Plus (04-2024) | tuned | | CohereForAI/c4ai-command-r-plus; Cohere Command R+
cohere | command-r-08-2024 | Command R (08-2024) | tuned | | c4ai-command-r-08-2024
cohere | command-r-plus-08-2024 | Command R Plus (08-2024) | tuned | | c4ai-command-r-plus-08-2024
upstage | solar-10.7b | SOLAR 10.7B | base | | upstage/SOLAR-10.7B-v1.0
upstage | solar-10.7b-instruct | SOLAR 10.7B Instruct | tuned | solar-10.7b | upstage/SOLAR-10.7B-Instruct-v1.0
xverse | xverse-13b | XVERSE 13B | base | | XVerse-13B; XVERSE-13B; XVERSE 13B; XVerse
xverse | xverse-13b-2 | XVERSE 13B-2 | base | | XVerse-13B-2
bloomberggpt | bloomberggpt | BloombergGPT | base | |
grok | grok-1 | Grok-1 | base | | xai-org/grok-1
grok | grok-1.5 | Grok-1.5 | tuned | |
grok | grok-2 | Grok-2 | tuned | |
grok | grok-2-mini | Grok-2 mini | tuned | |
inflection | inflection-1 | Inflection-1 | tuned | | Inflection 1
inflection | inflection-2 | Inflection-2 | tuned | |
inflection | inflection-2.5 | Inflection-2.5 | tuned | |
reka | reka-core | Reka Core | tuned | |
amazon-nova | nova-micro | Amazon Nova Micro | tuned | | amazon.nova-micro-v1:0
amazon-nova | nova-lite | Amazon Nova Lite | tuned | | amazon.nova-lite-v1:0
amazon-nova | nova-pro | Amazon Nova Pro | tuned | | amazon.nova-pro-v1:0
granite | granite-3.3-8b | Granite 3.3 8B Base | base | | granite-3.3-8b-base
granite | granite-3.3-8b-instruct | Granite 3.3 8B Instruct | tuned | granite-3.3-8b | granite-3.3-8b-instruct
granite | granite-4.0-tiny-preview | Granite 4.0 Tiny Preview | tuned | | IBM Granite 4.0 Tiny Preview
moonshot | kimi-k1.5 | Kimi k1.5 | tuned | |
megatron | mt-nlg-530b | Megatron-Turing NLG 530B | base | | MT-NLG; MT-NLG 530B; MT-NLG (ours); Megatron-NLG (530B); TNLG v2 (530B)
"""

#: Organisation of each catalogue family.
FAMILY_ORGANIZATIONS = {
    "gpt-2": "OpenAI", "gpt-3": "OpenAI", "instructgpt": "OpenAI", "codex": "OpenAI",
    "gpt-3.5": "OpenAI", "gpt-4": "OpenAI", "gpt-4o": "OpenAI", "o-series": "OpenAI",
    "gpt-4.1": "OpenAI", "gpt-4.5": "OpenAI",
    "claude": "Anthropic", "claude-3": "Anthropic",
    "t5": "Google", "flan-t5": "Google", "ul2": "Google", "t0": "BigScience",
    "gopher": "DeepMind", "chinchilla": "DeepMind", "glam": "Google", "palm": "Google",
    "flan-palm": "Google", "u-palm": "Google", "palm-2": "Google", "gemini": "Google DeepMind",
    "gemma": "Google DeepMind", "gemma-2": "Google DeepMind", "gemma-3": "Google DeepMind",
    "opt": "Meta", "opt-iml": "Meta", "xglm": "Meta", "llama": "Meta", "llama-2": "Meta",
    "codellama": "Meta", "llama-3": "Meta", "llama-3.1": "Meta", "llama-3.2": "Meta",
    "llama-3.3": "Meta", "llama-4": "Meta",
    "gpt-neo": "EleutherAI", "pythia": "EleutherAI", "bloom": "BigScience",
    "bloomz": "BigScience", "cerebras-gpt": "Cerebras", "btlm": "Cerebras",
    "codegen": "Salesforce", "starcoder": "BigCode", "starcoder2": "BigCode", "xgen": "Salesforce", "mpt": "MosaicML", "dbrx": "Databricks",
    "dolly": "Databricks", "oasst": "LAION (OpenAssistant)", "openllama": "OpenLM Research",
    "redpajama": "Together", "stablelm": "Stability AI", "rwkv": "RWKV",
    "llm360": "LLM360", "tinyllama": "TinyLlama (SUTD)", "h2o-danube": "H2O.ai",
    "decilm": "Deci", "vicuna": "LMSYS", "wizardlm": "Microsoft (WizardLM)",
    "guanaco": "University of Washington", "koala": "UC Berkeley", "openchat": "OpenChat",
    "lemur": "XLANG Lab (HKU)", "zephyr": "Hugging Face", "tulu": "Allen Institute for AI",
    "orca": "Microsoft", "mistral": "Mistral AI", "mixtral": "Mistral AI",
    "falcon": "Technology Innovation Institute", "yi": "01.AI", "yi-1.5": "01.AI",
    "yi-large": "01.AI", "qwen": "Alibaba", "qwen1.5": "Alibaba", "qwen2": "Alibaba",
    "qwen2.5": "Alibaba", "qwen2.5-coder": "Alibaba", "qwen3": "Alibaba",
    "phi-1.5": "Microsoft", "phi-2": "Microsoft", "phi-3": "Microsoft", "phi-3.5": "Microsoft",
    "phi-4": "Microsoft", "deepseek-llm": "DeepSeek", "deepseek-moe": "DeepSeek",
    "deepseek-coder": "DeepSeek", "deepseek-v2": "DeepSeek", "deepseek-v3": "DeepSeek",
    "deepseek-r1": "DeepSeek", "olmo": "Allen Institute for AI",
    "olmo-2": "Allen Institute for AI", "smollm": "Hugging Face",
    "internlm": "Shanghai AI Laboratory", "baichuan": "Baichuan", "chatglm": "Zhipu AI (Tsinghua)",
    "nemotron": "NVIDIA", "jamba": "AI21 Labs", "cohere": "Cohere", "upstage": "Upstage",
    "xverse": "XVERSE", "bloomberggpt": "Bloomberg", "grok": "xAI", "inflection": "Inflection AI",
    "reka": "Reka AI", "amazon-nova": "Amazon", "granite": "IBM", "moonshot": "Moonshot AI",
    "megatron": "Microsoft, NVIDIA",
}

#: Per-source names that are ambiguous in general but clear in that source.
SOURCE_ALIASES = {
    # Epoch open-model-trends gives the instruct models' MMLU under the family name: Llama 3
    # 8B 68.4 and 70B 82.0, Llama 3.1 70B 83.6 and 405B 87.3 are Meta's instruct numbers
    # (Llama 3 / 3.1 model cards; its HELM column says "Instruct Turbo" for the same rows).
    "epoch_open_model_trends": {
        "GPT-4o": "gpt-4o-2024-05-13",
        "Llama 3 8B": "llama-3-8b-instruct", "Llama 3 70B": "llama-3-70b-instruct",
        "Llama 3.1 8B": "llama-3.1-8b-instruct", "Llama 3.1 70B": "llama-3.1-70b-instruct",
        "Llama 3.1 405B": "llama-3.1-405b-instruct",
    },
    "epoch": {"Command R": "command-r-03-2024", "Command R+": "command-r-plus-04-2024"},
}

#: Epoch open-model-trends rows whose "HELM MMLU" value belongs to another model (its notes
#: name the instruct variant HELM evaluated).
TRENDS_HELM_TARGETS = {"Qwen2-72B": "qwen2-72b-instruct"}

#: Source rows known to be wrong, left out: (folder/file, name printed in the row, reason).
ERRATA = {
    ("epoch_benchmark_stitching/external_benchmark_mmlu.csv", "Qwen 1.8B"):
        "BBH value (28.2) filed as MMLU; the Qwen report (arXiv:2309.16609, Table 2) gives 44.6",
    ("epoch_benchmark_stitching/external_benchmark_mmlu.csv", "Qwen 7B"):
        "BBH value (45.0) filed as MMLU; the Qwen report gives 58.2",
    ("epoch_benchmark_stitching/external_benchmark_mmlu.csv", "Qwen 14B"):
        "BBH value (53.4) filed as MMLU; the Qwen report gives 66.3",
}

#: LLM-Stats rows that report the base model's numbers under the post-trained model's name
#: (the Qwen3 report gives MMLU, MMLU-Pro, GPQA, BBH, GSM8K and MATH for the base model only).
LLMSTATS_BASE_NUMBERS = {"qwen3-235b-a22b": {"MMLU", "MMLU-Pro", "GPQA", "BBH", "GSM8K", "MATH"}}

#: Benchmarks: id, name, chance score, metric, default shots, citation.
BENCHMARKS = [
    ("arc_c", "AI2 Reasoning Challenge (Challenge set)", 0.25, "accuracy", 25,
     "Clark et al. 2018, arXiv:1803.05457"),
    ("arc_e", "AI2 Reasoning Challenge (Easy set)", 0.25, "accuracy", 25,
     "Clark et al. 2018, arXiv:1803.05457"),
    ("bbh", "BIG-Bench Hard", 0.25, "accuracy (average over 23 tasks)", 3,
     "Suzgun et al. 2022, arXiv:2210.09261"),
    ("boolq", "BoolQ", 0.5, "accuracy", 0, "Clark et al. 2019, arXiv:1905.10044"),
    ("gpqa", "GPQA (all subsets, Open LLM Leaderboard v2)", 0.25, "accuracy", 0,
     "Rein et al. 2023, arXiv:2311.12022"),
    ("gpqa_diamond", "GPQA Diamond", 0.25, "accuracy", 0, "Rein et al. 2023, arXiv:2311.12022"),
    ("gsm8k", "GSM8K", 0.0, "exact match", 8, "Cobbe et al. 2021, arXiv:2110.14168"),
    ("hellaswag", "HellaSwag", 0.25, "accuracy (length-normalised)", 10,
     "Zellers et al. 2019, arXiv:1905.07830"),
    ("humaneval", "HumanEval", 0.0, "pass@1", 0, "Chen et al. 2021, arXiv:2107.03374"),
    ("ifeval", "IFEval", 0.0, "accuracy (Open LLM Leaderboard v2 average)", 0,
     "Zhou et al. 2023, arXiv:2311.07911"),
    ("lambada", "LAMBADA", 0.0, "accuracy", 0, "Paperno et al. 2016, arXiv:1606.06031"),
    ("math", "MATH", 0.0, "exact match", 4, "Hendrycks et al. 2021, arXiv:2103.03874"),
    ("math_lvl5", "MATH level 5 (Open LLM Leaderboard v2)", 0.0, "exact match", 4,
     "Hendrycks et al. 2021, arXiv:2103.03874"),
    ("mmlu", "MMLU", 0.25, "accuracy", 5, "Hendrycks et al. 2020, arXiv:2009.03300"),
    ("mmlu_pro", "MMLU-Pro", 0.1, "accuracy", 5, "Wang et al. 2024, arXiv:2406.01574"),
    ("musr", "MuSR", 0.344, "accuracy (chance: mean of 1/2, 1/5, 1/3 over its three tasks)", 0,
     "Sprague et al. 2023, arXiv:2310.16049"),
    ("openbookqa", "OpenBookQA", 0.25, "accuracy", 0, "Mihaylov et al. 2018, arXiv:1809.02789"),
    ("piqa", "PIQA", 0.5, "accuracy", 0, "Bisk et al. 2019, arXiv:1911.11641"),
    ("triviaqa", "TriviaQA", 0.0, "exact match", 5, "Joshi et al. 2017, arXiv:1705.03551"),
    ("truthfulqa", "TruthfulQA (MC2)", 0.25, "mc2 score (approximate chance)", 0,
     "Lin et al. 2021, arXiv:2109.07958"),
    ("winogrande", "WinoGrande", 0.5, "accuracy", 5, "Sakaguchi et al. 2019, arXiv:1907.10641"),
]

#: Source documents of the Epoch benchmark hub -> developer organisation (for self_reported).
DOCUMENT_DEVELOPERS = [
    ("LLaMA: Open and Efficient", "Meta"), ("Llama 2", "Meta"), ("Llama 3", "Meta"),
    ("Qwen", "Alibaba"), ("Mixtral", "Mistral AI"), ("Mistral", "Mistral AI"),
    ("Gemma", "Google"), ("Gemini", "Google"), ("PaLM", "Google"), ("Flan", "Google"),
    ("Scaling Language Models: Methods, Analysis", "DeepMind"), ("Chinchilla", "DeepMind"),
    ("Training Compute-Optimal", "DeepMind"),
    ("Phi-3", "Microsoft"), ("Phi-4", "Microsoft"), ("phi-1.5", "Microsoft"),
    ("Textbooks", "Microsoft"), ("Yi:", "01.AI"), ("Baichuan", "Baichuan"),
    ("XGen", "Salesforce"), ("Falcon", "Technology Innovation Institute"),
    ("Nemotron", "NVIDIA"), ("DeepSeek", "DeepSeek"), ("GPT-4", "OpenAI"),
    ("Language Models are Few-Shot", "OpenAI"), ("Claude", "Anthropic"),
    ("InternLM", "Shanghai AI Laboratory"), ("Inflection", "Inflection AI"),
    ("GLaM", "Google"), ("Megatron", "Microsoft"), ("MT-NLG", "Microsoft"),
    ("Using DeepSpeed and Megatron", "Microsoft"), ("Minerva", "Google"),
    ("Solving Quantitative Reasoning", "Google"), ("UL2", "Google"), ("Galactica", "Meta"),
    ("OPT", "Meta"), ("BLOOM", "BigScience"), ("Pythia", "EleutherAI"),
    ("GPT-NeoX", "EleutherAI"), ("MPT", "MosaicML"), ("StarCoder", "Hugging Face"),
    ("Skywork", "Kunlun"), ("Jamba", "AI21 Labs"), ("Amazon Nova", "Amazon"),
]

#: Epoch names of language models that are not generative language models (or not models).
EPOCH_EXCLUDE = re.compile(
    r"BERT|RoBERTa|ELECTRA|XLM|ELMo|XLNet|ALBERT|DeBERTa|T-NLR|Turing ULR|MEB\b|Embed|"
    r"CLIP|ALIGN|BEIT|BLIP|ImageBind|ONE-PEACE|OmniVec|Contriever|SimCSE|data2vec|LSTM|RNN|"
    r"Gato|Fugatto|Seamless|NLLB|M4-50B|Translation|translation|OpenVLA|Robotics|"
    r"Computer-Using|Harrison|Hopfield|Perceiver|Llama Guard|Q-Former|MetaLM|Whisper|"
    r"speech|Speech|Audio|Vega v2|RETRO|GShard|Switch|Mesh-TensorFlow|GPipe|Megatron-LM \(1T\)|"
    r"Wu Dao 2.0|M6-T|M6-10T|BaGuaLu|QMoE|MoE-1.1T|Sparse all-MLP|LiMoE|PanGu-Σ|FunSearch|"
    r"ProtBERT|Protein|HPM|Hierarchical Reasoning|Mistral OCR|AlphaCode|Gemini Nano|"
    r"LTM-1|DeepNet|Statement Curriculum|muP|FlashAttention|DPO on|GQA-8-XXL|CoRe\b|"
    r"MegaScale|Aramco|Cambrian|VILA|NVLM|NVILA|LLaVA|InstructBLIP|Ferret|CogVLM|CogAgent|"
    r"mPLUG|SPHINX|Volcano|Eagle 2|Apollo 7B|Oryx|PaLI|Flamingo|PaLM-E|Qwen-VL|Qwen-Audio|"
    r"ALM 1.0|Fusion in Encoder|CODEFUSION|MM1|ReALM|LMSI|FinGPT|Goat-7B|PPLX|CoEdiT|"
    r"BLUUMI|nekomata|OntoProtein|Kimi Explorer|AndesGPT|Hairuo|k0-math|Gemini-Exp|"
    r"Deep Think|Grok 4 Heavy|GPT-4V|Tongyi DeepResearch|AgentFounder|Embedding|Med-PaLM|"
    r"Minerva|BlenderBot|Generative BST|PLATO|Meena|LaMDA|Xiaoice|Unicorn|UnifiedQA|"
    r"ATLAS|EMDR|Retrieval-Augmented|DensePhrases|TOME|KnGPT2|Engine-|HSO|GPT-2 \(|"
    r"GPT2|GPT-2 Medium|GPT3-|NoPos|Monarch|ALiBi|Primer|Transformer|Tensor|ERNIE-GEN|"
    r"ERNIE-Doc|ERNIE-ViLG|NÜWA|Zidong|ByT5|LongT5|mT0|Aya\b|CodeT5|ST-MoE|"
    r"Scatterbrain|S4\b|Hybrid H3|MemSizer|TRIMELM|B2T|DITTO|EGRU|Jurassic-X|VLM-4|"
    r"Japanese dialog|Adot|KoGPT|PAGnol|Wu Dao - Wen|CPM-Large|AraGPT2|GLM-10B|"
    r"Grover|ERNIE 3.0$|Yuan 1.0|PLUG|M6-10B|M6-100B|Megatron-BERT|"
    r"Fairseq|HyperCLOVA 82B|OPT-IML|T0-XXL|Qwen3 Embedding|Llama 3.2 11B|"
    r"Mathstral|AlphaGeometry|Galactica",
)

SCORE_BENCHMARKS_OBSSCALING = {
    "MMLU": ("mmlu", 5), "ARC-C": ("arc_c", 25), "HellaSwag": ("hellaswag", 10),
    "Winograd": ("winogrande", 5), "Winogrande": ("winogrande", 5),
    "TruthfulQA": ("truthfulqa", 0), "GSM8K": ("gsm8k", 5),
}
OLL_V1_COLUMNS = {"arc": ("arc_c", 25), "hellaswag": ("hellaswag", 10), "mmlu": ("mmlu", 5),
                  "truthfulqa": ("truthfulqa", 0), "winogrande": ("winogrande", 5),
                  "gsm8k": ("gsm8k", 5)}
OLL_V2_COLUMNS = {"leaderboard_bbh": ("bbh", 3), "leaderboard_gpqa": ("gpqa", 0),
                  "leaderboard_ifeval": ("ifeval", 0), "leaderboard_math_hard": ("math_lvl5", 4),
                  "leaderboard_mmlu_pro": ("mmlu_pro", 5), "leaderboard_musr": ("musr", 0)}
LLMSTATS_DATASETS = {"MMLU": "mmlu", "MMLU (CoT)": "mmlu", "MMLU-Pro": "mmlu_pro",
                     "GSM8K": "gsm8k", "HumanEval": "humaneval", "ARC-C": "arc_c",
                     "HellaSwag": "hellaswag", "MATH": "math", "GPQA": "gpqa_diamond",
                     "Winogrande": "winogrande", "TruthfulQA": "truthfulqa",
                     "BIG-Bench Hard": "bbh", "BBH": "bbh"}
STITCHING_FILES = {  # file -> (benchmark, score column)
    "external_benchmark_mmlu.csv": [("mmlu", "EM")],
    "external_benchmark_arc_ai2.csv": [("arc_c", "Challenge score"), ("arc_e", "Easy score")],
    "external_benchmark_bbh.csv": [("bbh", "Average")],
    "external_benchmark_gsm8k.csv": [("gsm8k", "EM")],
    "external_benchmark_hellaswag.csv": [("hellaswag", "Overall accuracy")],
    "external_benchmark_winogrande.csv": [("winogrande", "Accuracy")],
    "external_benchmark_piqa.csv": [("piqa", "Score")],
    "external_benchmark_lambada.csv": [("lambada", "Score")],
    "external_benchmark_triviaqa.csv": [("triviaqa", "EM")],
    "external_benchmark_openbookqa.csv": [("openbookqa", "Accuracy")],
    "external_benchmark_boolq.csv": [("boolq", "Score")],
}
#: Rank of each source for a model fact (lower wins).
RANK = {"curation": 0, "epoch_notable": 1, "epoch_all": 2, "obsscaling": 3, "model_versions": 4,
        "llmstats": 5, "trends": 6, "inherited": 9}
#: Preference among merged copies of one score (lower is the more original report).
PROTOCOL_ORDER = {"paper": 0, "helm": 1, "epoch_eval": 2, "oll_harness": 3, "oll2_harness": 3,
                  "llmstats": 5}
SPECULATIVE = re.compile(r"rumou?r|estimat|specul|suspect|assum|guess|leak|believ|likely|possibl|"
                         r"\?|not (directly |officially )?(reported|disclosed)", re.IGNORECASE)


# ------------------------------------------------------------------------------------------
# Names
# ------------------------------------------------------------------------------------------


def normalise(name: str) -> str:
    """Lower case, letters and digits only ('.' or '_' between digits becomes 'p', so 1.3B and
    13B stay apart): the key that joins names across sources."""
    text = re.sub(r"(?<=\d)[._](?=\d)", "p", str(name).lower())
    return re.sub(r"[^a-z0-9]", "", text)


def slugify(name: str) -> str:
    """A registry id for a model known only from Epoch: lower case [a-z0-9._-]."""
    text = re.sub(r"[^a-z0-9.]+", "-", str(name).strip().lower().encode("ascii", "ignore")
                  .decode()).strip("-.")
    return re.sub(r"-{2,}", "-", text)


SHOT_NOTE = re.compile(r"\((\d+|zero|one|few|k)[- ]shot\)|^\d+-shot\s+", re.IGNORECASE)


@dataclass
class CatalogueModel:
    model_id: str
    family: str
    name: str
    base_or_tuned: str
    base_model: str
    aliases: list[str]


class Catalogue:
    """The name map: each known model with its aliases; `lookup` resolves a source's name."""

    def __init__(self, text: str):
        self.models: dict[str, CatalogueModel] = {}
        self.exact: dict[str, str] = {}
        self.norm: dict[str, str] = {}
        for line in text.splitlines():
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            family, model_id, name, kind, base, aliases = [p.strip() for p in line.split("|")]
            if model_id in self.models:
                raise SystemExit(f"catalogue: duplicate model id {model_id}")
            alias_list = [a.strip() for a in aliases.split(";") if a.strip()]
            self.models[model_id] = CatalogueModel(model_id, family, name, kind, base, alias_list)
            for alias in [model_id, name, *alias_list]:
                if "/" in alias:
                    self._add(self.exact, alias.lower(), model_id)
                    continue
                self._add(self.norm, normalise(alias), model_id)
        for model in self.models.values():
            if model.base_model and model.base_model not in self.models:
                raise SystemExit(f"catalogue: {model.model_id} has unknown base {model.base_model}")

    @staticmethod
    def _add(table: dict[str, str], key: str, model_id: str) -> None:
        if table.get(key, model_id) != model_id:
            raise SystemExit(f"catalogue: alias '{key}' names both {table[key]} and {model_id}")
        table[key] = model_id

    def lookup(self, name: object, source: str | None = None) -> str | None:
        if name is None or (isinstance(name, float) and math.isnan(name)):
            return None
        text = str(name).strip()
        if not text:
            return None
        if source and text in SOURCE_ALIASES.get(source, {}):
            return SOURCE_ALIASES[source][text]
        if text.lower() in self.exact:
            return self.exact[text.lower()]
        if "/" in text:
            return self.norm.get(normalise(text.split("/", 1)[1]))
        key = normalise(SHOT_NOTE.sub("", text))
        return self.norm.get(key)


# ------------------------------------------------------------------------------------------
# Collected facts and observations
# ------------------------------------------------------------------------------------------


def ref(folder: str, file: str, row: int) -> str:
    """`<source folder>/<file>#row=<n>`, n the 1-based data row (header excluded)."""
    return f"{folder}/{file}#row={row}"


@dataclass
class ModelFacts:
    """Candidate values of each field for one model: field -> [(rank, value, ref)]."""

    model_id: str
    origin: str  # "catalogue" or "epoch"
    family: str = ""
    name: str = ""
    organization: str = ""
    base_or_tuned: str = "base"
    base_model: str = ""
    candidates: dict[str, list[tuple[int, object, str]]] = field(
        default_factory=lambda: defaultdict(list))

    def add(self, field_name: str, source: str, value: object, reference: str) -> None:
        if value is None or (isinstance(value, float) and math.isnan(value)) or value == "":
            return
        self.candidates[field_name].append((RANK[source], value, reference))

    def best(self, field_name: str) -> tuple[object, str] | tuple[None, str]:
        options = sorted(self.candidates.get(field_name, []), key=lambda t: (t[0], t[2]))
        return (options[0][1], options[0][2]) if options else (None, "")


@dataclass
class Observation:
    model_id: str
    benchmark: str
    score: float
    shots: int | None
    cot: int
    protocol: str
    source: str
    refs: list[str]
    precision: float  # unit of the last printed digit of the score, as a fraction


def decimals_precision(text: str, scale: float) -> float:
    """Unit of the last printed digit of a number printed as `text`, divided by `scale`."""
    text = str(text).strip().rstrip("%")
    if "e" in text.lower():
        return 1e-9
    digits = len(text.split(".", 1)[1]) if "." in text else 0
    return 10.0 ** (-digits) / scale


def parse_percent(text: object) -> float | None:
    """'77.0%' or '77.0' (percent) -> 0.77; empty or unreadable -> None."""
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return None
    raw = str(text).strip().rstrip("%").strip()
    try:
        value = float(raw) / 100.0
    except ValueError:
        return None
    return value if 0.0 <= value <= 1.0 else None


def parse_shots(text: object) -> int | None:
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return None
    match = re.search(r"(\d+)", str(text))
    if match:
        return int(match.group(1))
    lowered = str(text).lower()
    if "zero" in lowered:
        return 0
    if "one" in lowered:
        return 1
    return None


def read_csv(path: Path, **kwargs) -> pd.DataFrame:
    frame = pd.read_csv(path, encoding="utf-8-sig", low_memory=False, **kwargs)
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame


# ------------------------------------------------------------------------------------------
# The build
# ------------------------------------------------------------------------------------------


class Builder:
    def __init__(self, sources: Path, curation: Path):
        self.src = sources
        self.curation_path = curation
        self.catalogue = Catalogue(CATALOGUE)
        self.facts: dict[str, ModelFacts] = {}
        self.observations: list[Observation] = []
        self.rows_used: dict[str, int] = defaultdict(int)
        self.unmapped: dict[str, set[str]] = defaultdict(set)
        for model in self.catalogue.models.values():
            self.facts[model.model_id] = ModelFacts(
                model.model_id, "catalogue", family=model.family, name=model.name,
                organization=FAMILY_ORGANIZATIONS.get(model.family, ""),
                base_or_tuned=model.base_or_tuned, base_model=model.base_model)

    # --- helpers ------------------------------------------------------------------------
    def observe(self, model_id: str, benchmark: str, score: float | None, shots: int | None,
                cot: int, protocol: str, source: str, reference: str, precision: float) -> None:
        if score is None or not (0.0 <= score <= 1.0) or math.isnan(score):
            return
        self.observations.append(Observation(model_id, benchmark, float(score), shots, int(cot),
                                             protocol, source, [reference], precision))

    def count(self, reference: str) -> None:
        self.rows_used[reference.split("#", 1)[0]] += 1

    # --- Epoch model databases ----------------------------------------------------------
    def load_epoch(self) -> None:
        specs = [
            ("epoch_models_2025", "Epoch Database - Notable Models.csv", "Model",
             "Training dataset size (total)", "epoch_notable"),
            ("epoch_open_model_trends", "All ML Systems - full view.csv", "System",
             "Training dataset size (datapoints)", "epoch_all"),
        ]
        for folder, file, name_col, tokens_col, source in specs:
            frame = read_csv(self.src / folder / file)
            for index, row in enumerate(frame.itertuples(index=False), start=1):
                record = dict(zip(frame.columns, row, strict=True))
                domain = str(record.get("Domain") or "")
                when = str(record.get("Publication date") or "")[:10]
                name = str(record.get(name_col) or "").strip()
                if "Language" not in domain or not re.match(r"\d{4}-\d{2}-\d{2}", when):
                    continue
                if not "2018-01-01" <= when <= "2025-12-31" or not name:
                    continue
                params = _float(record.get("Parameters"))
                model_id = self.catalogue.lookup(name, source="epoch")
                if model_id is None:
                    if params is None or params < 1e9 or EPOCH_EXCLUDE.search(name):
                        continue
                    model_id = slugify(name)
                    if model_id not in self.facts:
                        base_name = str(record.get("Base model") or "").strip()
                        self.facts[model_id] = ModelFacts(
                            model_id, "epoch", family="", name=name,
                            organization=str(record.get("Organization") or "").strip(),
                            base_or_tuned="tuned" if base_name and base_name != "nan" else "base",
                            base_model=base_name if base_name != "nan" else "")
                facts = self.facts[model_id]
                reference = ref(folder, file, index)
                self.count(reference)
                facts.add("release_date", source, when, reference)
                access = str(record.get("Model accessibility") or "")
                notes = str(record.get("Parameters notes") or "")
                open_weights = 1 if access.startswith("Open weights") else (
                    0 if access and access != "nan" else None)
                if params is not None and params > 0:
                    if open_weights == 1 or not SPECULATIVE.search(notes):
                        facts.add("params_total", source, params, reference)
                if open_weights is not None:
                    facts.add("open_weights", source, open_weights, reference)
                tokens = _float(record.get(tokens_col))
                size_notes = str(record.get("Dataset size notes") or "").lower()
                has_base = str(record.get("Base model") or "nan") != "nan"
                if tokens and not has_base and (
                        (when >= "2023-01-01" and "word" not in size_notes)
                        or ("token" in size_notes and "word" not in size_notes)):
                    facts.add("training_tokens", source, tokens, reference)
                if facts.origin == "epoch" and not facts.organization:
                    facts.organization = str(record.get("Organization") or "").strip()
                if "moe_hint" not in facts.candidates and (
                        re.search(r"activ|mixture|experts|\bMoE\b", notes, re.IGNORECASE)
                        or str(record.get("Sparsity") or "nan") != "nan"):
                    facts.add("moe_hint", source, 1, reference)

    def load_model_versions(self) -> None:
        folder, file = "epoch_benchmark_stitching", "model_versions.csv"
        frame = read_csv(self.src / folder / file)
        for index, row in enumerate(frame.to_dict("records"), start=1):
            version = str(row.get("id") or "").strip()
            developer = str(row.get("Hugging Face developer id") or "").strip()
            candidates = [f"{developer}/{version}"] if developer and developer != "nan" else []
            candidates.append(version)
            model_id = next((m for m in (self.catalogue.lookup(c) for c in candidates) if m), None)
            when = str(row.get("Version release date") or "")[:10]
            if model_id and re.match(r"\d{4}-\d{2}-\d{2}", when):
                self.facts[model_id].add("release_date", "model_versions", when,
                                         ref(folder, file, index))
                self.count(ref(folder, file, index))

    # --- ObsScaling ---------------------------------------------------------------------
    def load_obsscaling(self) -> None:
        folder = "obsscaling"
        file = "base_llm_benchmark_eval.csv"
        frame = read_csv(self.src / folder / file)
        for index, row in enumerate(frame.to_dict("records"), start=1):
            model_id = self.catalogue.lookup(row["Model"])
            if model_id is None:
                raise SystemExit(f"obsscaling: no catalogue entry for {row['Model']}")
            reference = ref(folder, file, index)
            self.count(reference)
            facts = self.facts[model_id]
            facts.add("params_total", "obsscaling", _float(row["Model Size (B)"], 1e9), reference)
            facts.add("training_tokens", "obsscaling",
                      _float(row["Pretraining Data Size (T)"], 1e12), reference)
            for column, (benchmark, shots) in SCORE_BENCHMARKS_OBSSCALING.items():
                value = _float(row.get(column))
                self.observe(model_id, benchmark, value, shots, int(benchmark == "gsm8k"),
                             "oll_harness", "independent", reference, 1e-6)
            value = _float(row.get("HumanEval"))
            self.observe(model_id, "humaneval", value, 0, 0, "obsscaling_harness",
                         "independent", reference, 1e-6)
        file = "base_llm_leaderboard_v2_eval.csv"
        frame = read_csv(self.src / folder / file)
        for index, row in enumerate(frame.to_dict("records"), start=1):
            model_id = self.catalogue.lookup(row["Model"])
            if model_id is None:
                raise SystemExit(f"obsscaling v2: no catalogue entry for {row['Model']}")
            reference = ref(folder, file, index)
            self.count(reference)
            for column, (benchmark, shots) in OLL_V2_COLUMNS.items():
                self.observe(model_id, benchmark, _float(row.get(column)), shots,
                             int(benchmark == "math_lvl5"), "oll2_harness", "independent",
                             reference, 1e-6)
        file = "instruct_llm_benchmark_eval.csv"
        frame = read_csv(self.src / folder / file)
        for index, row in enumerate(frame.to_dict("records"), start=1):
            model_id = self.catalogue.lookup(row["Model"])
            if model_id is None:
                raise SystemExit(f"obsscaling instruct: no catalogue entry for {row['Model']}")
            reference = ref(folder, file, index)
            self.count(reference)
            for column, (benchmark, shots) in {**SCORE_BENCHMARKS_OBSSCALING,
                                               "HumanEval": ("humaneval", 0)}.items():
                raw = row.get(column)
                value = _float(raw)
                if value is None or value == 0.0:  # zeros mark missing entries upstream
                    continue
                # Developer-reported numbers are printed with at most three decimals; values
                # with more digits were measured with the leaderboard harness.
                printed = repr(float(value))
                harness = len(printed.split(".", 1)[1]) > 3
                if benchmark == "humaneval":
                    protocol, source = ("obsscaling_harness", "independent") if harness else (
                        "paper", "self_reported")
                else:
                    protocol, source = ("oll_harness", "independent") if harness else (
                        "paper", "self_reported")
                self.observe(model_id, benchmark, value, shots if harness else None,
                             int(benchmark == "gsm8k"), protocol, source, reference,
                             1e-6 if harness else 1e-3)

    # --- Open LLM Leaderboard v1 --------------------------------------------------------
    def load_open_llm_leaderboard(self) -> None:
        folder, file = "open_llm_leaderboard_v1", "huggingface_v1.csv"
        frame = read_csv(self.src / folder / file, dtype=str, keep_default_na=False)
        for index, row in enumerate(frame.to_dict("records"), start=1):
            model_id = self.catalogue.exact.get(str(row["fullname"]).strip().lower())
            if model_id is None:
                continue
            if row["precision"] not in ("float16", "bfloat16"):
                continue  # quantised inference measures a different model
            reference = ref(folder, file, index)
            self.count(reference)
            for column, (benchmark, shots) in OLL_V1_COLUMNS.items():
                value = parse_percent(row[column])
                self.observe(model_id, benchmark, value, shots, int(benchmark == "gsm8k"),
                             "oll_harness", "independent", reference,
                             decimals_precision(row[column], 100.0))

    # --- Epoch benchmark hub (external benchmarks) --------------------------------------
    def load_stitching(self) -> None:
        folder = "epoch_benchmark_stitching"
        for file, columns in STITCHING_FILES.items():
            frame = read_csv(self.src / folder / file)
            for index, row in enumerate(frame.to_dict("records"), start=1):
                name = row.get("Name")
                if (f"{folder}/{file}", str(name).strip()) in ERRATA and "Qwen Technical" in str(
                        row.get("Source")):
                    continue
                model_id = self.catalogue.lookup(name) or self.catalogue.lookup(
                    row.get("Model version"))
                if model_id is None:
                    self.unmapped[file].add(str(name if isinstance(name, str) else
                                                row.get("Model version")))
                    continue
                reference = ref(folder, file, index)
                document = str(row.get("Source") or "")
                notes = f"{row.get('Notes') or ''} {name or ''}"
                helm = "CRFM" in document or "HELM" in document
                developer = next((org for key, org in DOCUMENT_DEVELOPERS if key in document), None)
                own = (developer is not None
                       and developer.split()[0] in self.facts[model_id].organization)
                protocol = "helm" if helm else "paper"
                source = "self_reported" if own and not helm else "independent"
                cot = int(bool(re.search(r"\bCoT\b|chain[- ]of[- ]thought", notes,
                                         re.IGNORECASE)))
                shots = parse_shots(row.get("Shots"))
                if shots is None:
                    shots = parse_shots(SHOT_NOTE.search(str(name)).group(0)) if \
                        isinstance(name, str) and SHOT_NOTE.search(name) else None
                used = False
                for benchmark, column in columns:
                    value = parse_percent(row.get(column))
                    if value is None:
                        continue
                    used = True
                    self.observe(model_id, benchmark, value, shots,
                                 1 if benchmark == "gsm8k" else cot, protocol, source, reference,
                                 decimals_precision(row.get(column), 100.0))
                if used:
                    self.count(reference)

    # --- Epoch open-model trends --------------------------------------------------------
    def load_trends(self) -> None:
        folder, file = "epoch_open_model_trends", "benchmarks_with_model_accessibility.csv"
        frame = read_csv(self.src / folder / file)
        for index, row in enumerate(frame.to_dict("records"), start=1):
            name = str(row.get("System") or "").strip()
            model_id = self.catalogue.lookup(name, source=folder)
            if model_id is None:
                if name and name != "Random chance":
                    self.unmapped[file].add(name)
                continue
            reference = ref(folder, file, index)
            self.count(reference)
            facts = self.facts[model_id]
            when = str(row.get("Date") or "")[:10]
            if re.match(r"\d{4}-\d{2}-\d{2}", when):
                facts.add("release_date", "trends", when, reference)
            facts.add("params_total", "trends", _float(row.get("Model size (parameters)")),
                      reference)
            if facts.base_or_tuned == "base":
                facts.add("training_tokens", "trends", _float(row.get("Dataset size")), reference)
            notes = str(row.get("MMLU Notes") or "")
            mmlu = _float(row.get("MMLU"))
            if mmlu is not None:
                protocol, source = "paper", "self_reported"
                if "http" in notes and "openai.com" not in notes and "x.com" not in notes:
                    protocol, source = "paper", "independent"
                if "MMLU Pro paper" in notes:
                    protocol, source = "paper", "independent"
                if name.startswith("text-") and name.endswith("-001"):
                    protocol, source = "helm", "independent"
                shots = parse_shots(notes) if "shot" in notes else None
                cot = int("CoT" in notes and "no-CoT" not in notes)
                self.observe(model_id, "mmlu", mmlu, shots, cot, protocol, source, reference,
                             decimals_precision(row.get("MMLU"), 1.0))
            helm_mmlu = _float(row.get("HELM MMLU"))
            if helm_mmlu is not None:
                self.observe(TRENDS_HELM_TARGETS.get(name, model_id), "mmlu", helm_mmlu, 5, 0, "helm", "independent",
                             reference, decimals_precision(row.get("HELM MMLU"), 1.0))
            bbh = _float(row.get("BBH"))
            if bbh is not None:
                bbh_notes = str(row.get("BBH Notes") or "")
                self.observe(model_id, "bbh", bbh, 3 if "3-shot" in bbh_notes else None,
                             0, "paper", "independent" if "http" in bbh_notes or
                             "InstructEval" in bbh_notes else "self_reported", reference,
                             decimals_precision(row.get("BBH"), 1.0))
            gpqa = _float(row.get("GPQA"))
            if gpqa is not None and "Epoch" in str(row.get("GPQA Notes") or ""):
                self.observe(model_id, "gpqa_diamond", gpqa, 0, 1, "epoch_eval", "independent",
                             reference, decimals_precision(row.get("GPQA"), 1.0))

    # --- LLM-Stats ----------------------------------------------------------------------
    def load_llmstats(self) -> None:
        folder = "llmstats"
        file = "llmstats_models_flat.csv"
        frame = read_csv(self.src / folder / file)
        for index, row in enumerate(frame.to_dict("records"), start=1):
            model_id = self.catalogue.lookup(row["model_id"]) or self.catalogue.lookup(row["name"])
            if model_id is None:
                self.unmapped[file].add(str(row["model_id"]))
                continue
            reference = ref(folder, file, index)
            self.count(reference)
            facts = self.facts[model_id]
            when = str(row.get("release_date") or "")[:10]
            if re.match(r"\d{4}-\d{2}-\d{2}", when):
                facts.add("release_date", "llmstats", when, reference)
            facts.add("params_total", "llmstats", _float(row.get("param_count")), reference)
            tokens = _float(row.get("training_tokens"))
            if tokens and facts.family != "deepseek-r1" and "reasoning" not in model_id:
                target = self.facts[facts.base_model] if facts.base_model else facts
                target.add("training_tokens", "llmstats", tokens, reference)
        file = "llmstats_scores_long.csv"
        frame = read_csv(self.src / folder / file)
        for index, row in enumerate(frame.to_dict("records"), start=1):
            benchmark = LLMSTATS_DATASETS.get(str(row.get("dataset_name")))
            if benchmark is None:
                continue
            model_id = self.catalogue.lookup(row["model_id"]) or self.catalogue.lookup(row["name"])
            if model_id is None:
                continue
            if str(row.get("dataset_name")) in LLMSTATS_BASE_NUMBERS.get(str(row["model_id"]), ()):
                model_id = self.facts[model_id].base_model
            method = str(row.get("analysis_method") or "")
            cot = int(bool(re.search(r"cot|chain", method, re.IGNORECASE))
                      or "(CoT)" in str(row.get("dataset_name")) or benchmark == "gsm8k")
            shots = parse_shots(method) if "shot" in method.lower() else None
            self_reported = str(row.get("is_self_reported")).strip().lower() == "true"
            reference = ref(folder, file, index)
            self.count(reference)
            self.observe(model_id, benchmark, _float(row.get("score")), shots, cot,
                         "paper" if self_reported else "llmstats",
                         "self_reported" if self_reported else "independent", reference,
                         decimals_precision(row.get("score"), 1.0))


def _float(value: object, scale: float = 1.0) -> float | None:
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip().replace(",", "")
        if not text or text.lower() == "nan":
            return None
        try:
            value = float(text)
        except ValueError:
            return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number * scale


# ------------------------------------------------------------------------------------------
# Curation
# ------------------------------------------------------------------------------------------

CURATION_COLUMNS = ["id", "model", "field", "value", "shots", "cot", "source", "citation"]
MODEL_FIELDS = {"release_date", "params_total", "params_active", "training_tokens",
                "open_weights", "architecture", "objective", "organization", "name", "notes",
                "base_model"}


@dataclass
class CurationRow:
    row_id: str
    selector: str
    field: str
    value: str
    shots: str
    cot: str
    source: str
    citation: str

    @property
    def reference(self) -> str:
        return f"curation#{self.row_id}"


def load_curation(path: Path) -> list[CurationRow]:
    """Read curation.csv; every row needs an id, a target, a field and a citation."""
    text = path.read_text(encoding="utf-8")
    reader = csv.DictReader(io.StringIO(text))
    if reader.fieldnames != CURATION_COLUMNS:
        raise SystemExit(f"{path}: header must be {','.join(CURATION_COLUMNS)}")
    rows, seen = [], set()
    for number, record in enumerate(reader, start=1):
        row = CurationRow(*(str(record[c] or "").strip() for c in CURATION_COLUMNS))
        if not row.row_id or row.row_id in seen:
            raise SystemExit(f"{path} row {number}: missing or duplicate id '{row.row_id}'")
        if not row.citation:
            raise SystemExit(f"{path} row {number} ({row.row_id}): missing citation")
        known = (row.field in MODEL_FIELDS or row.field in TECHNIQUE_COLUMNS
                 or row.field == "techniques" or row.field.startswith("score:"))
        if not known:
            raise SystemExit(f"{path} row {number} ({row.row_id}): unknown field {row.field}")
        seen.add(row.row_id)
        rows.append(row)
    return rows


def selector_matches(selector: str, facts: ModelFacts) -> int:
    """Specificity with which `selector` names this model (0: it does not)."""
    if selector == facts.model_id:
        return 3
    if selector.startswith("family:") and facts.family:
        target = selector[len("family:"):]
        if "/" in target:
            family, kind = target.split("/", 1)
            return 2 if family == facts.family and kind == facts.base_or_tuned else 0
        return 1 if target == facts.family else 0
    return 0


def technique_values(rows: list[CurationRow], facts: ModelFacts) -> tuple[dict[str, float], list[str]]:
    """Technique columns of one model from the curation rows that name it, and their refs."""
    best: dict[str, tuple[tuple[int, int], float, str]] = {}
    for row in rows:
        level = selector_matches(row.selector, facts)
        if not level:
            continue
        if row.field == "techniques":
            chosen = {t.strip() for t in row.value.split(";") if t.strip() and t.strip() != "none"}
            unknown = chosen - set(TECHNIQUE_COLUMNS)
            if unknown:
                raise SystemExit(f"curation {row.row_id}: unknown techniques {sorted(unknown)}")
            for technique in TECHNIQUE_COLUMNS:
                key = (level, 0)
                if technique not in best or key > best[technique][0]:
                    best[technique] = (key, 1.0 if technique in chosen else 0.0, row.reference)
        elif row.field in TECHNIQUE_COLUMNS:
            if row.value not in ("0", "1"):
                raise SystemExit(f"curation {row.row_id}: technique value must be 0 or 1")
            key = (level, 1)
            if row.field not in best or key > best[row.field][0]:
                best[row.field] = (key, float(row.value), row.reference)
    values = {t: v[1] for t, v in best.items()}
    refs = sorted({v[2] for v in best.values()}, key=_ref_key)
    return values, refs


def _ref_key(reference: str) -> tuple:
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", reference))


# ------------------------------------------------------------------------------------------
# Resolution, merging and output
# ------------------------------------------------------------------------------------------

ARCH_PATTERNS = [
    (re.compile(r"T5|T0|BART|UL2|AlexaTM|CPM-2|mT0|Switch|Flan-T5", re.IGNORECASE),
     "encoder-decoder"),
    (re.compile(r"Jamba|Zamba|Hymba|Samba|Nemotron-H|Griffin|RecurrentGemma|Hunyuan-TurboS|"
                r"MiniMax-(Text|01|M1)|Hybrid|StripedHyena", re.IGNORECASE), "hybrid"),
    (re.compile(r"Mamba|RWKV|S4\b|Hyena|Hawk", re.IGNORECASE), "ssm"),
]


def format_number(value: float | None) -> str:
    """Counts as integers; scores as up to six decimals without trailing zeros."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(int(round(float(value))))


def format_score(value: float) -> str:
    text = f"{round(float(value), 6):.6f}".rstrip("0").rstrip(".")
    return text if text else "0"


def merge_observations(observations: list[Observation]) -> list[Observation]:
    """One row per distinct measurement: copies of one number (equal within the printing
    precision, same model, benchmark, chain-of-thought and compatible shots) are merged, keeping
    the most original report's protocol and source and every reference."""
    groups: dict[tuple, list[Observation]] = defaultdict(list)
    for obs in observations:
        groups[(obs.model_id, obs.benchmark, obs.cot)].append(obs)
    merged: list[Observation] = []
    for key in sorted(groups):
        clusters: list[Observation] = []
        for obs in sorted(groups[key], key=lambda o: (PROTOCOL_ORDER.get(o.protocol, 4),
                                                      o.source != "self_reported", o.refs[0])):
            for target in clusters:
                tolerance = max(target.precision, obs.precision) / 2 + 1e-9
                shots_ok = (target.shots is None or obs.shots is None
                            or target.shots == obs.shots)
                if shots_ok and abs(target.score - obs.score) <= tolerance:
                    target.refs.extend(obs.refs)
                    if target.shots is None:
                        target.shots = obs.shots
                    if obs.precision < target.precision:  # keep the more precise digits
                        target.score, target.precision = obs.score, obs.precision
                    break
            else:
                clusters.append(Observation(obs.model_id, obs.benchmark, obs.score, obs.shots,
                                            obs.cot, obs.protocol, obs.source, list(obs.refs),
                                            obs.precision))
        merged.extend(clusters)
    for obs in merged:
        obs.refs = sorted(set(obs.refs), key=_ref_key)
    return merged


class Resolver:
    """Turns collected facts and curation into the final model rows."""

    def __init__(self, builder: Builder, curation: list[CurationRow]):
        self.b = builder
        self.curation = curation
        self.problems: list[str] = []
        for row in curation:
            if not row.selector.startswith("family:") and row.selector not in builder.facts:
                raise SystemExit(f"curation {row.row_id}: unknown model '{row.selector}'")
            if row.selector.startswith("family:"):
                family = row.selector[len("family:"):].split("/")[0]
                if not any(f.family == family for f in builder.facts.values()):
                    raise SystemExit(f"curation {row.row_id}: unknown family '{family}'")

    def curated(self, facts: ModelFacts, field_name: str) -> CurationRow | None:
        best, level_best = None, 0
        for row in self.curation:
            if row.field != field_name:
                continue
            level = selector_matches(row.selector, facts)
            if level > level_best:
                best, level_best = row, level
        return best

    def apply_curation(self) -> None:
        for facts in self.b.facts.values():
            for field_name in ("release_date", "params_total", "params_active",
                               "training_tokens", "open_weights"):
                row = self.curated(facts, field_name)
                if row is None:
                    continue
                if row.value == "":
                    facts.candidates[field_name] = [(RANK["curation"], "", row.reference)]
                else:
                    value = row.value if field_name == "release_date" else float(row.value)
                    facts.candidates[field_name].append((RANK["curation"], value, row.reference))
            for field_name in ("organization", "name", "base_model"):
                row = self.curated(facts, field_name)
                if row is not None:
                    setattr(facts, field_name, row.value)
            for row in self.curation:
                if row.field.startswith("score:") and selector_matches(row.selector, facts) == 3:
                    benchmark = row.field.split(":", 1)[1]
                    value = float(row.value)
                    self.b.observe(facts.model_id, benchmark, value,
                                   int(row.shots) if row.shots else None,
                                   int(row.cot or 0), "paper", row.source or "self_reported",
                                   row.reference, decimals_precision(row.value, 1.0))

    def resolve(self) -> list[dict[str, str]]:
        b = self.b
        ids = set(b.facts)
        # Epoch-only base model names -> registry ids where known.
        for facts in b.facts.values():
            if facts.origin == "epoch" and facts.base_model:
                first = facts.base_model.split(",")[0].strip()
                facts.base_model = b.catalogue.lookup(first) or (
                    slugify(first) if slugify(first) in ids else "")
        resolved: dict[str, dict[str, object]] = {}
        order = sorted(b.facts, key=lambda m: (bool(b.facts[m].base_model), m))
        pending = list(order)
        while pending:  # bases before their fine-tunes
            progressed = False
            for model_id in list(pending):
                facts = b.facts[model_id]
                if facts.base_model and facts.base_model not in resolved:
                    continue
                if facts.base_model and resolved[facts.base_model] is None:
                    facts.base_model = ""  # the base was left out (no usable date)
                resolved[model_id] = self.resolve_one(facts, resolved.get(facts.base_model))
                pending.remove(model_id)
                progressed = True
            if not progressed:
                raise SystemExit(f"base-model cycle among {pending}")
        if self.problems:
            raise SystemExit("registry problems:\n  " + "\n  ".join(self.problems))
        rows = []
        for model_id in sorted(resolved):
            record = resolved[model_id]
            if record is None:
                continue
            rows.append(record)
        return rows

    def resolve_one(self, facts: ModelFacts, base: dict[str, object] | None) -> dict | None:
        when, date_ref = facts.best("release_date")
        params, params_ref = facts.best("params_total")
        tokens, tokens_ref = facts.best("training_tokens")
        if params in (None, "") and base is not None and base["params_total"] != "":
            params, params_ref = base["params_total"], f"{base['params_source']}"
        if tokens in (None, "") and base is not None and base["training_tokens"] != "":
            tokens, tokens_ref = base["training_tokens"], f"{base['tokens_source']}"
        if when is None:
            return None  # no date from any source: not a registry model
        if base is not None and str(when) < str(base["release_date"]) and facts.origin == "epoch":
            print(f"  skipped {facts.model_id}: Epoch dates it {when}, before its base "
                  f"{facts.base_model} ({base['release_date']})")
            return None
        if base is not None and str(when) < str(base["release_date"]):
            self.problems.append(f"{facts.model_id}: released {when} before its base "
                                 f"{facts.base_model} ({base['release_date']}); add a curated date")
        active, active_ref = facts.best("params_active")
        techniques, technique_refs = technique_values(self.curation, facts)
        arch_row = self.curated(facts, "architecture")
        architecture = arch_row.value if arch_row else next(
            (a for pattern, a in ARCH_PATTERNS if pattern.search(facts.name)), "decoder")
        objective_row = self.curated(facts, "objective")
        objective = objective_row.value if objective_row else (
            "causal" if facts.origin == "catalogue" else "")
        open_weights, _ = facts.best("open_weights")
        if open_weights is None:
            hf = any("/" in a for a in b_aliases(self.b, facts.model_id))
            open_weights = 1 if hf else 0
        if techniques.get("moe") == 1.0 and active in (None, "") and params not in (None, "") \
                and str(int(float(open_weights if open_weights is not None else 0))) == "1":
            self.problems.append(f"{facts.model_id}: mixture-of-experts model without a curated "
                                 "params_active")
        if "moe_hint" in facts.candidates and "moe" not in techniques:
            self.problems.append(f"{facts.model_id}: Epoch notes mention experts/active "
                                 "parameters; curate its moe and params_active")
        if active in (None, "") and params not in (None, "") and techniques.get("moe") != 1.0:
            active, active_ref = params, params_ref
        record = {
            "model_id": facts.model_id,
            "name": facts.name,
            "organization": facts.organization,
            "family": facts.family,
            "release_date": str(when),
            "params_total": format_number(params if params != "" else None),
            "params_active": format_number(active if active != "" else None),
            "training_tokens": format_number(tokens if tokens != "" else None),
            "open_weights": str(int(float(open_weights))),
            "architecture": architecture,
            "base_or_tuned": facts.base_or_tuned,
            "objective": objective,
            "base_model": facts.base_model,
            "date_source": date_ref,
            "params_source": params_ref if params not in (None, "") else "",
            "tokens_source": tokens_ref if tokens not in (None, "") else "",
            "techniques_source": ";".join(technique_refs),
            "notes": "",
        }
        for technique in TECHNIQUE_COLUMNS:
            value = techniques.get(technique)
            record[technique] = "" if value is None else str(int(value))
        notes_row = self.curated(facts, "notes")
        if notes_row is not None:
            record["notes"] = notes_row.value
        return record


def b_aliases(builder: Builder, model_id: str) -> list[str]:
    model = builder.catalogue.models.get(model_id)
    return model.aliases if model else []


def write_csv(path: Path, columns: list[str], rows: list[dict[str, str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(c, "") for c in columns])
    data = buffer.getvalue().encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
    return data


def build(sources: Path, out: Path, curation_path: Path, verbose: bool = True) -> dict:
    """Build the registry into `out`; return counts of what was read and written."""
    if not sources.is_dir():
        raise SystemExit(f"sources folder not found: {sources}")
    builder = Builder(sources, curation_path)
    builder.load_epoch()
    builder.load_model_versions()
    builder.load_obsscaling()
    builder.load_open_llm_leaderboard()
    builder.load_stitching()
    builder.load_trends()
    builder.load_llmstats()
    curation = load_curation(curation_path)
    resolver = Resolver(builder, curation)
    resolver.apply_curation()
    models = resolver.resolve()
    model_ids = {m["model_id"] for m in models}
    bench_ids = {b[0] for b in BENCHMARKS}
    kept = [o for o in builder.observations if o.model_id in model_ids and o.benchmark in bench_ids]
    dropped = sorted({o.model_id for o in builder.observations if o.model_id not in model_ids})
    if dropped:
        raise SystemExit(f"scored models without a release date: {dropped}")
    merged = merge_observations(kept)
    score_rows = [{
        "model_id": o.model_id, "benchmark": o.benchmark, "score": format_score(o.score),
        "shots": "" if o.shots is None else str(o.shots), "cot": str(o.cot),
        "protocol": o.protocol, "source": o.source, "source_ref": ";".join(o.refs),
    } for o in merged]
    score_rows.sort(key=lambda r: (r["model_id"], r["benchmark"], r["protocol"], r["source"],
                                   r["shots"], r["cot"], r["score"], r["source_ref"]))
    scored = {r["model_id"] for r in score_rows}
    unreviewed = sorted(m["model_id"] for m in models if m["model_id"] in scored
                        and any(m[t] == "" for t in TECHNIQUE_COLUMNS))
    if unreviewed:
        raise SystemExit(f"scored models without curated technique columns: {unreviewed}")
    bench_rows = [dict(zip(["benchmark", "name", "chance", "metric", "default_shots",
                            "citation"], (b[0], b[1], format_score(b[2]), b[3], str(b[4]), b[5]),
                           strict=True)) for b in sorted(BENCHMARKS)]
    write_csv(out / "models.csv", MODEL_COLUMNS, models)
    write_csv(out / "scores.csv", SCORE_COLUMNS, score_rows)
    write_csv(out / "benchmarks.csv", ["benchmark", "name", "chance", "metric", "default_shots",
                                       "citation"], bench_rows)
    report = {
        "models": len(models), "scores": len(score_rows), "raw_observations": len(kept),
        "curation_rows": len(curation),
        "rows_used": dict(sorted(builder.rows_used.items())),
        "unmapped": {k: sorted(v) for k, v in sorted(builder.unmapped.items())},
    }
    if verbose:
        print(f"wrote {len(models)} models, {len(score_rows)} score rows "
              f"({len(kept)} observations before merging copies) to {out}")
        for file, count in report["rows_used"].items():
            print(f"  {count:5d} rows used from {file}")
        print(f"  {len(curation):5d} curated facts from {curation_path.name}")
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sources", type=Path, default=DEFAULT_SOURCES,
                        help="folder with the public source files (default: ../shared/data)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help="output folder (default: forecast/data)")
    parser.add_argument("--curation", type=Path, default=DEFAULT_CURATION,
                        help="hand-curated facts (default: forecast/data/curation.csv)")
    parser.add_argument("--show-unmapped", action="store_true",
                        help="list source names that match no catalogue model")
    args = parser.parse_args(argv)
    report = build(args.sources, args.out, args.curation)
    if args.show_unmapped:
        for file, names in report["unmapped"].items():
            print(f"unmapped in {file}: {'; '.join(names)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
