"""Case tables of the tests, kept as data (tests/data/cases/*.yaml), not as long Python literals.

`table("quality", "rivers", "text,lang,surface,gid")` returns the rows of one table as tuples in
the order of those fields, ready for `pytest.mark.parametrize`; a row's `note` says why the case
is there and is not passed to the test.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

CASES = Path(__file__).parent / "data" / "cases"


@lru_cache(maxsize=None)
def _file(name: str) -> dict:
    return yaml.safe_load((CASES / f"{name}.yaml").read_text(encoding="utf-8"))


def table(file: str, name: str, fields: str) -> list[tuple]:
    keys = [f.strip() for f in fields.split(",")]
    rows = _file(file)[name]
    if len(keys) == 1:  # parametrize with one name takes the values themselves
        return [r[keys[0]] for r in rows]
    return [tuple(r[k] for k in keys) for r in rows]
