"""The participation platform: accounts, roles, organisations, working groups (forum,
documents), events and timeline, the DKZ portal – in a relational database of its own.

    db.py          Database: engine + sessions for SQLite or PostgreSQL (own schema); migrations
    migrations/    Alembic revisions (package data, run by ``Database.upgrade``)
    models/        SQLAlchemy 2 models, one module per area; ``Base`` in models/base.py
    audit.py       every insert/update/delete is written to ``audit_entry`` automatically
    security.py    Argon2id password hashing, tokens (only hashes stored), TOTP
    accounts.py    accounts, sessions, login throttling, invitations, password reset
    mail.py        the SMTP sender
    permissions.py who may do what (admin, editor per working group, member, public)
    forum.py, documents.py, events.py, actors.py, dkz.py   domain services
    transfer.py    export/import of all content; a person's own data (GDPR Art. 15/17)

See docs/platform.md for how to add a model, a migration, a route and an audit entry.
"""
