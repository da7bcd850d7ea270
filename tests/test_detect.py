"""Language detection: en/ru/uk apart even when short, other languages reported as other."""

import pytest

from transnorm.detect import DetectConfig, detect_batch, detect_language
from transnorm.records import Document

CFG = DetectConfig()


@pytest.mark.parametrize("text,lang", [
    ("Президент України Володимир Зеленський подякував партнерам.", "uk"),
    ("Президент России Владимир Путин провел совещание.", "ru"),
    ("Ночью враг атаковал Харьков.", "ru"),
    ("Вночі ворог атакував Харків.", "uk"),
    ("The president thanked the partners on Friday.", "en"),
    ("Odessa port", "en"),
    ("Der Präsident dankte am Freitag den Partnern für ihre Unterstützung.", "other"),
    ("Prezydent podziękował partnerom za wsparcie w piątek wieczorem.", "other"),
    ("12:45 — 2025", "other"),
])
def test_detects_configured_languages_and_other(text, lang):
    assert detect_language(text, CFG) == lang


def test_given_lang_wins_only_when_configured():
    docs = [Document("a", "Kyiv", "a", lang="uk"), Document("b", "The president spoke today in the capital.", "b", lang="xx")]
    assert detect_batch(docs, CFG) == ["uk", "en"]
