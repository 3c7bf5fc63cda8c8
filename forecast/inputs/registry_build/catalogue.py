"""The builder's name map: every catalogued model with its family, kind, base and the names the
sources print for it, and the matching of a source's name to a registry id."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from forecast.core.errors import UserError

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
                raise UserError(f"catalogue: duplicate model id {model_id}")
            alias_list = [a.strip() for a in aliases.split(";") if a.strip()]
            self.models[model_id] = CatalogueModel(model_id, family, name, kind, base, alias_list)
            for alias in [model_id, name, *alias_list]:
                if "/" in alias:
                    self._add(self.exact, alias.lower(), model_id)
                    continue
                self._add(self.norm, normalise(alias), model_id)
        for model in self.models.values():
            if model.base_model and model.base_model not in self.models:
                raise UserError(f"catalogue: {model.model_id} has unknown base {model.base_model}")

    @staticmethod
    def _add(table: dict[str, str], key: str, model_id: str) -> None:
        if table.get(key, model_id) != model_id:
            raise UserError(f"catalogue: alias '{key}' names both {table[key]} and {model_id}")
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

