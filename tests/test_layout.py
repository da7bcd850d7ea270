"""The house plan stays true: no import cycles, no private names across modules, every
module listed in the README's Layout section, no module far past the size a newcomer reads.

Imports are read with `ast`, including those inside functions: a cycle through a lazy
import is still two rooms that know each other.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PKG = ROOT / "src" / "transnorm"
MAX_LINES = 520  # "~500"; a module past it must be listed here with the reason
LONG_MODULES: dict[str, str] = {}


def _modules() -> dict[str, Path]:
    out = {}
    for p in sorted(PKG.rglob("*.py")):
        parts = list(p.relative_to(PKG.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = p
    return out


def _resolve(module: str, is_pkg: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".")
    base = base if is_pkg else base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _imports(modules: dict[str, Path]) -> dict[str, set[tuple[str, str | None]]]:
    """module -> {(imported module, imported name or None)} for transnorm modules only."""
    graph: dict[str, set[tuple[str, str | None]]] = {}
    for mod, path in modules.items():
        edges: set[tuple[str, str | None]] = set()
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for a in node.names:
                    if a.name.startswith("transnorm"):
                        edges.add((a.name, None))
            elif isinstance(node, ast.ImportFrom):
                target = _resolve(mod, path.name == "__init__.py", node)
                if not target.startswith("transnorm"):
                    continue
                for a in node.names:
                    sub = f"{target}.{a.name}"
                    edges.add((sub, None) if sub in modules else (target, a.name))
        graph[mod] = edges
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan), or a self-import."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1 or v in graph.get(v, ()):
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_the_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycles_between_transnorm_modules():
    modules = _modules()
    graph = {m: {t for t, _ in edges if t in modules} for m, edges in _imports(modules).items()}
    assert _cycles(graph) == []


def test_no_private_names_imported_across_modules():
    modules = _modules()
    bad = [f"{m} imports {name} from {t}" for m, edges in _imports(modules).items()
           for t, name in edges if name and name.startswith("_") and not name.startswith("__") and t != m]
    assert bad == []


def test_subpackage_inits_import_nothing():
    """A subpackage's __init__ that re-exports ties every submodule to every user of one."""
    bad = []
    for p in PKG.rglob("__init__.py"):
        if p.parent == PKG:
            continue
        tree = ast.parse(p.read_text(encoding="utf-8"))
        if any(isinstance(n, (ast.Import, ast.ImportFrom)) for n in tree.body):
            bad.append(str(p.relative_to(ROOT)))
    assert bad == []


def test_no_module_far_past_500_lines():
    long = {str(p.relative_to(PKG)): n for p in PKG.rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert {k: v for k, v in long.items() if k not in LONG_MODULES} == {}


def _layout_tree(readme: str) -> set[str]:
    """Paths listed in the README's Layout tree (two spaces of indent per folder level)."""
    section = re.search(r"^## Layout\n(.*?)(?=^## )", readme, re.S | re.M)
    assert section, "README has no '## Layout' section"
    block = re.search(r"```\n(.*?)```", section.group(1), re.S)
    assert block, "the Layout section has no tree"
    paths: set[str] = set()
    stack: list[tuple[int, str]] = []
    for line in block.group(1).splitlines():
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip(" "))
        name = line.split()[0].rstrip(",")
        while stack and stack[-1][0] >= indent:
            stack.pop()
        path = "".join(d for _, d in stack) + name
        if name.endswith("/"):
            stack.append((indent, name))
        else:
            paths.add(path)
    return paths


def test_the_layout_parser_reads_nested_folders():
    readme = "## Layout\n```\nsrc/a/\n  b.py   x\n  c/\n    d.py  y\n  e.py\ntop.py\n```\n## Next\n"
    assert _layout_tree(readme) == {"src/a/b.py", "src/a/c/d.py", "src/a/e.py", "top.py"}


def test_readme_layout_lists_every_module():
    listed = _layout_tree((ROOT / "README.md").read_text(encoding="utf-8"))
    modules = {p.relative_to(ROOT).as_posix() for p in PKG.rglob("*.py")
               if p.name != "__init__.py" or p.parent == PKG}
    assert sorted(modules - listed) == [], "modules missing from the README's Layout section"
    assert sorted(p for p in listed - modules if p.startswith("src/")) == [], "README lists modules that do not exist"


def test_tests_never_import_benchmarks():
    bad = []
    for p in (ROOT / "tests").rglob("*.py"):
        if p.name == Path(__file__).name:
            continue
        tree = ast.parse(p.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            bad += [f"{p.name}: {n}" for n in names if n.split(".")[0] == "benchmarks"]
        if "sys.path" in p.read_text(encoding="utf-8") and "benchmarks" in p.read_text(encoding="utf-8"):
            bad.append(f"{p.name}: puts benchmarks/ on sys.path")
    assert bad == []
