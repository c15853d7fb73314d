"""The package's layers import one way: core <- stores <- runtime <- surfaces.

Every import statement of every module counts, also those inside functions and
under ``TYPE_CHECKING``: a lazy import is still a dependency.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "agent_tools"

NETWORK_OR_SURFACE_PACKAGES = (
    "mcp",
    "openai",
    "httpx",
    "httpx2",
    "starlette",
    "uvicorn",
    "celery",
    "redis",
    "asyncpg",
)

CORE_MAY_IMPORT = frozenset(
    {
        "__future__",
        "abc",
        "collections",
        "contextlib",
        "contextvars",
        "dataclasses",
        "datetime",
        "enum",
        "functools",
        "hashlib",
        "inspect",
        "itertools",
        "json",
        "jsonschema",
        "logging",
        "math",
        "pathlib",
        "pydantic",
        "random",
        "re",
        "typing",
        "warnings",
    }
)
"""Pure modules only: no files, sockets, threads, processes, clocks that sleep or event loops.
(``pathlib`` is here for the ``Path`` type of configured roots, core never touches a file;
``jsonschema`` checks answers against a schema in memory.)"""

LAYERS_BELOW = {
    "core": {"core"},
    "stores": {"core", "stores"},
    "builtin": {"core", "builtin"},
    "runtime": {"core", "stores", "runtime", "builtin", "settings", "version"},
}
"""What each layer may import from the package: itself and the layers below it."""


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> Iterator[str]:
    """Every module name ``path`` imports, relative imports resolved."""
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                yield ".".join([*base, node.module] if node.module else base)
            else:
                assert node.module is not None
                yield node.module


def _layer_imports(layer: str) -> Iterator[tuple[str, str]]:
    for path in sorted((PACKAGE / layer).rglob("*.py")):
        for imported in _imports(path):
            yield _module_name(path), imported


def _package_layer(imported: str) -> str | None:
    parts = imported.split(".")
    return parts[1] if parts[0] == "agent_tools" and len(parts) > 1 else None


@pytest.mark.parametrize("layer", sorted(LAYERS_BELOW))
def test_a_layer_imports_only_itself_and_the_layers_below(layer: str) -> None:
    allowed = LAYERS_BELOW[layer]
    upward = [
        f"{module} imports {imported}"
        for module, imported in _layer_imports(layer)
        if imported == "agent_tools" or (_package_layer(imported) or "core") not in allowed
    ]
    assert upward == []


def test_core_imports_no_io_module() -> None:
    impure = [
        f"{module} imports {imported}"
        for module, imported in _layer_imports("core")
        if _package_layer(imported) is None and imported.split(".")[0] not in CORE_MAY_IMPORT
    ]
    assert impure == []


def test_surfaces_never_import_a_store_module() -> None:
    direct = [
        f"{module} imports {imported}"
        for module, imported in _layer_imports("surfaces")
        if _package_layer(imported) == "stores"
    ]
    assert direct == []


def test_the_check_sees_lazy_and_relative_imports() -> None:
    """The walker itself: an import inside a function counts, a relative one is resolved."""
    sample = PACKAGE / "surfaces" / "commands" / "worker.py"
    imported = set(_imports(sample))
    assert "agent_tools.runtime.fleet.worker" in imported  # imported inside run()
    assert "agent_tools.surfaces.commands" in imported


def test_the_engine_and_stores_import_no_surface_or_network_package() -> None:
    code = (
        "import sys\n"
        "import agent_tools\n"
        "from agent_tools import Engine, open_store\n"
        "import agent_tools.stores.memory, agent_tools.stores.sqlite\n"
        "import agent_tools.runtime.engine\n"
        f"loaded = sorted(m for m in {NETWORK_OR_SURFACE_PACKAGES!r} if m in sys.modules)\n"
        "print(','.join(loaded))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""
