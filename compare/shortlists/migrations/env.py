"""Alembic's entry point for the shortlist schema: always run on a connection the store passes in.

The store holds the write lock (SQLite's ``BEGIN IMMEDIATE``, PostgreSQL's advisory
lock) around the whole upgrade, so the migrations run inside that one transaction.
"""

from alembic import context

connection = context.config.attributes["connection"]
# render_as_batch: SQLite changes a table's constraints by copying the table.
context.configure(connection=connection, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
