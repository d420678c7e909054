"""The web atlas' read model: what pages, API and static export show, computed from the store.

* ``cache``      — ``SingleFlightCache``: one computation per key, dropped when the store's
                   batches change
* ``scope``      — ``Scope`` (which units), levels, the shared store handle
* ``units``      — units, names, keys, levels, simplified geometry, outline
* ``indicators`` — catalogue with periods/levels, one map's values and breaks, classified maps
* ``flows``      — flow periods/levels, flows per level and unit, flow map data, communities
* ``batches``    — batches and attributions

Each function takes the context ``web.atlas.Atlas`` (store handle, scope, cache); the
municipal functional layers are ``web.functional``, the profiles ``web.profile*``, and the
start-up warm-up ``web.warmup``.
"""
