"""policystats: Chinese local SME-support measures in one comparable table.

>>> import policystats
>>> q = policystats.parse_quantity("最高不超过500万元")
>>> q.value, q.unit, q.comparator
(5000000.0, 'CNY', '<=')
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "MeasureSchema",
    "Quantity",
    "build",
    "load_documents",
    "load_measures",
    "parse_quantity",
    "query",
    "search_quantities",
]

# Heavy modules (pandas, pandera, duckdb) load on first use, so that
# `import policystats` stays cheap.
_LAZY = {
    "MeasureSchema": ("policystats.schema", "MeasureSchema"),
    "Quantity": ("policystats.extract.quantities", "Quantity"),
    "parse_quantity": ("policystats.extract.quantities", "parse_quantity"),
    "search_quantities": ("policystats.extract.quantities", "search_quantities"),
    "build": ("policystats.api", "build"),
    "load_documents": ("policystats.api", "load_documents"),
    "load_measures": ("policystats.api", "load_measures"),
    "query": ("policystats.api", "query"),
}

if TYPE_CHECKING:  # pragma: no cover
    from .api import build, load_documents, load_measures, query
    from .extract.quantities import Quantity, parse_quantity, search_quantities
    from .schema import MeasureSchema


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
