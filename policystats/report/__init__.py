"""The presentation stage: comparisons, figures, notebook helpers and the report runner.

It reads the built table and never changes it; editing it leaves the build cache current.
"""
