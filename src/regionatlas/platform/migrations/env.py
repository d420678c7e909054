"""Alembic environment: runs on the engine handed over by ``Database.upgrade``."""

from __future__ import annotations

import os

from alembic import context

from regionatlas.platform.models import Base

config = context.config
engine = config.attributes["engine"]
only = os.environ.get("REGIONATLAS_AUTOGEN_ONLY")  # development aid for autogenerate


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    if only and type_ == "table":
        return name in only.split(",")
    return True


with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,  # SQLite can alter tables only by copying them
        compare_type=True,
        include_object=include_object,
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
