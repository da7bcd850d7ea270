"""Clean English text: every `auto` mention rewritten to its canonical form.

Works on any English text with entities whose offsets point into it (an English input
document, or a machine translation whose names were aligned). Returns the new text and
the entities with offsets into it; `review`/`unresolved` mentions are kept as written.
"""

from __future__ import annotations

from dataclasses import replace

from transnorm.records import Entity


def rewrite(text: str, entities: list[Entity]) -> tuple[str, list[Entity]]:
    """Apply the rewrites left to right, tracking how far each later offset moved."""
    parts: list[str] = []
    out: list[Entity] = []
    pos = 0  # next unread offset in text
    shift = 0  # len(new text so far) - pos
    for e in sorted(entities, key=lambda e: e.start):
        if e.start < pos:  # overlapping mentions never reach here; be safe anyway
            continue
        parts.append(text[pos:e.start])
        new = e.rewrite if (e.status == "auto" and e.rewrite) else e.surface
        start = e.start + shift
        parts.append(new)
        out.append(replace(e, start=start, end=start + len(new), surface=new))
        shift += len(new) - (e.end - e.start)
        pos = e.end
    parts.append(text[pos:])
    return "".join(parts), out
