"""The shape of the code (docs/architecture.md), checked from the source alone.

Small modules; imports at the top of the module, where a reader sees what a
module depends on (Django needs some inside ``AppConfig.ready()``); and no
import cycle between our modules, so that dependencies go one way. Pure
``ast``: no Django, no database.
"""

import ast
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = (
    "api",
    "branches",
    "cms",
    "content_types",
    "editorial",
    "jobs",
    "readaloud",
    "reader",
    "readership",
    "search",
    "workflows",
)
MAX_LINES = 500

#: Modules allowed over MAX_LINES, by path.
LONG_MODULES = {
    "content_types/quizzes.py",  # issue 14: being split by another change
    "content_types/study.py",  # issue 14: being split by another change
}

#: Modules allowed imports inside functions, by path, each with the reason.
FUNCTION_IMPORTS = {}


def source_files():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.relative_to(ROOT).parts:
                yield path


def module_name(path):
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(path): path for path in source_files()}


@cache
def parse(path):
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def relative(path):
    return path.relative_to(ROOT).as_posix()


# Line counts


def test_modules_are_small():
    long = {
        relative(path): count
        for path in MODULES.values()
        if (count := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
        and relative(path) not in LONG_MODULES
    }
    assert not long, f"modules over {MAX_LINES} lines: {long}"


# Imports inside functions


def is_app_config(node):
    return any(
        (isinstance(base, ast.Name) and base.id == "AppConfig")
        or (isinstance(base, ast.Attribute) and base.attr == "AppConfig")
        for base in node.bases
    )


def function_imports(tree):
    """``(line, function name)`` of each import made inside a function, but
    not inside an ``AppConfig.ready()``."""
    found = []

    def visit(node, function=None, allowed=False):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.Import, ast.ImportFrom)):
                if function is not None and not allowed:
                    found.append((child.lineno, function))
            elif isinstance(child, ast.ClassDef):
                config = is_app_config(child)
                for item in child.body:
                    if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                        ready = config and item.name == "ready" and function is None
                        visit(item, item.name, allowed or ready)
                    else:
                        visit(ast.Module(body=[item], type_ignores=[]), function, allowed)
            elif isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                visit(child, child.name, allowed)
            else:
                visit(child, function, allowed)

    visit(tree)
    return found


def test_function_imports_checker_sees_what_it_should():
    tree = ast.parse(
        "import os\n"
        "class C(AppConfig):\n"
        "    def ready(self):\n"
        "        import a\n"
        "class D:\n"
        "    def ready(self):\n"
        "        import b\n"
        "def f():\n"
        "    def g():\n"
        "        import c\n"
    )
    assert function_imports(tree) == [(7, "ready"), (10, "g")]


def test_imports_are_at_module_level():
    found = {}
    for path in MODULES.values():
        if relative(path) in FUNCTION_IMPORTS:
            continue
        for line, function in function_imports(parse(path)):
            found.setdefault(relative(path), []).append(f"line {line} in {function}()")
    assert not found, f"imports inside functions (move them to the top): {found}"


def test_function_import_allow_list_is_current():
    stale = [path for path in FUNCTION_IMPORTS if not (ROOT / path).exists()]
    stale += [path for path in FUNCTION_IMPORTS if not function_imports(parse(ROOT / path))]
    assert not stale, f"allowed function-level imports no longer needed: {stale}"


# Import cycles


def is_type_checking(node):
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def module_level_imports(tree):
    """Imports run when the module is imported: not those in functions or
    under ``if TYPE_CHECKING``."""
    pending = list(tree.body)
    while pending:
        node = pending.pop()
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            continue
        elif isinstance(node, ast.If) and is_type_checking(node):
            pending.extend(node.orelse)
        else:
            pending.extend(ast.iter_child_nodes(node))


def imported_modules(name, path, tree):
    """Our modules that importing ``name`` imports directly. ``from pkg import
    module`` imports the submodule; ``from pkg import name`` the package, whose
    ``__init__`` re-exports count as its own imports."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in module_level_imports(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        else:
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            targets = []
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                targets.append(submodule if submodule in MODULES else base)
        for target in targets:
            if target in MODULES and target != name:
                yield target


@cache
def import_graph():
    return {
        name: sorted(set(imported_modules(name, path, parse(path))))
        for name, path in MODULES.items()
    }


def strongly_connected(graph):
    """Tarjan's algorithm, iteratively: the components of more than one module."""
    index, low, on_stack, stack, found = {}, {}, set(), [], []
    counter = 0
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(graph[root]))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, edges = work[-1]
            for target in edges:
                if target not in index:
                    index[target] = low[target] = counter
                    counter += 1
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, iter(graph.get(target, ()))))
                    break
                if target in on_stack:
                    low[node] = min(low[node], index[target])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
    return found


def test_cycle_finder_finds_cycles():
    graph = {"a": ["b"], "b": ["c"], "c": ["a"], "d": ["a"], "e": ["e"]}
    assert strongly_connected(graph) == [["a", "b", "c"]]


def test_relative_imports_resolve_to_our_modules():
    graph = import_graph()
    assert "search.outbox" in graph["search.tasks"]  # from . import outbox
    assert "content_types.models" in graph["api.signal_handlers"]  # package re-exports
    assert "content_types.models.documents" in graph["content_types.models"]


@pytest.mark.parametrize("app", APPS)
def test_no_import_cycles(app):
    cycles = [
        component
        for component in strongly_connected(import_graph())
        if component[0].split(".")[0] == app
    ]
    assert not cycles, f"modules importing each other: {cycles}"
