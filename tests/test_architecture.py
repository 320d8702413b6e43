"""The shape of the package: public surface, import rules (DESIGN.md), import-time cost, docs."""

from __future__ import annotations

import ast
import importlib
import inspect
import json
import pkgutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Set, Tuple

import pytest

import kvsmock

PACKAGE_DIR = Path(kvsmock.__file__).resolve().parent
ROOT = PACKAGE_DIR.parent


def test_public_surface_is_pinned() -> None:
    assert kvsmock.__all__ == [
        "KinesisVideoMock",
        "KvsmockError",
        "ModelConformanceError",
        "NetworkAccessBlocked",
        "NotYetImplementedError",
        "ServiceError",
        "__version__",
        "mock_kinesisvideo",
        "patch_client",
    ]
    for name in kvsmock.__all__:
        assert hasattr(kvsmock, name), name
    public = {n for n in vars(kvsmock) if not n.startswith("_")}
    # Besides __all__, only submodules (and the __future__ flag) are reachable as attributes.
    extra = {
        n
        for n in public - set(kvsmock.__all__)
        if not inspect.ismodule(getattr(kvsmock, n))
        and type(getattr(kvsmock, n)).__name__ != "_Feature"
    }
    assert extra == set()


def test_error_hierarchy() -> None:
    assert issubclass(kvsmock.NotYetImplementedError, NotImplementedError)
    assert issubclass(kvsmock.NotYetImplementedError, kvsmock.KvsmockError)
    assert issubclass(kvsmock.NetworkAccessBlocked, kvsmock.KvsmockError)
    assert issubclass(kvsmock.ModelConformanceError, AssertionError)
    assert not issubclass(kvsmock.ServiceError, kvsmock.KvsmockError)


# -- import rules ------------------------------------------------------------------------------


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> Iterator[Tuple[str, Path]]:
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        yield _module_name(path), path


def _import_statements(name: str, path: Path) -> Iterator[Tuple[str, List[str]]]:
    """Every import statement of a file, anywhere (also inside functions and under
    ``TYPE_CHECKING``), as (absolute module, names taken from it): ``import a.b`` is
    ``("a.b", [])``, ``from . import x`` in ``kvsmock.state`` is ``("kvsmock.state", ["x"])``."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, []
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            yield module, [alias.name for alias in node.names]


def _imports(name: str, path: Path) -> Set[str]:
    """Every module a file imports anywhere (also inside functions), with ``from`` names."""
    found: Set[str] = set()
    for module, names in _import_statements(name, path):
        found.add(module)
        # ``from botocore import handlers`` imports botocore.handlers.
        found.update(f"{module}.{alias}" for alias in names)
    return found


IMPORTS: Dict[str, Set[str]] = {name: _imports(name, path) for name, path in _modules()}


def _importers(prefixes: Tuple[str, ...]) -> Set[str]:
    return {
        module
        for module, imported in IMPORTS.items()
        if any(i == p or i.startswith(p + ".") for i in imported for p in prefixes)
    }


def test_the_import_reader_sees_the_known_imports() -> None:
    """Guard against a reader that finds nothing (then every rule below would pass)."""
    assert "botocore.handlers" in IMPORTS["kvsmock._intercept"]
    assert "botocore.loaders" in IMPORTS["kvsmock._model"]
    assert "kvsmock.mock" in IMPORTS["kvsmock"]
    assert "kvsmock._dispatch" in IMPORTS["kvsmock._intercept"]
    assert "pytest" in IMPORTS["kvsmock.plugin"]
    assert "kvsmock.state" in IMPORTS["kvsmock.services.kinesisvideo"]


def test_only_model_imports_botocore_model_and_loaders() -> None:
    assert _importers(("botocore.model", "botocore.loaders")) == {"kvsmock._model"}


def test_only_intercept_imports_botocore_handlers_and_awsrequest() -> None:
    assert _importers(("botocore.handlers", "botocore.awsrequest", "botocore.httpsession")) == {
        "kvsmock._intercept"
    }


def test_only_media_av_imports_pyav_and_pillow() -> None:
    assert _importers(("av", "PIL")) == {"kvsmock.media._av"}


def test_only_plugin_imports_pytest() -> None:
    assert _importers(("pytest", "_pytest")) == {"kvsmock.plugin"}


def test_only_http_imports_requests_and_responses() -> None:
    assert _importers(("requests", "responses")) == {"kvsmock._http"}


def test_state_imports_no_botocore_or_boto3() -> None:
    state_modules = [m for m in IMPORTS if m == "kvsmock.state" or m.startswith("kvsmock.state.")]
    assert "kvsmock.state.streams" in state_modules
    for module in state_modules:
        bad = {i for i in IMPORTS[module] if i.split(".")[0] in {"botocore", "boto3"}}
        assert bad == set(), f"{module} imports {sorted(bad)}"


def test_handlers_never_import_protocol_or_the_hook_layers() -> None:
    handlers = [m for m in IMPORTS if m.startswith("kvsmock.services.")]
    assert "kvsmock.services.kinesisvideo" in handlers
    forbidden = ("kvsmock._protocol", "kvsmock._intercept", "kvsmock._dispatch", "kvsmock.mock")
    for module in handlers:
        bad = {i for i in IMPORTS[module] if i.startswith(forbidden)}
        assert bad == set(), f"{module} imports {sorted(bad)}"
    registry = IMPORTS["kvsmock.services"]
    assert not {i for i in registry if i.startswith(forbidden)}


# DESIGN.md: plugin -> mock -> _intercept -> _dispatch -> (_protocol, _validate, services)
# -> (_model, state, errors, _clock). A module may import only from lower (or its own) layers.
LAYERS: Dict[str, float] = {
    "kvsmock": 9,
    "kvsmock._coverage": 9,
    "kvsmock.cli": 9,
    "kvsmock.__main__": 9,
    "kvsmock.plugin": 8,
    "kvsmock.server": 7.5,
    "kvsmock.mock": 7,
    "kvsmock._intercept": 6,
    "kvsmock._http": 6,
    "kvsmock._dispatch": 5,
    "kvsmock._protocol": 4,
    "kvsmock._validate": 4,
    "kvsmock.services": 4,
    "kvsmock.faults": 3.5,
    "kvsmock._quotas": 2,
    "kvsmock.media": 3,
    "kvsmock._scope": 2.5,
    "kvsmock._model": 2,
    "kvsmock._endpoints": 2,
    "kvsmock.state": 2,
    "kvsmock.errors": 1,
    "kvsmock._clock": 1,
}


def _layer(module: str) -> Optional[float]:
    while module:
        if module in LAYERS:
            return LAYERS[module]
        module = module.rpartition(".")[0]
    return None


def test_imports_point_down_the_layers() -> None:
    upward: List[str] = []
    for module, imported in IMPORTS.items():
        own = _layer(module)
        if own is None:
            continue
        for target in imported:
            if not target.startswith("kvsmock.") or target.startswith(module + "."):
                continue
            if target in IMPORTS or target.rpartition(".")[0] in IMPORTS:
                other = _layer(target)
                if other is not None and other > own:
                    upward.append(f"{module} -> {target}")
    assert upward == []


# Inside the store (kvsmock/state/__init__.py): the plain resources at the bottom, the shared
# machinery on them, one module per kind of resource on that, and Store composing them. A
# module may import only strictly lower layers here: the kinds never import each other.
STATE_LAYERS: Dict[str, int] = {
    "kvsmock.state.resources": 0,
    "kvsmock.state._cron": 0,
    "kvsmock.state._base": 1,
    "kvsmock.state.streams": 2,
    "kvsmock.state.channels": 2,
    "kvsmock.state.configurations": 2,
    "kvsmock.state.edge": 2,
    "kvsmock.state.webrtc": 2,
    "kvsmock.state": 3,
}


def test_every_state_module_has_a_layer() -> None:
    state_modules = {m for m in IMPORTS if m == "kvsmock.state" or m.startswith("kvsmock.state.")}
    assert state_modules == set(STATE_LAYERS)


def _state_upward(edges: Dict[str, Set[str]]) -> List[str]:
    upward: List[str] = []
    for module, layer in STATE_LAYERS.items():
        for target in edges[module]:
            other = STATE_LAYERS.get(target)
            if other is not None and target != module and other >= layer:
                upward.append(f"{module} -> {target}")
    return sorted(upward)


def test_state_modules_import_only_lower_layers() -> None:
    assert _state_upward(EDGES) == []


def _kvsmock_imports(name: str, path: Path) -> Set[str]:
    """The kvsmock modules a file imports anywhere (also inside functions and under
    ``TYPE_CHECKING``): ``from kvsmock import _clock`` imports ``kvsmock._clock``, and
    ``from kvsmock.state import Store`` the package ``kvsmock.state``."""
    found: Set[str] = set()
    for module, names in _import_statements(name, path):
        if not names:
            found.add(module)
        for alias in names:
            submodule = f"{module}.{alias}"
            found.add(submodule if submodule in IMPORTS else module)
    return {target for target in found if target in IMPORTS and target != name}


#: Module -> the kvsmock modules it imports.
EDGES: Dict[str, Set[str]] = {name: _kvsmock_imports(name, path) for name, path in _modules()}


def _cycles(edges: Dict[str, Set[str]]) -> List[List[str]]:
    """The import cycles among kvsmock modules (also through imports inside functions or
    under ``TYPE_CHECKING``): each strongly connected component of more than one module."""
    graph = edges
    index: Dict[str, int] = {}
    low: Dict[str, int] = {}
    stack: List[str] = []
    on_stack: Set[str] = set()
    found: List[List[str]] = []

    def visit(module: str) -> None:  # Tarjan's algorithm
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for target in sorted(graph[module]):
            if target not in index:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in on_stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            component: List[str] = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == module:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return found


def test_no_import_cycle_among_kvsmock_modules() -> None:
    assert "kvsmock._clock" in EDGES["kvsmock.state._base"]  # the reader sees imports
    assert "kvsmock" not in EDGES["kvsmock.state._base"]  # ... and their modules
    assert _cycles(EDGES) == []


def test_the_cycle_and_layer_checks_catch_the_old_store() -> None:
    """The store's imports before issue 18 (commit 7f23859: these checks, run on its files,
    report exactly this): ``resources`` imported ``configurations`` and ``edge`` (for type
    hints), which imported ``streams``, which imported ``_base``, which imported
    ``resources``; each kind of resource built on another."""
    old = {module: set(imported) for module, imported in EDGES.items()}
    old["kvsmock.state.resources"] |= {"kvsmock.state.configurations", "kvsmock.state.edge"}
    old["kvsmock.state.configurations"] |= {"kvsmock.state.streams"}
    old["kvsmock.state.edge"] |= {"kvsmock.state.configurations", "kvsmock.state.streams"}
    old["kvsmock.state.channels"] |= {"kvsmock.state.streams"}
    old["kvsmock.state.webrtc"] |= {"kvsmock.state.channels"}
    assert _cycles(old) == [
        [
            "kvsmock.state._base",
            "kvsmock.state.configurations",
            "kvsmock.state.edge",
            "kvsmock.state.resources",
            "kvsmock.state.streams",
        ]
    ]
    assert _state_upward(old) == [
        "kvsmock.state.channels -> kvsmock.state.streams",
        "kvsmock.state.configurations -> kvsmock.state.streams",
        "kvsmock.state.edge -> kvsmock.state.configurations",
        "kvsmock.state.edge -> kvsmock.state.streams",
        "kvsmock.state.resources -> kvsmock.state.configurations",
        "kvsmock.state.resources -> kvsmock.state.edge",
        "kvsmock.state.webrtc -> kvsmock.state.channels",
    ]


# -- import-time cost --------------------------------------------------------------------------

_IMPORT_PROBE = textwrap.dedent(
    """
    import json, sys
    import botocore.loaders

    loaded = []
    _orig_file = botocore.loaders.JSONFileLoader.load_file
    _orig_model = botocore.loaders.Loader.load_service_model

    def load_file(self, file_path):
        loaded.append(str(file_path))
        return _orig_file(self, file_path)

    def load_service_model(self, *args, **kwargs):
        loaded.append(repr(args))
        return _orig_model(self, *args, **kwargs)

    botocore.loaders.JSONFileLoader.load_file = load_file
    botocore.loaders.Loader.load_service_model = load_service_model

    import kvsmock
    from kvsmock import _model

    print(json.dumps({
        "loaded": loaded,
        "modules": sorted(sys.modules),
        "service_model_cache": _model.service_model.cache_info().currsize,
        "loader_cache": _model._loader.cache_info().currsize,
        "errors_cache": _model.errors_of.cache_info().currsize,
    }))
    """
)


@pytest.fixture(scope="module")
def import_probe() -> Dict[str, object]:
    proc = subprocess.run(
        [sys.executable, "-W", "error", "-c", _IMPORT_PROBE],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=str(ROOT),
    )
    assert proc.returncode == 0, proc.stderr
    result: Dict[str, object] = json.loads(proc.stdout)
    return result


def test_import_loads_no_service_model(import_probe: Dict[str, object]) -> None:
    assert import_probe["loaded"] == []
    assert import_probe["service_model_cache"] == 0
    assert import_probe["loader_cache"] == 0
    assert import_probe["errors_cache"] == 0


def test_import_loads_no_service_code_or_heavy_dependency(
    import_probe: Dict[str, object],
) -> None:
    modules = set(import_probe["modules"])  # type: ignore[call-overload]
    assert "kvsmock" in modules and "kvsmock._intercept" in modules  # the probe worked
    assert "botocore.handlers" in modules
    assert "kvsmock.services.kinesisvideo" not in modules
    assert {m for m in modules if m.startswith("kvsmock.services.")} == set()
    assert {m for m in modules if m.startswith("kvsmock.media")} == set()
    heavy_modules = ("boto3", "pytest", "moto", "regex", "ebmlite", "requests", "responses")
    heavy_modules += ("av", "PIL")
    for heavy in (*heavy_modules, "kvsmock.plugin"):
        assert heavy not in modules, heavy


# -- docstrings and typing ---------------------------------------------------------------------


def _all_module_names() -> List[str]:
    names = ["kvsmock"]
    names += [m.name for m in pkgutil.walk_packages(kvsmock.__path__, "kvsmock.")]
    return names


def test_every_module_and_public_object_has_a_docstring() -> None:
    missing: List[str] = []
    names = _all_module_names()
    assert "kvsmock.services.kinesisvideo" in names
    for name in names:
        module = importlib.import_module(name)
        if not (module.__doc__ or "").strip():
            missing.append(name)
        for attr, obj in vars(module).items():
            if attr.startswith("_") or getattr(obj, "__module__", None) != name:
                continue
            if not (inspect.isfunction(obj) or inspect.isclass(obj)):
                continue
            if not (obj.__doc__ or "").strip():
                missing.append(f"{name}.{attr}")
            if not inspect.isclass(obj) or getattr(obj, "_is_protocol", False):
                continue
            for member_name, member in vars(obj).items():
                if member_name.startswith("_"):
                    continue
                func = member.fget if isinstance(member, property) else member
                func = getattr(func, "__func__", func)
                if inspect.isfunction(func) and not (func.__doc__ or "").strip():
                    missing.append(f"{name}.{attr}.{member_name}")
    assert missing == []


def test_py_typed_is_shipped() -> None:
    assert (PACKAGE_DIR / "py.typed").is_file()
    tomllib = pytest.importorskip("tomllib")
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "py.typed" in config["tool"]["setuptools"]["package-data"]["kvsmock"]
    assert config["project"]["entry-points"]["pytest11"] == {"kvsmock": "kvsmock.plugin"}
    assert config["project"]["requires-python"] == ">=3.10"
    license_text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert config["project"]["license"] == "Apache-2.0"
    assert "Apache License" in license_text and "Version 2.0, January 2004" in license_text
    assert config["project"]["license-files"] == ["LICENSE"]
