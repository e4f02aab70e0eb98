"""Errors that policystats raises on bad input.

Every message names the file, row, notebook or cell at fault and, where it
can, says how to fix it. The command line turns these into one-line messages
and a non-zero exit instead of a traceback.
"""

from __future__ import annotations


class PolicystatsError(Exception):
    """Base class for every error the package raises on purpose."""


class ProjectError(PolicystatsError):
    """No project where one is needed, or a folder that is not a project."""


class BusyError(PolicystatsError):
    """Another build or add holds the project's lock."""


class CatalogError(PolicystatsError):
    """The document catalog is inconsistent with itself or with ``data/raw``."""


class DocumentReadError(PolicystatsError):
    """A raw document cannot be read as text (encoding, empty, binary)."""


class UnknownDocumentError(PolicystatsError, KeyError):
    """A doc_id or city that the catalog does not know."""

    def __str__(self) -> str:  # KeyError quotes its message; keep it readable
        return str(self.args[0]) if self.args else ""


class LexiconError(PolicystatsError):
    """A lexicon data file inside the package is malformed."""


class SchemaError(PolicystatsError):
    """The measures table does not satisfy its schema."""


class ReportError(PolicystatsError):
    """A report run failed; the message names the notebook and the cell."""
