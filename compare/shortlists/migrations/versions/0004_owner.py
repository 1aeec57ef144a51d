"""Each shortlist belongs to one user: names are unique per owner, not across the database.

``owner`` is ``""`` for the single local user of an app without sign-in, which is what
every shortlist saved before this step becomes.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# Files made before Alembic declared the name unique without naming the constraint;
# this convention names it (uq_shortlists_name) so that it can be dropped.
NAMING = {"uq": "uq_%(table_name)s_%(column_0_name)s"}


def upgrade() -> None:
    with op.batch_alter_table("shortlists", naming_convention=NAMING) as batch:
        batch.add_column(sa.Column("owner", sa.Text, nullable=False, server_default=""))
        batch.drop_constraint("uq_shortlists_name", type_="unique")
        batch.create_unique_constraint("uq_shortlists_owner_name", ["owner", "name"])
