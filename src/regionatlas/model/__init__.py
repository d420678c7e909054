"""The neutral model every layer shares; it imports nothing else of regionatlas but ``errors``.

Modules:
    schema.py           the canonical tables on one page (units, observations, flows, batches)
    source_data.py      ``SourceData``: what a reader yields and the store imports
    fingerprint.py      SHA-256 identities of files and derived batches
    central_places.py   central-place categories: each state's and the BBSR's, on one scale
"""
