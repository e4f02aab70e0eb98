"""The extraction stage: raw text to rows of the one table.

text → clean → structure (parts, items, agencies) → quantities → classify →
table. The wording every step uses lives in ``extract/data/``. Everything in
this folder is what the build cache is keyed on: edit a file here and every
document is extracted again.
"""

EXTRACTOR_VERSION = "1"
"""Bump when extraction changes, so that cached per-document results are rebuilt.

Here, not in ``table``: whoever checks a build key (loading the table, the
report pages) needs it without importing the extractor.
"""
