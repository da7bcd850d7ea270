"""A fast reader for YAML files written one flow mapping per line (overrides.yaml).

`transnorm review apply` may write hundreds of thousands of decisions, and PyYAML reads them at
about 10,000 lines a second even with libyaml (most of the time goes into building Python
objects scalar by scalar). overrides.py writes a strict subset of YAML, so this module reads
that subset directly: top-level section headers, comment lines, and items `  - {key: value, ...}`
whose values are double-quoted strings in JSON syntax, plain identifiers, integers, decimals,
and nested flow mappings and sequences of the same.

Every construct it accepts reads exactly as YAML reads it (tests compare both on random text);
anything else (a comment after an item, a YAML-only escape, a special word such as `null` or
`yes` written plain, a duplicate key) makes `read_flow_lines` return None, and the caller parses
the file with the YAML loader instead. Same output shape as yamlio.load_yaml: mappings carry
their `__line__`.
"""
from __future__ import annotations

import json
import re
from typing import Any

_HEADER = re.compile(r"([A-Za-z_][A-Za-z0-9_]*):(?:[ \t]+(\[\]))?(?:[ \t]+#.*)?")
_ITEM = re.compile(r"  - (\{.*\})[ \t]*")
_TOKEN = re.compile(r"""
    (?P<ws>[ \t]+)
  | (?P<str>"(?:[^"\\\x00-\x1f\x7f-\x9f\u2028\u2029\ufffe\uffff\ud800-\udfff]|\\.)*")
  | (?P<float>-?(?:0|[1-9][0-9]*)\.[0-9]+(?![\w.]))
  | (?P<int>-?(?:0|[1-9][0-9]*)(?![\w.]))
  | (?P<plain>[A-Za-z][A-Za-z0-9_-]*(?![\w.]|:\S))
  | (?P<punct>[{}\[\],:])
""", re.VERBOSE)
# The common line, a flat mapping of strings ({surface: "Kiev", lang: en, gazetteer_id: ua-city-kyiv}),
# read by one regex per pair rather than token by token: the shape 350,000 decisions have.
_STRING = r'"(?:[^"\\\x00-\x1f\x7f-\x9f\u2028\u2029\ufffe\uffff\ud800-\udfff]|\\.)*"'
_PAIR = re.compile(rf"([A-Za-z_][A-Za-z0-9_]*): ({_STRING}|[A-Za-z][A-Za-z0-9_-]*)(, |\}})")
# Plain words YAML (1.1 or 1.2) reads as something other than the string itself.
SPECIAL_WORDS = frozenset({"y", "n", "yes", "no", "on", "off", "true", "false", "null"})


class _NotFlow(Exception):
    """The line is outside the subset: the file goes to the YAML loader."""


def _tokens(text: str) -> list[tuple[str, str]]:
    out, pos = [], 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m:
            raise _NotFlow
        if m.lastgroup != "ws":
            out.append((m.lastgroup, m.group()))
        pos = m.end()
    return out


def _value(toks: list[tuple[str, str]], i: int, line: int) -> tuple[Any, int]:
    kind, tok = toks[i] if i < len(toks) else ("end", "")
    if kind == "str":
        try:
            return json.loads(tok), i + 1
        except ValueError:  # a YAML-only escape (\x41, \e, \N...): let YAML read it
            raise _NotFlow from None
    if kind == "plain":
        if tok.lower() in SPECIAL_WORDS:
            raise _NotFlow
        return tok, i + 1
    if kind == "int":
        return int(tok), i + 1
    if kind == "float":
        return float(tok), i + 1
    if tok == "{":
        out: dict[str, Any] = {}
        i += 1
        while True:
            if toks[i][1] == "}" and not out:
                return {**out, "__line__": line}, i + 1
            key, i = _value(toks, i, line)
            if not isinstance(key, str) or toks[i][1] != ":" or key in out or key == "__line__":
                raise _NotFlow
            out[key], i = _value(toks, i + 1, line)
            if toks[i][1] == "}":
                return {**out, "__line__": line}, i + 1
            if toks[i][1] != ",":
                raise _NotFlow
            i += 1
    if tok == "[":
        seq: list[Any] = []
        i += 1
        while True:
            if toks[i][1] == "]" and not seq:
                return seq, i + 1
            v, i = _value(toks, i, line)
            seq.append(v)
            if toks[i][1] == "]":
                return seq, i + 1
            if toks[i][1] != ",":
                raise _NotFlow
            i += 1
    raise _NotFlow


def _flat(text: str, line: int) -> dict[str, Any] | None:
    """A flat mapping of strings, or None (then the general parser decides)."""
    out: dict[str, Any] = {}
    pos = 1
    while True:
        m = _PAIR.match(text, pos)
        if not m or m.group(1) in out or m.group(1) == "__line__":
            return None
        v = m.group(2)
        if v[0] == '"':
            try:
                out[m.group(1)] = json.loads(v) if "\\" in v else v[1:-1]
            except ValueError:  # a YAML-only escape: YAML reads the file
                raise _NotFlow from None
        elif v.lower() in SPECIAL_WORDS:
            return None
        else:
            out[m.group(1)] = v
        pos = m.end()
        if m.group(3) == "}":
            return {**out, "__line__": line} if pos == len(text) else None


def _item(text: str, line: int) -> dict[str, Any]:
    flat = _flat(text, line)
    if flat is not None:
        return flat
    toks = _tokens(text) + [("end", "")]
    try:
        value, i = _value(toks, 0, line)
    except IndexError:
        raise _NotFlow from None
    if i != len(toks) - 1:
        raise _NotFlow
    return value


def read_flow_lines(text: str) -> dict[str, Any] | None:
    """The file's data when every line is in the subset, else None (read it as YAML)."""
    data: dict[str, Any] = {}
    section: list | None = None
    for n, raw in enumerate(text.split("\n"), start=1):
        line = raw.rstrip("\r")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if line.startswith("  - "):
            if section is None:
                return None
            m = _ITEM.fullmatch(line)
            if not m:
                return None
            try:
                section.append(_item(m.group(1), n))
            except _NotFlow:
                return None
            continue
        m = _HEADER.fullmatch(line)
        if not m or m.group(1) in data or m.group(1) == "__line__":
            return None
        data[m.group(1)] = section = []
        if m.group(2):
            section = None  # `key: []`: no items may follow
    return data or None
