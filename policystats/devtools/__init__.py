"""Development tools: gold sets, evaluation, benchmarks, synthetic corpora, the codebook.

Nothing here runs during a build, so editing these modules never invalidates
the extraction cache.
"""
