"""Lookup keys for Cyrillic text: each token's folded form plus the lemmas the index knows.

The lemmas come from text/morph.py; only lemmas that are words of some gazetteer key are
kept (the index vocabulary, Index.words), which keeps the scanner's combinations few.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Collection, Sequence

from transnorm.text.fold import Token
from transnorm.text.morph import token_keys

if TYPE_CHECKING:  # pragma: no cover
    from transnorm.gazetteer.index import Index


def index_vocab(index: "Index") -> Collection[str]:
    """Every word of every key of the index (the store keeps it ready; Index.words)."""
    return index.words()


def keys_fn(index: "Index", lang: str) -> Callable[[Sequence[Token]], list[tuple[str, ...]]]:
    """The `keys_fn` for match.link on a document in `lang` (ru/uk)."""
    vocab = index_vocab(index)
    stop = index.lexicon.stopwords
    return lambda toks: token_keys(toks, lang, vocab, index.max_tokens, stop)
