"""The shape of every gazetteer YAML file, as pydantic models (the same machinery as the config).

Entry files (`entries:`), overrides.yaml and lexicon.yaml are validated here; a fault becomes a
GazetteerError naming the file, the line of the offending key and the key itself
("people.yaml:812: key 'entries.3.aliases.en.0': String should have at least 1 character").
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
)

from transnorm.yamlio import YamlFileError, yaml_line


class GazetteerError(YamlFileError):
    """A fault in a gazetteer file, with the file and line it is on."""


Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


def _listify(value: Any) -> Any:
    """A single name may be written without brackets: `en: Kyiv` is `en: [Kyiv]`; null is none."""
    if value is None:
        return []
    return [value] if isinstance(value, str) else value


Names = Annotated[list[Text], BeforeValidator(_listify)]
NamesByLang = Annotated[dict[str, Names], BeforeValidator(lambda v: {} if v is None else v)]


class _Strict(BaseModel):
    # strict: a YAML 12 is not the string "12", `true` is not 1; extra: a typo in a key is an error
    model_config = ConfigDict(extra="forbid", strict=True)


class EntryModel(_Strict):
    id: Text
    type: Literal["place", "person", "organisation"]
    kind: str | None = None
    canonical: Text
    short: str | None = None
    country: str | None = None
    parent: str | None = None
    geonames_id: int | None = None
    lat: float | None = None
    lon: float | None = None
    population: int | None = None
    aliases: NamesByLang = Field(default_factory=dict)
    short_aliases: NamesByLang = Field(default_factory=dict)
    historic: Names = Field(default_factory=list)
    colloquial: Names = Field(default_factory=list)
    role: str | None = None
    note: str | None = None
    source: str | None = None
    successor: str | None = None
    renamed: int | None = None


class EntryFile(_Strict):
    entries: list[dict[str, Any]]  # each validated on its own (EntryModel) so the error names its line


class OverrideLinkModel(_Strict):
    surface: Text
    lang: Text
    gazetteer_id: Text


class OverrideIgnoreModel(_Strict):
    surface: Text
    lang: Text


class OverrideSplitModel(_Strict):
    surface: Text
    lang: Text
    parts: Annotated[list[Text], Field(min_length=2)]


_Items = Annotated[list[dict[str, Any]], BeforeValidator(_listify)]


class OverridesFile(_Strict):
    accept: _Items = Field(default_factory=list)
    reject: _Items = Field(default_factory=list)
    ignore: _Items = Field(default_factory=list)  # not a name: never linked nor queued
    split: _Items = Field(default_factory=list)  # one written run that is several names
    entries: _Items = Field(default_factory=list)


class RiverCues(_Strict):
    words: Names = Field(default_factory=list)
    skip: Names = Field(default_factory=list)
    after: Names = Field(default_factory=list)
    after_skip: Names = Field(default_factory=list)


class PlaceCues(_Strict):
    before: NamesByLang = Field(default_factory=dict)  # kind -> words before a name (село, village, с.)
    after: NamesByLang = Field(default_factory=dict)  # kind -> lower-case words after it (village)
    near: Names = Field(default_factory=list)  # prepositions: "near X", "біля X"
    skip: Names = Field(default_factory=list)  # allowed between a cue and the name ("village of the")


class EnglishWords(_Strict):
    the_words: Names = Field(default_factory=list)
    dated: Names = Field(default_factory=list)
    keep_before: Names = Field(default_factory=list)
    insert_after: Names = Field(default_factory=list)
    formal_words: Names = Field(default_factory=list)


class NamedThing(_Strict):
    type: Literal["place", "organisation"]
    before: Names = Field(default_factory=list)
    before_quoted: Names = Field(default_factory=list)
    after: Names = Field(default_factory=list)
    after_verb: Names = Field(default_factory=list)  # "как сообщает Depo.Львов": the verb, then the name


class Abroad(_Strict):
    between: Names = Field(default_factory=list)
    adjectives: NamesByLang = Field(default_factory=dict)  # country code -> word beginnings


class LexiconFile(_Strict):
    region_words: NamesByLang = Field(default_factory=dict)
    region_kinds: Names = Field(default_factory=list)
    of_forms: Names = Field(default_factory=list)
    river_cues: RiverCues = Field(default_factory=RiverCues)
    english: EnglishWords = Field(default_factory=EnglishWords)
    abroad: Abroad = Field(default_factory=Abroad)
    named_things: Annotated[dict[str, NamedThing], BeforeValidator(lambda v: {} if v is None else v)] = \
        Field(default_factory=dict)
    stopwords: Names = Field(default_factory=list)
    common_words: Names = Field(default_factory=list)
    given_names: Names = Field(default_factory=list)
    person_cues: Names = Field(default_factory=list)
    speech_verbs: Names = Field(default_factory=list)
    place_cues: PlaceCues = Field(default_factory=PlaceCues)
    settlement_cues: Names = Field(default_factory=list)
    foreign_demonyms: Names = Field(default_factory=list)
    home_demonyms: Names = Field(default_factory=list)
    lowercase_names: Names = Field(default_factory=list)
    name_ordinals: Names = Field(default_factory=list)
    name_prefixes: Names = Field(default_factory=list)
    translated_toponym_words: Annotated[dict[str, str], BeforeValidator(lambda v: {} if v is None else v)] = \
        Field(default_factory=dict)


def without_lines(value: Any) -> Any:
    """The data as safe_load gives it: yamlio's `__line__` bookkeeping removed at every depth."""
    if isinstance(value, dict):
        return {k: without_lines(v) for k, v in value.items() if k != "__line__"}
    if isinstance(value, list):
        return [without_lines(v) for v in value]
    return value


def validate(model: type[BaseModel], data: Any, path: str | Path, loc: tuple[Any, ...] = ()) -> Any:
    """`data` (loaded by yamlio, `__line__` kept) as `model`, or GazetteerError at file:line: key.

    `loc` is where `data` sits in the file (("entries", 3) for the fourth entry): it makes the
    key in the message the full path and lets the line be looked up in the file's text.
    """
    try:
        return model.model_validate(without_lines(data))
    except ValidationError as exc:
        err = exc.errors()[0]
        full = loc + tuple(err["loc"])
        key = ".".join(str(p) for p in full) or "(top level)"
        more = f" (and {len(exc.errors()) - 1} more)" if len(exc.errors()) > 1 else ""
        line = None
        try:
            line = yaml_line(Path(path).read_text(encoding="utf-8"), full)
        except (OSError, UnicodeDecodeError):  # pragma: no cover - the file was just read
            pass
        if line is None and isinstance(data, dict):
            line = data.get("__line__")
        if err["type"] == "extra_forbidden":
            allowed = ", ".join(_fields_at(model, tuple(err["loc"][:-1])))
            msg = f"unknown key '{key}'" + (f" (allowed: {allowed})" if allowed else "")
        elif err["type"] == "missing":
            msg = f"key '{key}' is required"
        else:
            msg = f"key '{key}': {err['msg']}"
        raise GazetteerError(str(path), line, msg + more) from exc


def _fields_at(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """The keys a mapping at `loc` inside `model` may have (for an 'unknown key' message)."""
    for part in loc:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(str(part))
        ann = getattr(field, "annotation", None)
        if not (isinstance(ann, type) and issubclass(ann, BaseModel)):
            return []
        model = ann
    return list(model.model_fields)
