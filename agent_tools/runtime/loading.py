"""Load operation types from modules, ``.py`` files and installed packages.

A source registers its types either with ``@operation`` (into the default
registry), or by holding them at module level: an ``OperationRegistry``
attribute or ``OperationType`` attributes. Installed packages declare a
module (or a registry, or a type) under the entry-point group
``agent_tools.operations``.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import logging
import sys
from collections.abc import Iterable
from importlib.metadata import entry_points
from pathlib import Path
from types import ModuleType

from agent_tools.core.definitions import OperationType
from agent_tools.core.errors import DetailedError, message_only
from agent_tools.core.registry import OperationRegistry, default_registry

logger = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "agent_tools.operations"


class OperationsLoadError(DetailedError):
    """A module or file named with ``--ops`` could not be imported."""

    code = "operations_load_failed"
    hint = (
        "Pass an importable module name (my_package.operations) or the path of a .py file "
        "that defines @operation functions."
    )
    wording = "Could not load operations from {source!r}: {reason}"

    source: str
    reason: str = message_only()


def load_operations(
    sources: Iterable[str],
    registry: OperationRegistry,
    *,
    include_entry_points: bool = True,
) -> OperationRegistry:
    """Fill ``registry`` with the default registry, ``sources`` and installed entry points.

    ``sources`` are module names or ``.py`` paths; a failure among them raises
    :class:`OperationsLoadError`. A broken entry point is logged and skipped so
    one faulty package cannot keep the server from starting.
    """
    modules = [import_source(source) for source in sources]
    if include_entry_points:
        for entry_point in entry_points(group=ENTRY_POINT_GROUP):
            try:
                loaded = entry_point.load()
            except Exception:
                logger.exception(
                    "skipping entry point %s of %s", entry_point.name, ENTRY_POINT_GROUP
                )
                continue
            _register_object(loaded, registry)
    registry.merge(default_registry)
    for module in modules:
        _register_object(module, registry)
    return registry


def import_source(source: str) -> ModuleType:
    """Import a module by dotted name, or a ``.py`` file by path."""
    path = Path(source)
    try:
        if source.endswith(".py") or path.is_file():
            return _import_file(path)
        return importlib.import_module(source)
    except OperationsLoadError:
        raise
    except Exception as error:
        raise OperationsLoadError(source, f"{type(error).__name__}: {error}") from error


def _import_file(path: Path) -> ModuleType:
    """Import a ``.py`` file, by its own name when that name is free.

    Under its own name (its folder appended to ``sys.path``) the module can be
    imported again in a spawned process, which is how ``run_in="process"`` chunks
    find their function. A name already taken by another module falls back to a
    private name derived from the path.
    """
    resolved = path.expanduser().resolve()
    if not resolved.is_file():
        raise OperationsLoadError(str(path), "no such file")
    if resolved.stem.isidentifier():
        module = _import_under_own_name(resolved)
        if module is not None:
            return module
    digest = hashlib.sha256(str(resolved).encode()).hexdigest()[:12]
    private_name = f"agent_tools_ops_{resolved.stem}_{digest}"
    if private_name in sys.modules:
        return sys.modules[private_name]
    spec = importlib.util.spec_from_file_location(private_name, resolved)
    if spec is None or spec.loader is None:
        raise OperationsLoadError(str(path), "not a Python source file")
    module = importlib.util.module_from_spec(spec)
    sys.modules[private_name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[private_name]
        raise
    return module


def _import_under_own_name(resolved: Path) -> ModuleType | None:
    name = resolved.stem
    spec = importlib.util.find_spec(name)
    if spec is None:
        folder = str(resolved.parent)
        if folder not in sys.path:
            sys.path.append(folder)
        importlib.invalidate_caches()
        spec = importlib.util.find_spec(name)
    if spec is None or spec.origin is None or Path(spec.origin).resolve() != resolved:
        return None
    return importlib.import_module(name)


def _register_object(loaded: object, registry: OperationRegistry) -> None:
    if isinstance(loaded, OperationRegistry):
        registry.merge(loaded)
    elif isinstance(loaded, OperationType):
        registry.register(loaded)
    elif isinstance(loaded, ModuleType):
        for value in list(vars(loaded).values()):
            if isinstance(value, OperationRegistry | OperationType):
                _register_object(value, registry)
