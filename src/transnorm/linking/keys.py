"""Lookup keys for Cyrillic text: each token's folded form plus the lemmas the index knows.

The lemmas come from text/morph.py; only lemmas that are words of some gazetteer key are
kept (the index vocabulary, memoised per index), which keeps the scanner's combinations few.
"""
from __future__ import annotations

import weakref
from typing import TYPE_CHECKING, Callable, Sequence

from transnorm.text.fold import Token
from transnorm.text.morph import token_keys

if TYPE_CHECKING:  # pragma: no cover
    from transnorm.gazetteer.index import Index


_vocabs: dict[int, tuple[weakref.ref, frozenset[str]]] = {}


def index_vocab(index: "Index") -> frozenset[str]:
    """Every word of every key of the index (memoised per index object)."""
    got = _vocabs.get(id(index))
    if got is not None and got[0]() is index:
        return got[1]
    vocab = frozenset(w for k in index.keys for w in k.split(" "))
    i = id(index)
    try:
        ref = weakref.ref(index, lambda _r, i=i: _vocabs.pop(i, None))
    except TypeError:  # pragma: no cover - not weak-referenceable: do not memoise
        return vocab
    _vocabs[i] = (ref, vocab)
    return vocab


def keys_fn(index: "Index", lang: str) -> Callable[[Sequence[Token]], list[tuple[str, ...]]]:
    """The `keys_fn` for match.link on a document in `lang` (ru/uk)."""
    vocab = index_vocab(index)
    stop = index.lexicon.stopwords
    return lambda toks: token_keys(toks, lang, vocab, index.max_tokens, stop)
