"""Validate gazetteers/renames-ua.yaml (build aid; exits 1 on problems).

Checks: yaml.safe_load; required keys and known keys per row; kind and oblast values; year
2014-2026; canonical is Latin without apostrophes; uk names use the Ukrainian alphabet (no
ы э ъ ё), ru names the Russian one (no і ї є ґ); old has uk or ru names; no duplicate
(canonical, oblast, old) rows; geonames_id is an int used by one row only.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
RENAMES = ROOT / "gazetteers" / "renames-ua.yaml"
PLACES = ROOT / "gazetteers" / "places-ua.yaml"

REQUIRED = {"canonical", "uk", "kind", "oblast", "year", "old"}
OPTIONAL = {"ru", "geonames_id", "geonames_main", "note", "source"}
KINDS = {"city", "town", "urban-settlement", "village", "settlement"}
OLD_KEYS = {"uk", "ru", "en"}

UK_RE = re.compile(r"^[абвгґдеєжзиіїйклмнопрстуфхцчшщьюяАБВГҐДЕЄЖЗИІЇЙКЛМНОПРСТУФХЦЧШЩЬЮЯ' \-0-9]+$")
RU_RE = re.compile(r"^[абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ \-0-9]+$")
LATIN_RE = re.compile(r"^[A-Za-z][A-Za-z \-]*$")


def main() -> int:
    data = yaml.safe_load(RENAMES.read_text(encoding="utf-8"))
    places = yaml.safe_load(PLACES.read_text(encoding="utf-8"))["entries"]
    oblasts = {e["id"] for e in places if e.get("kind") in ("oblast", "autonomous-republic")}
    oblasts |= {"ua-city-kyiv", "ua-city-sevastopol"}
    problems: list[str] = []
    if data.get("entries") != []:
        problems.append("top level: `entries: []` expected (keeps gazetteer.load_folder working)")
    rows = data.get("renames")
    if not isinstance(rows, list) or not rows:
        problems.append("top level: `renames:` list missing")
        rows = []
    seen, ids = {}, {}
    for i, r in enumerate(rows, 1):
        where = f"row {i} ({r.get('canonical')!r})"
        keys = set(r)
        if REQUIRED - keys:
            problems.append(f"{where}: missing {sorted(REQUIRED - keys)}")
        if keys - REQUIRED - OPTIONAL:
            problems.append(f"{where}: unknown keys {sorted(keys - REQUIRED - OPTIONAL)}")
        if not LATIN_RE.match(str(r.get("canonical", ""))):
            problems.append(f"{where}: canonical not plain Latin")
        if r.get("kind") not in KINDS:
            problems.append(f"{where}: kind {r.get('kind')!r}")
        if r.get("oblast") not in oblasts:
            problems.append(f"{where}: unknown oblast {r.get('oblast')!r}")
        year = r.get("year")
        if not isinstance(year, int) or not 2014 <= year <= 2026:
            problems.append(f"{where}: year {year!r}")
        if not UK_RE.match(str(r.get("uk", ""))):
            problems.append(f"{where}: uk {r.get('uk')!r} is not Ukrainian Cyrillic")
        if "ru" in r and not RU_RE.match(str(r["ru"])):
            problems.append(f"{where}: ru {r['ru']!r} is not Russian Cyrillic")
        old = r.get("old") or {}
        if not isinstance(old, dict) or set(old) - OLD_KEYS:
            problems.append(f"{where}: old must map uk/ru/en to lists")
            old = {}
        if not (old.get("uk") or old.get("ru")):
            problems.append(f"{where}: old has no uk/ru name")
        for lang, rx in (("uk", UK_RE), ("ru", RU_RE), ("en", LATIN_RE)):
            vals = old.get(lang, [])
            if not isinstance(vals, list):
                problems.append(f"{where}: old.{lang} is not a list")
                continue
            for v in vals:
                if not isinstance(v, str) or not rx.match(v):
                    problems.append(f"{where}: old.{lang} {v!r} has letters of another script/language")
        if r.get("uk") in old.get("uk", []):
            problems.append(f"{where}: the new uk name is also listed as old")
        key = (r.get("canonical"), r.get("oblast"), tuple(old.get("uk", [])))
        if key in seen:
            problems.append(f"{where}: duplicate of row {seen[key]}")
        seen[key] = i
        if "geonames_id" in r:
            gid = r["geonames_id"]
            if not isinstance(gid, int):
                problems.append(f"{where}: geonames_id is not an int")
            elif gid in ids:
                problems.append(f"{where}: geonames_id {gid} also on row {ids[gid]}")
            ids[gid] = i
            if r.get("geonames_main") not in ("old", "new", "other"):
                problems.append(f"{where}: geonames_main must be old/new/other")
        if r.get("source") not in (None, "geonames"):
            problems.append(f"{where}: source {r.get('source')!r}")
    for p in problems:
        print(p)
    print(f"{len(rows)} rows, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
