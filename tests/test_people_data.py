"""Data checks for the curated people gazetteer (gazetteers/people*.yaml, checked together).

These tests check the data itself, not the loader: every person has Russian and Ukrainian
press forms in Cyrillic, a Latin canonical spelling, a short form that is the canonical
surname, no full name that points at two people, and, for Ukrainian people, a canonical
spelling close to the official KMU 2010 romanisation of the Ukrainian name unless a listed
reason says why the person's own spelling differs.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from pathlib import Path

import pytest

from transnorm.gazetteer.check import check_entries
from transnorm.gazetteer.entries import Entry, load_entries

PEOPLE = sorted((Path(__file__).resolve().parents[1] / "gazetteers").glob("people*.yaml"))

MIN_ENTRIES = 1500
KMU_MIN_RATIO = 80

# Ukrainian people whose established English spelling is far from the KMU 2010 romanisation
# of their Ukrainian name (rapidfuzz ratio < KMU_MIN_RATIO), with the reason.
KMU_EXCEPTIONS = {
    "person-wladimir-klitschko": "uses the German-style spelling from his boxing career "
    "(KMU: Volodymyr Klychko)",
    "person-jozef-szabo": "a Hungarian name from Transcarpathia, written in its Hungarian form "
    "(KMU of the Ukrainian Йожеф Сабо: Yozhef Sabo)",
    "person-jamala": "a stage name, spelt Jamala by the singer (KMU: Dzhamala)",
    "person-max-barskih": "a stage name, spelt Max Barskih by the singer (KMU: Maks Barskykh)",
    "person-jerry-heil": "a stage name in English (KMU of Джеррі Хейл: Dzherri Kheil)",
    "person-mykola-hohol": "known in English by the Russian form of his name, Nikolai Gogol (KMU: Mykola Hohol)",
    "person-yaroslav-the-wise": "a historical ruler known in English by his epithet translated (KMU: Yaroslav Mudryi)",
}

# Entries whose `short` is not the last word of the canonical, with the reason.
SHORT_EXCEPTIONS = {
    "person-ursula-von-der-leyen": "the surname is the three-word 'von der Leyen'",
    "person-xi-jinping": "Chinese name order: the family name Xi comes first",
}

# Different people who really share a full name in some language (context decides between them).
NAMESAKES = {
    frozenset({"person-andrei-kostin", "person-andriy-kostin"}): "VTB's chief executive and Ukraine's "
    "Prosecutor General: Андрей Костин / Андрій Костін in both languages",
    frozenset({"person-alexander-litvinenko", "person-oleksandr-lytvynenko"}): "the FSB defector and the "
    "secretary of Ukraine's NSDC: Александр Литвиненко in Russian",
}

CYRILLIC_LANGS = {"ru", "uk", "be"}
LATIN_LANGS = {"en", "tr"}
# Letters that exist in only one of the two languages: a Russian form written with
# Ukrainian letters (or the reverse) is a copy/paste slip.
UKRAINIAN_ONLY = set("іїєґІЇЄҐ")
RUSSIAN_ONLY = set("ыэъёЫЭЪЁ")
NAME_PUNCT = set(" -'’.")


def _script(ch: str) -> str:
    name = unicodedata.name(ch, "")
    return name.split()[0]


def _is_script(text: str, script: str) -> bool:
    """All letters of `text` belong to `script` (LATIN or CYRILLIC); name punctuation allowed."""
    letters = [c for c in text if c not in NAME_PUNCT]
    return bool(letters) and all(c.isalpha() and _script(c) == script for c in letters)


def _fold(name: str) -> str:
    return " ".join(name.replace("’", "'").casefold().split())


@pytest.fixture(scope="module")
def entries() -> list[Entry]:
    return [e for p in PEOPLE for e in load_entries(p)]


def test_enough_entries_and_unique_ids(entries):
    assert len(entries) >= MIN_ENTRIES, f"only {len(entries)} people"
    assert check_entries(entries) == []


def test_entry_shape(entries):
    bad = []
    for e in entries:
        if e.type != "person" or e.kind != "person":
            bad.append(f"{e.id}: type/kind must be person")
        if not re.fullmatch(r"person-[a-z0-9]+(-[a-z0-9]+)*", e.id):
            bad.append(f"{e.id}: id must be person-<lowercase-slug>")
        if not (e.country and re.fullmatch(r"[A-Z]{2}", e.country)):
            bad.append(f"{e.id}: country {e.country!r} is not ISO alpha-2")
        if not e.role:
            bad.append(f"{e.id}: missing role")
    assert not bad, "\n".join(bad)


def test_canonical_is_latin(entries):
    bad = [f"{e.id}: {e.canonical!r}" for e in entries if not _is_script(e.canonical, "LATIN")]
    assert not bad, "canonical not in Latin script:\n" + "\n".join(bad)


def test_every_person_has_ru_and_uk_cyrillic_names(entries):
    bad = []
    for e in entries:
        for lang in ("ru", "uk"):
            if not e.aliases.get(lang):
                bad.append(f"{e.id}: no {lang} alias")
    assert not bad, "\n".join(bad)


def test_alias_scripts(entries):
    bad = []
    for e in entries:
        for field, by_lang in (("aliases", e.aliases), ("short_aliases", e.short_aliases)):
            for lang, names in by_lang.items():
                script = "CYRILLIC" if lang in CYRILLIC_LANGS else "LATIN" if lang in LATIN_LANGS else None
                if script is None:
                    bad.append(f"{e.id}: unexpected language {lang!r} in {field}")
                    continue
                for n in names:
                    if not _is_script(n, script):
                        bad.append(f"{e.id}: {field}.{lang} {n!r} is not {script.lower()}")
                    if lang == "ru" and UKRAINIAN_ONLY & set(n):
                        bad.append(f"{e.id}: {field}.ru {n!r} has Ukrainian-only letters")
                    if lang == "uk" and RUSSIAN_ONLY & set(n):
                        bad.append(f"{e.id}: {field}.uk {n!r} has Russian-only letters")
    assert not bad, "\n".join(bad)


def test_cyrillic_short_aliases_come_from_full_names(entries):
    """A ru/uk/be surname form should be the surname of one of that language's full names."""
    bad = []
    for e in entries:
        for lang, names in e.short_aliases.items():
            if lang not in CYRILLIC_LANGS:
                continue
            full = [_fold(n) for n in e.aliases.get(lang, [])]
            for n in names:
                if not any(f.endswith(" " + _fold(n)) for f in full):
                    bad.append(f"{e.id}: short_aliases.{lang} {n!r} ends none of {e.aliases.get(lang)}")
    assert not bad, "\n".join(bad)


def test_short_is_canonical_surname(entries):
    bad = []
    for e in entries:
        if e.short is None:
            # No surname-only matching at all, and the file says why.
            if not (e.note and "short form omitted" in e.note):
                bad.append(f"{e.id}: no short and no note saying why")
            if e.short_aliases:
                bad.append(f"{e.id}: no short but has short aliases {e.short_aliases}")
            continue
        last = e.canonical.split()[-1]
        if e.short == last:
            assert e.id not in SHORT_EXCEPTIONS, f"{e.id}: stale SHORT_EXCEPTIONS entry"
        elif e.id not in SHORT_EXCEPTIONS:
            bad.append(f"{e.id}: short {e.short!r} is not the last word of {e.canonical!r}")
        elif not e.canonical.endswith(e.short) and not e.canonical.startswith(e.short + " "):
            bad.append(f"{e.id}: short {e.short!r} is not part of {e.canonical!r}")
    assert not bad, "\n".join(bad)
    known = {e.id for e in entries}
    assert set(SHORT_EXCEPTIONS) <= known, set(SHORT_EXCEPTIONS) - known


def test_no_full_name_shared_by_two_people(entries):
    owners: dict[str, set[str]] = defaultdict(set)
    for e in entries:
        full = [e.canonical] + [n for names in e.aliases.values() for n in names]
        for n in full:
            owners[_fold(n)].add(e.id)
    collisions = {n: sorted(ids) for n, ids in owners.items() if len(ids) > 1 and frozenset(ids) not in NAMESAKES}
    for n, ids in sorted(collisions.items()):
        print(f"collision: {n!r} -> {', '.join(ids)}")
    assert not collisions, f"{len(collisions)} full names shared by two people: {collisions}"


def test_no_alias_repeats_within_entry(entries):
    bad = []
    for e in entries:
        for lang, names in e.aliases.items():
            folded = [_fold(n) for n in names]
            if len(set(folded)) != len(folded):
                bad.append(f"{e.id}: repeated alias in {lang}: {names}")
            if lang == "en" and _fold(e.canonical) in folded:
                bad.append(f"{e.id}: canonical repeated among en aliases")
    assert not bad, "\n".join(bad)


def test_ukrainian_canonical_close_to_kmu_romanisation(entries):
    translit = pytest.importorskip("translitua").translit
    fuzz = pytest.importorskip("rapidfuzz.fuzz")
    far, stale = [], []
    for e in entries:
        if e.country != "UA":
            continue
        kmu = translit(e.aliases["uk"][0])  # first uk alias: "Given Surname", no patronymic
        score = fuzz.ratio(e.canonical, kmu)
        if score < KMU_MIN_RATIO and e.id not in KMU_EXCEPTIONS:
            far.append(f"{e.id}: {e.canonical!r} vs KMU {kmu!r} ({score:.0f})")
        if score >= KMU_MIN_RATIO and e.id in KMU_EXCEPTIONS:
            stale.append(e.id)
    assert not far, "canonical far from KMU 2010 with no listed reason:\n" + "\n".join(far)
    assert not stale, f"KMU_EXCEPTIONS entries that no longer need an exception: {stale}"
    ua = {e.id for e in entries if e.country == "UA"}
    assert set(KMU_EXCEPTIONS) <= ua, set(KMU_EXCEPTIONS) - ua


def test_reference_spellings(entries):
    """Spot checks of the canonical forms the project relies on."""
    by_id = {e.id: e for e in entries}
    expected = {
        "person-volodymyr-zelenskyy": ("Volodymyr Zelenskyy", "Zelenskyy", "UA"),
        "person-vladimir-putin": ("Vladimir Putin", "Putin", "RU"),
        "person-sergei-lavrov": ("Sergei Lavrov", "Lavrov", "RU"),
        "person-dmitry-peskov": ("Dmitry Peskov", "Peskov", "RU"),
        "person-valerii-zaluzhnyi": ("Valerii Zaluzhnyi", "Zaluzhnyi", "UA"),
        "person-oleksandr-syrskyi": ("Oleksandr Syrskyi", "Syrskyi", "UA"),
        "person-kyrylo-budanov": ("Kyrylo Budanov", "Budanov", "UA"),
        "person-recep-tayyip-erdogan": ("Recep Tayyip Erdoğan", "Erdoğan", "TR"),
        "person-hakan-fidan": ("Hakan Fidan", "Fidan", "TR"),
        "person-alexander-lukashenko": ("Alexander Lukashenko", "Lukashenko", "BY"),
    }
    for pid, (canonical, short, country) in expected.items():
        e = by_id[pid]
        assert (e.canonical, e.short, e.country) == (canonical, short, country)
    # Everyday variants the pipeline must recognise.
    zel = by_id["person-volodymyr-zelenskyy"]
    assert {"Vladimir Zelensky", "Volodymyr Zelensky"} <= set(zel.aliases["en"])
    assert "Zelensky" in zel.short_aliases["en"]
    assert "Aleksandr Syrsky" in by_id["person-oleksandr-syrskyi"].aliases["en"]
    assert "Valery Zaluzhny" in by_id["person-valerii-zaluzhnyi"].aliases["en"]
    assert "Erdogan" in by_id["person-recep-tayyip-erdogan"].short_aliases["en"]
    assert "Chavushoglu" in by_id["person-mevlut-cavusoglu"].short_aliases["en"]
    assert "Эрдоган" in by_id["person-recep-tayyip-erdogan"].short_aliases["ru"]
    assert "Ердоган" in by_id["person-recep-tayyip-erdogan"].short_aliases["uk"]
