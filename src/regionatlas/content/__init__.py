"""Content shipped with the atlas and reviewed like code: example goals and interventions
(TOML, ``goals/``, ``interventions/``) and the Werkzeugkasten (Markdown with front matter,
``toolkit/``). Read through ``importlib.resources`` so an installed wheel works too."""
