"""What a run knows of its inputs before it reads them: about how many documents they hold (the
progress bar; `auto` choosing its runner) and the first document's text (warm-ups)."""
from __future__ import annotations

from pathlib import Path

_ESTIMATES: dict[tuple[str, ...], int] = {}  # estimate() of the last inputs counted ahead of their run


def estimate(inputs: list[str]) -> int:
    """estimate_documents(inputs), counted once for the CLI's steps before a run and the run itself."""
    key = tuple(inputs)
    if key not in _ESTIMATES:
        _ESTIMATES.clear()
        _ESTIMATES[key] = estimate_documents(inputs)
    return _ESTIMATES[key]


def take_estimate(inputs: list[str]) -> int | None:
    """The count estimate() made of these inputs, taken: a later run over the same, grown path counts again."""
    return _ESTIMATES.pop(tuple(inputs), None)


def estimate_documents(inputs: list[str]) -> int:
    """About how many documents `inputs` hold, for a progress bar: one per text file, one per
    line of JSONL, one per line after the header of CSV (quoted newlines overcount). Reads the
    bytes once (they are read again soon, from the OS cache)."""
    from transnorm.ingest import TEXT_SUFFIXES, walk

    total = 0
    for raw in inputs:
        root = Path(raw)
        for path in walk(root) if root.is_dir() else [root]:
            if not isinstance(path, Path):  # an entry that is an error row
                total += 1
                continue
            suffix = path.suffix.lower()
            if suffix in (".jsonl", ".csv"):
                try:
                    with path.open("rb") as fh:
                        lines = sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b""))
                except OSError:
                    lines = 1
                total += max(lines - (suffix == ".csv"), 1)
            else:
                total += suffix in TEXT_SUFFIXES or not path.exists()
    return total


def first_text(inputs: list[str], ingest_cfg) -> str | None:
    """The text of the first readable document of `inputs` (what the language detector meets first)."""
    from transnorm.ingest import iter_inputs
    from transnorm.records import Document

    for item in iter_inputs(inputs, ingest_cfg):
        if isinstance(item, Document):
            return item.text[:2000]
    return None
