"""Alembic environment: run on the connection hrd_coder hands over (see storage/schema.py)."""

from alembic import context
from sqlalchemy import create_engine
from sqlmodel import SQLModel

from hrd_coder.storage import tables  # noqa: F401  (registers the tables on the metadata)


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    # Batch mode lets SQLite, which cannot ALTER most things, rebuild tables instead.
    context.configure(
        connection=connection, target_metadata=SQLModel.metadata, render_as_batch=True
    )
    with context.begin_transaction():
        context.run_migrations()


given = context.config.attributes.get("connection")
if given is not None:
    _run(given)
else:  # developers: `alembic -x url=sqlite:///file revision --autogenerate -m ...`
    url = context.get_x_argument(as_dictionary=True)["url"]
    with create_engine(url).connect() as connection:
        _run(connection)
        connection.commit()
