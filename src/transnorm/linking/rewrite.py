"""Clean English text: every `auto` mention rewritten to its canonical form.

Works on any English text with entities whose offsets point into it (an English input
document, or a machine translation whose names were aligned). Returns the new text and
the entities with offsets into it; `review`/`unresolved` mentions are kept as written.
With the lexicon, the words around a rewritten name are fixed too (english.py: articles,
region lists, capitals, line breaks, qualifiers); without it, only the names change.
"""

from __future__ import annotations

from dataclasses import replace

from transnorm.gazetteer.lexicon import Lexicon
from transnorm.linking.english import Edit, plan
from transnorm.records import Entity


def rewrite(text: str, entities: list[Entity], lexicon: Lexicon | None = None) -> tuple[str, list[Entity]]:
    """Apply the edits left to right, tracking how far each later offset moved."""
    ents = sorted(entities, key=lambda e: e.start)
    kept: list[Entity] = []
    for e in ents:  # overlapping mentions never reach here; be safe anyway
        if not kept or e.start >= kept[-1].end:
            kept.append(e)
    if lexicon is None:
        edits = [Edit(e.start, e.end, e.rewrite if (e.status == "auto" and e.rewrite) else e.surface, k)
                 for k, e in enumerate(kept)]
    else:
        edits = plan(text, kept, lexicon)
    parts: list[str] = []
    out: list[Entity] = []
    pos = 0  # next unread offset in text
    shift = 0  # len(new text so far) - pos
    for d in edits:
        if d.start < pos:
            continue
        parts.append(text[pos:d.start])
        parts.append(d.new)
        if d.entity is not None:
            start = d.start + shift
            out.append(replace(kept[d.entity], start=start, end=start + len(d.new), surface=d.new))
        shift += len(d.new) - (d.end - d.start)
        pos = d.end
    parts.append(text[pos:])
    return "".join(parts), out
