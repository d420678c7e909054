"""Ingest pipelines: everything that writes batches into the store.

Modules:
    build.py        ``build_region`` / ``import_files``: a region's source files, one batch each
    derived.py      derived observations (aggregates, catalogue formulas) as one batch
    boundaries.py   boundaries at the reference Gebietsstand, derived from older ones and reforms
    estimate.py     the modelled municipal flows as a batch flagged ``estimated``
"""
