"""No import cycles between the project's modules, and Paddle imported in one place.

Every import counts, also those inside functions and under ``TYPE_CHECKING``: a cycle that
"works" only because one side imports late is still two modules that cannot be read,
tested or moved apart. ``from pkg import sub`` depends on the submodule ``sub``;
``from pkg import name`` on ``pkg`` itself.
"""

import ast
from pathlib import Path
from typing import Dict, List, Set

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("inspectors", "app")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph() -> Dict[str, Set[str]]:
    files = {module_name(p): p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py")}
    graph: Dict[str, Set[str]] = {m: set() for m in files}
    for mod, path in files.items():
        package = mod if path.name == "__init__.py" else mod.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: List[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")[: len(package.split(".")) - node.level + 1]
                    source = ".".join(base + ([node.module] if node.module else []))
                else:
                    source = node.module or ""
                subs = [f"{source}.{a.name}" for a in node.names]
                targets = [s for s in subs if s in files]
                if len(targets) < len(subs):  # some names come from the module itself
                    targets.append(source)
            for t in targets:
                while t and t not in files:  # "a.b.c" where only "a.b" is ours
                    t = t.rpartition(".")[0]
                if t and t != mod:
                    graph[mod].add(t)
    return graph


def cycles(graph: Dict[str, Set[str]]) -> List[List[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: Dict[str, int] = {}
    low: Dict[str, int] = {}
    stack: List[str] = []
    on_stack: Set[str] = set()
    found: List[List[str]] = []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            v, children = work[-1]
            advanced = False
            for w in children:
                if w not in index:
                    index[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on_stack.add(w)
                    work.append((w, iter(sorted(graph[w]))))
                    advanced = True
                    break
                if w in on_stack:
                    low[v] = min(low[v], index[w])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                if len(comp) > 1:
                    found.append(sorted(comp))
    return found


def test_cycle_finder_finds_cycles():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": {"e2"}, "e2": set()}
    assert cycles(graph) == [["a", "b", "c"]]
    assert cycles({"x": {"y"}, "y": set()}) == []


def test_graph_sees_relative_and_function_local_imports():
    graph = import_graph()
    assert "inspectors.errors" in graph["inspectors.engine"]  # from .errors import ...
    assert "inspectors.paddle_env" in graph["inspectors.runtime"]


def test_no_import_cycles():
    assert cycles(import_graph()) == []


def test_paddle_is_imported_through_paddle_env():
    """Outside the build tooling, only paddle_env imports paddle itself; and nothing but
    paddle_env repeats the pycocotools-before-paddle workaround."""
    offenders = []
    for pkg in PACKAGES:
        for path in (ROOT / pkg).rglob("*.py"):
            rel = path.relative_to(ROOT).as_posix()
            if rel.startswith("inspectors/tooling/") or rel == "inspectors/paddle_env.py":
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                names = []
                if isinstance(node, ast.Import):
                    names = [a.name for a in node.names]
                elif isinstance(node, ast.ImportFrom) and not node.level:
                    names = [node.module or ""]
                for n in names:
                    top = n.split(".")[0]
                    if top == "paddle" and not n.startswith("paddle.base.proto"):
                        offenders.append(f"{rel}:{node.lineno} imports {n}")
                    if n == "pycocotools.mask" or (top == "pycocotools" and rel != "inspectors/metrics/coco.py"):
                        offenders.append(f"{rel}:{node.lineno} imports {n}")
    assert offenders == []


def _imported(node: ast.AST) -> List[str]:
    if isinstance(node, ast.Import):
        return [a.name for a in node.names]
    if isinstance(node, ast.ImportFrom) and not node.level:
        return [node.module or ""]
    return []


def test_ray_is_imported_only_in_the_cluster_package_and_only_inside_functions():
    """Ray is the optional ``cluster`` extra: nothing outside inspectors/cluster imports it,
    and the cluster package imports it only inside functions, so the base install (no Ray)
    imports every module and fails only when ``--cluster ray`` is asked for."""
    offenders = []
    for pkg in PACKAGES:
        for path in (ROOT / pkg).rglob("*.py"):
            rel = path.relative_to(ROOT).as_posix()
            tree = ast.parse(path.read_text(encoding="utf-8"))
            in_cluster = rel.startswith("inspectors/cluster/")
            local = {id(n) for f in ast.walk(tree) if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))
                     for n in ast.walk(f)}
            for node in ast.walk(tree):
                for name in _imported(node):
                    if name.split(".")[0] == "ray" and (not in_cluster or id(node) not in local):
                        offenders.append(f"{rel}:{node.lineno} imports {name}")
    assert offenders == []
