"""Alembic environment for asbdesk desks.

asbdesk runs migrations itself when a desk is opened (`asbdesk.desk`), handing over its
own connection; SQLite cannot alter tables in place, so migrations run in batch mode.
"""

from alembic import context

from asbdesk.models import Base

config = context.config
connection = config.attributes.get("connection")

if connection is None:  # `alembic` on the command line, for writing new revisions
    from sqlalchemy import create_engine

    url = config.get_main_option("sqlalchemy.url") or "sqlite:///alembic-dev.asbdesk"
    with create_engine(url).connect() as conn:
        context.configure(connection=conn, target_metadata=Base.metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
else:
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
