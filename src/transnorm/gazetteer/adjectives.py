"""Place adjectives: "Охтирка" -> "охтирск", the folded stem of "Охтирський/Ахтырский".

The rules are data (gazetteers/rules/adjectives.yaml); this is the engine. `derive(name)` gives the
stems a place name's adjective may have (over-generating is cheap: a stem is only looked up
after a head noun). `AdjectiveTable` maps stems to the entries they name, built once per
index from its Ukrainian and Russian entries and pickled beside the store (a first use costs
about a second; the next process loads it in milliseconds). Nothing here touches the index
keys: the per-slice compile never sees adjectives.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from transnorm.gazetteer.entries import ADMIN_UNIT_KINDS, SETTLEMENT_KINDS
from transnorm.gazetteer.index import GENERATED_SOURCES
from transnorm.gazetteer.schema import GazetteerError
from transnorm.gazetteer.sidecar import load_or_make
from transnorm.text.crosslang import uk_from_ru
from transnorm.text.fold import fold, fold_name, fold_words
from transnorm.text.translit import likeness
from transnorm.yamlio import load_yaml

if TYPE_CHECKING:  # pragma: no cover
    from transnorm.gazetteer.index import Index

RULES_FILE = "rules/adjectives.yaml"  # under the gazetteer folder: not an entry file
TABLE_VERSION = 11  # bump when the table's layout or the derivation code changes


def _f(word: str) -> str:
    return fold(word) if word else ""


CONSONANTS = frozenset("бвгґджзклмнпрстфхцчшщ")


def _centre_rows(rows, path: Path) -> tuple[tuple[str, str | None], ...]:
    """`centres`: [base ending, name ending or null] pairs, in order."""
    if not isinstance(rows, list) or not all(
            isinstance(r, list) and len(r) == 2 and isinstance(r[0], str) and (r[1] is None or isinstance(r[1], str))
            for r in rows):
        raise GazetteerError(str(path), getattr(rows, "__line__", None),
                             "'centres': expected a list of [base ending, name ending or null] pairs")
    return tuple((a, b) for a, b in rows)


@dataclass(frozen=True)
class AdjectiveRules:
    """adjectives.yaml, folded."""

    suffixes: tuple[str, ...]
    adjective_endings: tuple[str, ...]  # longest first
    endings: tuple[tuple[str, tuple[str, ...]], ...]  # longest first
    merge: tuple[tuple[str, tuple[str, ...]], ...]
    alternate: dict[str, str]
    prefix_endings: tuple[tuple[str, str], ...]
    exceptions: dict[str, tuple[str, ...]]
    heads: dict[str, tuple[str, ...]]  # head -> folded word beginnings
    head_endings: frozenset[str]
    modifiers: tuple[str, ...]
    city_modifiers: tuple[str, ...]
    targets: dict[str, tuple[str, ...]]
    again_endings: frozenset[str] = frozenset()
    elliptic: dict[str, frozenset[str]] = field(default_factory=dict)  # head -> endings agreeing with it
    town_case_endings: frozenset[str] = frozenset()  # a bare adjective's endings a town's case form shares
    ukrainian_bodies: tuple[str, ...] = ()  # raion heads naming a Ukrainian raion's body (РГА, РВА)
    city_bodies: tuple[str, ...] = ()  # city heads that need no modifier (МВА, сільрада)
    village_modifiers: tuple[str, ...] = ()  # a body of a village or small town, never a city's
    city_people: tuple[str, ...] = ()  # city heads naming a person (міський голова), not a body
    centres: tuple[tuple[str, str | None], ...] = ()  # an unlisted centre's ending from its adjective's base
    digest: str = ""
    # folded word -> stem_of(word): the unit pass asks it of every token of every document
    _stems: dict[str, str | None] = field(default_factory=dict, init=False, repr=False, compare=False)
    _heads: dict[str, str | None] = field(default_factory=dict, init=False, repr=False, compare=False)

    @classmethod
    def load(cls, path: Path) -> "AdjectiveRules":
        raw = load_yaml(path, GazetteerError) if path.exists() else None
        if raw is None:
            raise GazetteerError(str(path), None, "missing: the place-adjective rules")
        if not isinstance(raw, dict):
            raise GazetteerError(str(path), None, "expected a mapping")
        need = ("suffixes", "adjective_endings", "endings", "merge", "alternate", "prefix_endings",
                "exceptions", "heads", "head_endings", "modifiers", "city_modifiers", "targets")
        for k in need:
            if k not in raw:
                raise GazetteerError(str(path), None, f"missing key '{k}'")

        def words(v, key):
            if not isinstance(v, list) or not all(isinstance(w, str) for w in v):
                raise GazetteerError(str(path), getattr(v, "__line__", None), f"'{key}': expected a list of words")
            return tuple(_f(w) for w in v)

        if not isinstance(raw["heads"], dict):
            raise GazetteerError(str(path), None, "'heads': expected a mapping")

        def table(key):
            v = raw[key]
            if not isinstance(v, dict):
                raise GazetteerError(str(path), None, f"'{key}': expected a mapping")
            return {_f(str(k)): words(ws, f"{key}.{k}") for k, ws in v.items() if k != "__line__"}

        by_len = lambda d: tuple(sorted(d.items(), key=lambda kv: -len(kv[0])))  # noqa: E731
        pre = {_f(k): _f(v) for k, v in raw["prefix_endings"].items() if k != "__line__"}
        return cls(
            suffixes=words(raw["suffixes"], "suffixes"),
            adjective_endings=tuple(sorted(words(raw["adjective_endings"], "adjective_endings"), key=len,
                                           reverse=True)),
            endings=by_len(table("endings")), merge=by_len(table("merge")),
            alternate={_f(k): _f(v) for k, v in raw["alternate"].items() if k != "__line__"},
            prefix_endings=tuple(sorted(pre.items(), key=lambda kv: -len(kv[0]))),
            exceptions={fold_name(k): v for k, v in table("exceptions").items()},
            heads={h: words(ws, f"heads.{h}") for h, ws in raw["heads"].items() if h != "__line__"},
            head_endings=frozenset(words(raw["head_endings"], "head_endings")),
            modifiers=words(raw["modifiers"], "modifiers"),
            city_modifiers=words(raw["city_modifiers"], "city_modifiers"),
            targets={k: tuple(v) for k, v in raw["targets"].items() if k != "__line__"},
            again_endings=frozenset(words(raw.get("again_endings") or [], "again_endings")),
            town_case_endings=frozenset(words(raw.get("town_case_endings") or [], "town_case_endings")),
            ukrainian_bodies=words(raw.get("ukrainian_bodies") or [], "ukrainian_bodies"),
            city_bodies=words(raw.get("city_bodies") or [], "city_bodies"),
            village_modifiers=words(raw.get("village_modifiers") or [], "village_modifiers"),
            city_people=words(raw.get("city_people") or [], "city_people"),
            elliptic={str(h): frozenset(words(ws, f"elliptic.{h}")) for h, ws in (raw.get("elliptic") or {}).items()
                      if h != "__line__"},  # head kinds as written (oblast, axis): not folded
            centres=_centre_rows(raw.get("centres") or [], path),
            digest=hashlib.sha256(path.read_bytes()).hexdigest()[:16],
        )

    def centre_of(self, base: str, rows: tuple[tuple[str, str | None], ...] | None = None,
                  consonants: frozenset[str] = CONSONANTS) -> str | None:
        """The likely centre of a hromada or starosta district from its adjective's base (Тойкут,
        Чорноглазів), by the `centres` rows (or the same rows in other letters, with that
        alphabet's `consonants`); None when no row guesses."""
        for end, name_end in self.centres if rows is None else rows:
            if base.endswith(end) and (end or base[-1:].lower() in consonants):
                return None if name_end is None else base[: len(base) - len(end)] + name_end
        return None

    # ------------------------------------------------------------ derivation

    def is_stem(self, word: str) -> bool:
        return word.endswith(self.suffixes)

    def _word_stems(self, word: str) -> dict[str, int]:
        """stem -> rank (0: the rule's first reading, 1: a further one)."""
        if self.is_stem(word):
            return {word: 0}
        adj = self.stem_of(word)
        if adj:  # the name is an adjective itself: Хмельницький, Кам'янське
            return {adj: 0}
        out: dict[str, int] = {}
        for end, reps in self.endings:
            if word.endswith(end):
                base = word[:len(word) - len(end)] if end else word
                for rank, rep in enumerate(reps):
                    for s in self._merged(base + rep):
                        out[s] = min(out.get(s, 1), min(rank, 1))
                break
        return out

    def _merged(self, stem: str) -> set[str]:
        """stem and its alternated form (Лозов-ск -> лозівськ, Золотонош-ск -> золотоніш-ск: о/е
        -> і before the last consonant), each with its last consonant merged into the suffix."""
        forms = {stem}
        suffix = next((x for x in self.suffixes if stem.endswith(x)), "")
        core = stem[:len(stem) - len(suffix)]
        if len(core) >= 3 and core[-2] in self.alternate and core[-1] not in "аеєиіїоуюяы":
            forms.add(core[:-2] + self.alternate[core[-2]] + core[-1] + suffix)
        out = set(forms)
        for f in forms:
            for end, reps in self.merge:
                if f.endswith(end):
                    out.update(f[:len(f) - len(end)] + r for r in reps)
                    break
        return out

    def derive(self, name: str) -> dict[str, int]:
        """The folded adjective stems of a Cyrillic place name, each with its rank (0: the
        likeliest readings); a hyphenated stem is space-separated, as the scanner sees
        "Новгород-Сіверському"."""
        key = fold_words(name)
        if not key:
            return {}
        if key in self.exceptions:
            return dict.fromkeys(self.exceptions[key], 0)
        words = key.split(" ")
        last = self._word_stems(words[-1])
        if len(words) == 1:
            return last
        out = {" ".join(words[:-1] + [s]): r for s, r in last.items()}  # Новгород-Сіверськ
        if len(words) == 2:
            for end, rep in self.prefix_endings:  # Біла Церква -> білоцерківськ, Середина-Буда -> середино-будськ
                if words[0].endswith(end):
                    pre = words[0][:len(words[0]) - len(end)] + rep
                    for s, r in last.items():
                        out[pre + s] = r
                        out[f"{pre} {s}"] = r
                    break
        return out

    def stem_of(self, word: str) -> str | None:
        """The stem of a folded word that is a place adjective in any case ("охтирському" ->
        "охтирск"), or None."""
        return _memoised(self._stems, word, self._stem_of)

    def _stem_of(self, word: str) -> str | None:
        tail = word[-(len(self.adjective_endings[0]) + 3):] if self.adjective_endings else word
        if not any(sx in tail for sx in self.suffixes):
            return None  # no stem suffix where one would stand: most words, decided without the loop
        for end in self.adjective_endings:
            if word.endswith(end) and len(word) - len(end) >= 4:
                stem = word[:len(word) - len(end)]
                if self.is_stem(stem):
                    return stem
                return None
        return None

    def head_of(self, word: str) -> str | None:
        """Which head noun a folded word is (oblast, raion, hromada...), or None."""
        return _memoised(self._heads, word, self._head_of)

    def _head_of(self, word: str) -> str | None:
        for head, begins in self.heads.items():
            for b in begins:
                if word.startswith(b) and word[len(b):] in self.head_endings:
                    return head
        return None

    def is_modifier(self, word: str) -> bool:
        return word.startswith(self.modifiers)


# ---------------------------------------------------------------- the table

UNIT_LANGS = ("uk", "ru")
OWN_NAME = 70  # translit.likeness of a name to the entry's canonical at which it is the entry's own name
PLACE_COUNTRIES = ("UA", "RU")


@dataclass
class AdjectiveTable:
    """stem -> entry positions. `units`: existing units whose own name is "<adjective> <noun>"
    (raions, districts, oblasts: their uk/ru aliases); `places`: settlements and regions whose
    adjective the rules derive from their names."""

    units: dict[str, list[tuple[int, str]]] = field(default_factory=dict)  # stem -> [(position, lang)]
    # stem -> position * 2 + rank, packed as plain ints: a process loads the 50,000 stems in ~20 ms
    places: dict[str, tuple[int, ...]] = field(default_factory=dict)
    seconds: float = 0.0

    def place_refs(self, stem: str) -> list[tuple[int, int]]:
        """[(entry position, rank)] of the settlements and regions whose adjective has `stem`."""
        return [(v >> 1, v & 1) for v in self.places.get(stem, ())]


def _unit_stems(rules: AdjectiveRules, name: str) -> set[str]:
    """"Конотопський район" -> {"конотопск"}; "Новгород-Сіверський район" -> {"новгород сіверск"}."""
    words = fold_words(name).split(" ")
    out = set()
    for i, w in enumerate(words):
        stem = rules.stem_of(w)
        if stem and i + 1 < len(words):
            j = i + 1
            while j < len(words) and rules.is_modifier(words[j]):
                j += 1
            if j < len(words) and rules.head_of(words[j]):
                out.add(" ".join(words[:i] + [stem]))
    return out


def _city_part(e, names: list[str], entries, by_id, rules: AdjectiveRules) -> bool:
    """A GeoNames "city" that is part of a city: a neighbourhood (its parent is a settlement) or
    a city district ("Богодухівський район" of Makiivka). No unit is named after it."""
    if e.kind not in SETTLEMENT_KINDS:
        return False
    if e.parent and by_id is not None:
        p = by_id.get(e.parent)
        if p is not None and entries[p].kind in SETTLEMENT_KINDS:
            return True
    return e.source in GENERATED_SOURCES and any(_unit_stems(rules, n) for n in names)


def build_table(entries, rules: AdjectiveRules, by_id=None) -> AdjectiveTable:
    """The table for an index's entries. Positions are the index's: a layered index reads a
    position its curated layer took as the entry that took it, which `by_id` places elsewhere."""
    import time

    t0 = time.perf_counter()
    # every kind a head may name: an autonomous okrug too ("Ханты-Мансийского округа")
    unit_kinds = ADMIN_UNIT_KINDS | {k for kinds in rules.targets.values() for k in kinds}
    place_kinds = SETTLEMENT_KINDS | set(rules.targets.get("oblast", ()))
    table = AdjectiveTable()
    ranks: dict[str, dict[int, int]] = {}
    read = getattr(entries, "peek", entries.__getitem__)  # decoded one at a time, not kept
    for pos in range(len(entries)):
        e = read(pos)
        if e.type != "place" or (e.country not in PLACE_COUNTRIES and e.kind not in ADMIN_UNIT_KINDS):
            continue
        if by_id is not None and by_id.get(e.id, pos) != pos:
            continue
        named = [(n, lang) for lang in UNIT_LANGS for n in e.aliases.get(lang, ())] + [(n, "*") for n in e.historic]
        names = [n for n, _ in named]
        former = set(e.historic)  # a renamed place's old name is its own ("красноармейском направлении": Pokrovsk)
        if e.kind in unit_kinds:
            if e.country == "RU":  # "Глушковский район" as Ukrainian news write it: Глушківський
                named += [(uk_from_ru(n), "uk") for n in e.aliases.get("ru", ())]
            for n, lang in named:
                for s in _unit_stems(rules, n):
                    table.units.setdefault(s, []).append((pos, lang))
        if e.kind in place_kinds and e.kind not in ADMIN_UNIT_KINDS and not _city_part(e, names, entries, by_id, rules):
            for n in names:
                if e.kind in SETTLEMENT_KINDS or " " not in n:
                    # a name that is not the entry's own (GeoNames lists "Сміл" among Izmail's) ranks below
                    own = n in former or likeness(n, e.canonical) >= OWN_NAME
                    for s, rank in rules.derive(n).items():
                        rank = rank if own else 1
                        got = ranks.setdefault(s, {})
                        got[pos] = min(got.get(pos, 1), rank)
    table.places = {s: tuple(p * 2 + r for p, r in sorted(got.items())) for s, got in ranks.items()}
    for k, v in table.units.items():
        table.units[k] = sorted(set(v))
    table.seconds = round(time.perf_counter() - t0, 3)
    return table


WORD_MEMO = 200_000  # words whose stem or head a rules object keeps (then it stops adding)


def _memoised(memo: dict[str, str | None], word: str, compute) -> str | None:
    """compute(word), kept in `memo` (None is an answer too) while it holds under WORD_MEMO words:
    every token of every text is asked, and most words recur."""
    got = memo.get(word, "")
    if got != "":
        return got
    got = compute(word)
    if len(memo) < WORD_MEMO:
        memo[word] = got
    return got


def rules_for(index: "Index") -> AdjectiveRules | None:
    """The rules of the gazetteer folder the index was built from (None: no rules file)."""
    got = getattr(index, "_adj_rules", False)
    if got is not False:
        return got
    folder = index.info.get("folder")
    rules = None
    if folder and (Path(folder) / RULES_FILE).exists():
        rules = AdjectiveRules.load(Path(folder) / RULES_FILE)
    object.__setattr__(index, "_adj_rules", rules)
    return rules


def table_for(index: "Index") -> AdjectiveTable | None:
    """The index's adjective table: made on first use, kept on the index, and pickled in the
    store folder (keyed by the rules' and the index's digests: overrides.yaml may add places) so
    the next process only loads it."""
    got = getattr(index, "_adj_table", None)
    if got is not None:
        return got
    rules = rules_for(index)
    if rules is None:
        return None
    table = load_or_make(index, "adjectives", f"{TABLE_VERSION}-{rules.digest}-{index.digest}",
                         lambda: build_table(index.entries, rules, index.by_id))
    object.__setattr__(index, "_adj_table", table)
    return table
