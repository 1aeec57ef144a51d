"""A client label per shortlist; items read back in order through an index.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("shortlists", sa.Column("client", sa.Text))
    op.create_index("shortlist_items_by_position", "shortlist_items", ["shortlist_id", "position"])
