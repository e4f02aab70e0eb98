"""policystats: Chinese local SME-support measures in one comparable table.

>>> import policystats
>>> sorted(policystats.__all__)[:2]
['build', 'load_documents']
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "build",
    "load_documents",
    "load_measures",
]

# Heavy modules (pandas, pandera, duckdb) load on first use, so that
# `import policystats` stays cheap.
_LAZY = {
    "build": ("policystats.api", "build"),
    "load_documents": ("policystats.api", "load_documents"),
    "load_measures": ("policystats.api", "load_measures"),
}

if TYPE_CHECKING:  # pragma: no cover
    from .api import build, load_documents, load_measures


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        value = getattr(importlib.import_module(module), attr)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'policystats' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
