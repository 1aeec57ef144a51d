"""The latest quote each shortlisted facility sent back (``compare.quotes.Quote`` as JSON).

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "quotes",
        sa.Column("shortlist_id", sa.Integer, nullable=False),
        sa.Column("facility_id", sa.Text, nullable=False),
        sa.Column("quote_json", sa.Text, nullable=False),
        sa.Column("received_at", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("shortlist_id", "facility_id"),
        sa.ForeignKeyConstraint(
            ["shortlist_id", "facility_id"],
            ["shortlist_items.shortlist_id", "shortlist_items.facility_id"],
            ondelete="CASCADE",
        ),
    )
