"""The extraction stage: raw text to rows of the one table.

text → clean → structure (parts, items, agencies) → quantities → classify →
table. The wording every step uses lives in ``extract/data/``. Everything in
this folder is what the build cache is keyed on: edit a file here and every
document is extracted again.
"""
