"""The builder's sources: what each public source file holds, the facts and score observations
collected from it (`Builder`), and the conventions that date and rank them."""

from __future__ import annotations

import io
import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from forecast.core.errors import UserError
from forecast.inputs.registry_build.catalogue import (CATALOGUE, FAMILY_ORGANIZATIONS, SHOT_NOTE,
                                                      Catalogue, normalise, slugify)
from forecast.inputs.registry_build.llmstats_flatten import MODELS_FILE, SCORES_FILE, flat_tables

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

#: When each benchmark became public: its paper's arXiv v1 date; the Open LLM Leaderboard v2
#: variants (a fixed subset or scoring of the original) from the leaderboard's launch.
OLL_V2_LAUNCH = "2024-06-26"  # Hugging Face blog "Open LLM Leaderboard v2", 2024-06-26
BENCHMARK_INTRODUCED = {
    "arc_c": "2018-03-14", "arc_e": "2018-03-14", "bbh": "2022-10-17", "boolq": "2019-05-24",
    "gpqa": OLL_V2_LAUNCH, "gpqa_diamond": "2023-11-20", "gsm8k": "2021-10-27",
    "hellaswag": "2019-05-19", "humaneval": "2021-07-07", "ifeval": OLL_V2_LAUNCH,
    "lambada": "2016-06-20", "math": "2021-03-05", "math_lvl5": OLL_V2_LAUNCH,
    "mmlu": "2020-09-07", "mmlu_pro": "2024-06-03", "musr": "2023-10-24",
    "openbookqa": "2018-09-08", "piqa": "2019-11-26", "triviaqa": "2017-05-09",
    "truthfulqa": "2021-09-08", "winogrande": "2019-07-24",
}

#: When a score became public, by the document that printed it (arXiv v1 date, or the date of the
#: model card, blog post or leaderboard). Keys are matched against the source link.
DOCUMENT_DATES = [
    ("1910.10683", "2019-10-23"), ("2005.14165", "2020-05-28"), ("2103.13009", "2021-03-24"),
    ("2112.06905", "2021-12-13"), ("2112.11446", "2021-12-08"), ("2201.11990", "2022-01-28"),
    ("2203.15556", "2022-03-29"), ("22-1144", "2022-04-05"), ("2302.13971", "2023-02-27"),
    ("2303.08774", "2023-03-15"), ("2305.10403", "2023-05-17"), ("2307.09288", "2023-07-18"),
    ("2309.03450", "2023-09-07"), ("2309.05463", "2023-09-11"), ("2309.10305", "2023-09-19"),
    ("2309.16609", "2023-09-28"), ("2311.16867", "2023-11-28"), ("2401.04088", "2024-01-08"),
    ("2402.16819", "2024-02-27"), ("2403.04652", "2024-03-07"), ("2403.08295", "2024-03-13"),
    ("2404.14219", "2024-04-22"), ("2407.14885", "2024-07-20"), ("2407.21783", "2024-07-31"),
    ("2409.12186", "2024-09-18"), ("2412.08905", "2024-12-12"), ("2412.19437", "2024-12-27"),
    ("Claude-3-Model-Card", "2024-03-04"), ("claude-2-model-card", "2023-07-11"),
    ("releasing-claude-instant-1-2", "2023-08-09"), ("inflection-1", "2023-06-22"),
    ("6481884993eaf7045294a0c4", "2023-06-07"),  # InternLM technical report
    ("17590", "2021-03-24"),  # UNICORN on RAINBOW (AAAI 2021; arXiv:2103.13009)
    ("2309.16583", "2023-09-28"),  # GPT-Fathom
    ("2306.04757", "2023-06-07"),  # InstructEval
]
#: Evaluations without a dated document: dated by the first public release that can hold them.
HELM_CLASSIC = "2022-11-16"  # Liang et al. 2022, HELM, arXiv:2211.09110
HELM_LITE = "2023-12-19"  # Stanford CRFM blog "HELM Lite", 2023-12-19
HELM_MMLU = "2024-05-01"  # Stanford CRFM blog "HELM MMLU", 2024-05-01
OBSSCALING_V3 = "2024-10-01"  # Ruan et al. 2024, arXiv:2405.10938v3 (the snapshot's tables)
TRENDS_SNAPSHOT = "2024-11-05"  # epoch-research/open-model-trends commit a72b3e9
STITCHING_SNAPSHOT = "2025-12-03"  # epoch-research/benchmark-stitching commit f87d3cc
OLL_V1_LAST = "2024-06-15"  # the Open LLM Leaderboard v1 snapshot's last evaluation date
#: Marker for "the model's own release": a developer's number published with the release.
AT_RELEASE = "release"


def document_date(link: object) -> str | None:
    """The publication date of a source document, from its link; None when unknown."""
    text = str(link or "")
    return next((when for key, when in DOCUMENT_DATES if key in text), None)


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
    #: (date, basis) per report of this number: an ISO date or `AT_RELEASE`, and what dates it.
    reports: list[tuple[str, str]] = field(default_factory=list)


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
    """A source CSV file as a frame (a leading byte-order mark accepted, header names stripped);
    `UserError` naming the file when it is missing (docs/data.md says where to download it)."""
    if not path.is_file():
        raise UserError("source file not found (docs/data.md lists where to download each "
                        "source, and the folder layout `--sources` expects)", file=str(path))
    return csv_frame(path, **kwargs)


def csv_frame(source: Path | bytes, **kwargs) -> pd.DataFrame:
    """A source CSV file, or its content as bytes, as a frame (a leading byte-order mark
    accepted, header names stripped).

    Files and bytes are parsed alike, so a table flattened in memory gives the build the same
    values as the same table written to disk and read back.

    Parameters
    ----------
    source : path or bytes
        The file, or its content.
    **kwargs
        Passed on to `pandas.read_csv`.

    Returns
    -------
    pandas.DataFrame
    """
    handle = io.BytesIO(source) if isinstance(source, bytes) else source
    frame = pd.read_csv(handle, encoding="utf-8-sig", low_memory=False, **kwargs)
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
        #: Source folders whose flat tables were made in memory from the raw download.
        self.flattened: list[str] = []
        for model in self.catalogue.models.values():
            self.facts[model.model_id] = ModelFacts(
                model.model_id, "catalogue", family=model.family, name=model.name,
                organization=FAMILY_ORGANIZATIONS.get(model.family, ""),
                base_or_tuned=model.base_or_tuned, base_model=model.base_model)

    # --- helpers ------------------------------------------------------------------------
    def observe(self, model_id: str, benchmark: str, score: float | None, shots: int | None,
                cot: int, protocol: str, source: str, reference: str, precision: float,
                reported: tuple[str, str]) -> None:
        """Record one printed score; `reported` is (date or `AT_RELEASE`, what dates it)."""
        if score is None or not (0.0 <= score <= 1.0) or math.isnan(score):
            return
        self.observations.append(Observation(model_id, benchmark, float(score), shots, int(cot),
                                             protocol, source, [reference], precision,
                                             [(reported[0], f"{reported[1]} ({reference})")]))

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
                if access.startswith("Open weights"):
                    facts.add("access", source, "weights", reference)
                elif access.startswith(("API access", "Hosted access")):
                    facts.add("access", source, "api", reference)
                elif access.startswith("Unreleased"):
                    facts.add("access", source, "none", reference)
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
                raise UserError(f"obsscaling: no catalogue entry for {row['Model']}")
            reference = ref(folder, file, index)
            self.count(reference)
            facts = self.facts[model_id]
            facts.add("params_total", "obsscaling", _float(row["Model Size (B)"], 1e9), reference)
            facts.add("training_tokens", "obsscaling",
                      _float(row["Pretraining Data Size (T)"], 1e12), reference)
            dated = (OBSSCALING_V3, "ObsScaling tables, arXiv:2405.10938v3")
            for column, (benchmark, shots) in SCORE_BENCHMARKS_OBSSCALING.items():
                value = _float(row.get(column))
                self.observe(model_id, benchmark, value, shots, int(benchmark == "gsm8k"),
                             "oll_harness", "independent", reference, 1e-6, dated)
            value = _float(row.get("HumanEval"))
            self.observe(model_id, "humaneval", value, 0, 0, "obsscaling_harness",
                         "independent", reference, 1e-6, dated)
        file = "base_llm_leaderboard_v2_eval.csv"
        frame = read_csv(self.src / folder / file)
        for index, row in enumerate(frame.to_dict("records"), start=1):
            model_id = self.catalogue.lookup(row["Model"])
            if model_id is None:
                raise UserError(f"obsscaling v2: no catalogue entry for {row['Model']}")
            reference = ref(folder, file, index)
            self.count(reference)
            for column, (benchmark, shots) in OLL_V2_COLUMNS.items():
                self.observe(model_id, benchmark, _float(row.get(column)), shots,
                             int(benchmark == "math_lvl5"), "oll2_harness", "independent",
                             reference, 1e-6, (OBSSCALING_V3, "ObsScaling tables, "
                                                              "arXiv:2405.10938v3"))
        file = "instruct_llm_benchmark_eval.csv"
        frame = read_csv(self.src / folder / file)
        for index, row in enumerate(frame.to_dict("records"), start=1):
            model_id = self.catalogue.lookup(row["Model"])
            if model_id is None:
                raise UserError(f"obsscaling instruct: no catalogue entry for {row['Model']}")
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
                dated = ((OBSSCALING_V3, "ObsScaling tables, arXiv:2405.10938v3") if harness
                         else (AT_RELEASE, "developer's number, at release"))
                self.observe(model_id, benchmark, value, shots if harness else None,
                             int(benchmark == "gsm8k"), protocol, source, reference,
                             1e-6 if harness else 1e-3, dated)

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
            evaluated = str(row.get("date") or "")[:10]
            dated = ((evaluated, "Open LLM Leaderboard v1 evaluation date")
                     if re.match(r"\d{4}-\d{2}-\d{2}$", evaluated)
                     else (OLL_V1_LAST, "Open LLM Leaderboard v1, undated row: its last date"))
            for column, (benchmark, shots) in OLL_V1_COLUMNS.items():
                value = parse_percent(row[column])
                self.observe(model_id, benchmark, value, shots, int(benchmark == "gsm8k"),
                             "oll_harness", "independent", reference,
                             decimals_precision(row[column], 100.0), dated)

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
                link = row.get("Source link")
                if "helm/lite" in str(link):
                    dated = (HELM_LITE, "HELM Lite leaderboard (launched 2023-12-19)")
                elif "helm/classic" in str(link):
                    dated = (HELM_CLASSIC, "HELM Classic (arXiv:2211.09110)")
                elif document_date(link):
                    dated = (document_date(link), f"document {link}")
                else:
                    dated = (STITCHING_SNAPSHOT, "undated document: the Epoch hub snapshot")
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
                                 decimals_precision(row.get(column), 100.0), dated)
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
                if source == "self_reported":
                    dated = (AT_RELEASE, "developer's number, at release")
                elif protocol == "helm":
                    dated = (HELM_CLASSIC, "HELM Classic (arXiv:2211.09110)")
                else:
                    dated = ((document_date(notes), f"document {notes}") if document_date(notes)
                             else (TRENDS_SNAPSHOT, "undated: the open-model-trends snapshot"))
                self.observe(model_id, "mmlu", mmlu, shots, cot, protocol, source, reference,
                             decimals_precision(row.get("MMLU"), 1.0), dated)
            helm_mmlu = _float(row.get("HELM MMLU"))
            if helm_mmlu is not None:
                self.observe(TRENDS_HELM_TARGETS.get(name, model_id), "mmlu", helm_mmlu, 5, 0, "helm", "independent",
                             reference, decimals_precision(row.get("HELM MMLU"), 1.0),
                             (HELM_MMLU, "HELM MMLU leaderboard (launched 2024-05-01)"))
            bbh = _float(row.get("BBH"))
            if bbh is not None:
                bbh_notes = str(row.get("BBH Notes") or "")
                independent = "http" in bbh_notes or "InstructEval" in bbh_notes
                if not independent:
                    dated = (AT_RELEASE, "developer's number, at release")
                elif "InstructEval" in bbh_notes:
                    dated = ("2023-06-07", "InstructEval, arXiv:2306.04757")
                else:
                    dated = (TRENDS_SNAPSHOT, "undated: the open-model-trends snapshot")
                self.observe(model_id, "bbh", bbh, 3 if "3-shot" in bbh_notes else None,
                             0, "paper", "independent" if independent else "self_reported",
                             reference, decimals_precision(row.get("BBH"), 1.0), dated)
            gpqa = _float(row.get("GPQA"))
            if gpqa is not None and "Epoch" in str(row.get("GPQA Notes") or ""):
                self.observe(model_id, "gpqa_diamond", gpqa, 0, 1, "epoch_eval", "independent",
                             reference, decimals_precision(row.get("GPQA"), 1.0),
                             (TRENDS_SNAPSHOT, "Epoch evaluation, undated: the snapshot"))

    # --- LLM-Stats ----------------------------------------------------------------------
    def llmstats_tables(self) -> dict[str, pd.DataFrame]:
        """LLM-Stats' two flat tables: the CSV files of ``llmstats/`` when both are there, else
        flattened in memory from the download's ``llmstats/models/`` tree.

        Flattening in memory (`llmstats_flatten.flat_tables`) lets a fresh download be built
        from as it is, without writing into the sources folder; its rows are numbered as in the
        files `forecast data flatten-llmstats` writes, which the ``source_ref`` rows cite.

        Returns
        -------
        dict
            ``llmstats_models_flat.csv`` and ``llmstats_scores_long.csv`` -> the table.

        Raises
        ------
        UserError
            Neither both CSV files nor ``models/`` are there, or a model file is malformed.
        """
        folder = self.src / "llmstats"
        paths = {name: folder / name for name in (MODELS_FILE, SCORES_FILE)}
        if all(p.is_file() for p in paths.values()):
            return {name: read_csv(p) for name, p in paths.items()}
        if not (folder / "models").is_dir():
            missing = next(p for p in paths.values() if not p.is_file())
            raise UserError("source file not found: give LLM-Stats' two flat CSV files or its "
                            "models/ folder (docs/data.md)", file=str(missing))
        self.flattened.append("llmstats")
        return {name: csv_frame(data) for name, data in flat_tables(folder).items()}

    def load_llmstats(self) -> None:
        folder = "llmstats"
        tables = self.llmstats_tables()
        file = MODELS_FILE
        frame = tables[file]
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
        file = SCORES_FILE
        frame = tables[file]
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
            recorded = str(row.get("date_recorded") or "")[:10]
            if self_reported:
                dated = (AT_RELEASE, "developer's number, at release")
            elif re.match(r"\d{4}-\d{2}-\d{2}$", recorded):
                dated = (recorded, "LLM-Stats recorded date")
            else:
                dated = ("2025-05-22", "LLM-Stats, undated: the snapshot")
            self.observe(model_id, benchmark, _float(row.get("score")), shots, cot,
                         "paper" if self_reported else "llmstats",
                         "self_reported" if self_reported else "independent", reference,
                         decimals_precision(row.get("score"), 1.0), dated)


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
