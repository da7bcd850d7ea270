"""Language detection: en/ru/uk apart even when short, other languages reported as other."""

import pytest
from casedata import table

from transnorm.config import DetectConfig
from transnorm.detect import detect_batch, detect_language
from transnorm.records import Document

CFG = DetectConfig()


@pytest.mark.parametrize("text,lang", table("detect", "detects_configured_languages_and_other", "text,lang"))
def test_detects_configured_languages_and_other(text, lang):
    assert detect_language(text, CFG) == lang


def test_given_lang_wins_only_when_configured():
    docs = [
        Document("a", "Kyiv", "a", lang="uk"),
        Document("b", "The president spoke today in the capital.", "b", lang="xx"),
    ]
    assert detect_batch(docs, CFG) == ["uk", "en"]
