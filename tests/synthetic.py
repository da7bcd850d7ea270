"""Synthetic news-like corpora for tests and benchmarks: many distinct documents with names to link.

One generator shared by tests (ledger, scale) and benchmarks (flow, e2e), so both measure and
check the same kind of text. Deterministic for a seed.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

PLACES = ["Kharkov", "Kyiv", "Zaporozhye", "Donetchina", "Odessa", "the Kherson region", "Mariupol", "Lvov",
          "Dnipro", "Istanbul", "Bakhmut", "Kramatorsk", "Sumy", "Poltava", "Chernigov", "Belgorod"]
PEOPLE = ["Vladimir Zelensky", "Zelensky", "Sergei Shoigu", "Recep Tayyip Erdogan", "Dmytro Kuleba",
          "Vitali Klitschko", "Denys Shmyhal", "Sergey Lavrov"]
EVENTS = ["shelling", "an air raid alert", "a drone attack", "power cuts", "an evacuation", "repairs to a bridge"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

CITIES_RU = ["Харькове", "Киеве", "Одессе", "Днепре", "Запорожье", "Херсоне", "Николаеве", "Львове"]
CITIES_UK = ["Харкові", "Києві", "Одесі", "Дніпрі", "Запоріжжі", "Херсоні", "Миколаєві", "Львові"]
SUBJ_RU = ["Власти", "Глава администрации", "Министр", "Жители", "Спасатели"]
SUBJ_UK = ["Влада", "Голова адміністрації", "Міністр", "Мешканці", "Рятувальники"]
VERB_RU = ["сообщили о", "подтвердили", "опровергли"]
VERB_UK = ["повідомили про", "підтвердили", "спростували"]
OBJ_RU = ["обстреле", "атаке", "пожаре", "эвакуации"]
OBJ_UK = ["обстріл", "атаку", "пожежу", "евакуацію"]


def english_docs(n: int, seed: int = 1, prefix: str = "en") -> list[dict]:
    """News-like English documents with names to link and rewrite; every one distinct."""
    rng = random.Random(seed)
    docs = []
    for i in range(n):
        sents = []
        for _ in range(rng.randint(3, 5)):
            sents.append(f"{rng.choice(PEOPLE)} said on {rng.choice(DAYS)} that {rng.choice(EVENTS)} near "
                         f"{rng.choice(PLACES)} continued, and officials in {rng.choice(PLACES)} reported "
                         f"{rng.randint(2, 900)} people affected.")
        docs.append({"id": f"{prefix}-{i:06d}", "text": " ".join(sents)})
    return docs


def cyrillic_docs(n: int, seed: int = 2) -> list[dict]:
    """Half Russian, half Ukrainian news-like documents (ids ru-NNNNNN / uk-NNNNNN)."""
    rng = random.Random(seed)
    docs = []
    for i in range(n):
        uk = i % 2 == 1
        cities, subj, verb, obj = ((CITIES_UK, SUBJ_UK, VERB_UK, OBJ_UK) if uk else
                                   (CITIES_RU, SUBJ_RU, VERB_RU, OBJ_RU))
        sents = [f"{rng.choice(subj)} {rng.choice(verb)} {rng.choice(obj)} в {rng.choice(cities)}, "
                 f"повідомлення {i}-{k}." if uk else
                 f"{rng.choice(subj)} {rng.choice(verb)} {rng.choice(obj)} в {rng.choice(cities)}, "
                 f"сообщение {i}-{k}." for k in range(rng.randint(2, 4))]
        docs.append({"id": f"{'uk' if uk else 'ru'}-{i:06d}", "text": " ".join(sents), "lang": "uk" if uk else "ru"})
    return docs


def write_jsonl(path: Path, docs: list[dict]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        for d in docs:
            fh.write(json.dumps(d, ensure_ascii=False) + "\n")
    return path
