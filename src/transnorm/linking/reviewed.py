"""What earlier review decisions change in matching, beyond accepted and rejected links.

overrides.yaml's `split` rules cut a capitalised run at the boundaries a reviewer chose, before
any pass sees it ("Берёзовка Иван Сидоренко" is a village and a person, never one name); its
`ignore` list drops names a reviewer marked "not a name", so they are never linked nor queued
again; and a generated proposal (method "generated", id gen:...) a reviewer rejected for this
written form becomes an unresolved name again. The index carries the decisions as folded keys
(compile.py); match.link calls these two hooks.
"""
from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from transnorm.records import Entity
from transnorm.text.fold import Token, fold_name

if TYPE_CHECKING:  # pragma: no cover
    from transnorm.gazetteer.index import Index


def split_runs(tokens: list[Token], index: "Index") -> list[Token]:
    """Tokens with `joined` cleared where a split rule cuts a run, so no pass joins across the cut."""
    if not index.splits:
        return tokens
    rules = _rules(index)
    out = tokens
    for i, t in enumerate(tokens):
        for words, sizes in rules.get(t.key, ()):
            end = i + len(words)
            if end <= len(tokens) and all(tokens[k].joined for k in range(i + 1, end)) \
                    and all(tokens[i + k].key == w for k, w in enumerate(words)):
                if out is tokens:
                    out = list(tokens)
                k = i
                for size in sizes[:-1]:
                    k += size
                    out[k] = replace(out[k], joined=False)
                break
    return out


_RULES: dict[int, tuple[dict, dict[str, list[tuple[list[str], tuple[int, ...]]]]]] = {}


def _rules(index: "Index") -> dict[str, list[tuple[list[str], tuple[int, ...]]]]:
    """Split rules by first folded word, longest first (memoised per splits table)."""
    got = _RULES.get(id(index))
    if got is not None and got[0] is index.splits:
        return got[1]
    rules: dict[str, list[tuple[list[str], tuple[int, ...]]]] = {}
    for key, sizes in index.splits.items():
        words = key.split(" ")
        if sum(sizes) == len(words):
            rules.setdefault(words[0], []).append((words, sizes))
    for v in rules.values():
        v.sort(key=lambda r: -len(r[0]))
    _RULES.clear()  # one index at a time in practice; never grows
    _RULES[id(index)] = (index.splits, rules)
    return rules


def drop_decided(entities: list[Entity], index: "Index") -> list[Entity]:
    """Entities minus the names marked "not a name"; rejected generated proposals unresolved again."""
    if not index.ignored and not index.rejected:
        return entities
    out = []
    for e in entities:
        if not index.ignored and e.method != "generated":
            out.append(e)
            continue
        key = fold_name(e.surface)
        if key in index.ignored:
            continue
        if e.method == "generated" and (key, e.gazetteer_id) in index.rejected:
            e = replace(e, gazetteer_id=None, method="unknown", status="unresolved", score=0.0, kind=None,
                        candidates=[c for c in e.candidates if c.gazetteer_id != e.gazetteer_id])
        out.append(e)
    return out
