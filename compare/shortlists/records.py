"""The shortlist tables as the store queries them, and the records it returns.

The schema itself is made and upgraded by the Alembic steps in ``migrations/``; these
table objects only name its columns for SQLAlchemy Core.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from compare.scenario import Scenario

_meta = sa.MetaData()
shortlists = sa.Table(
    "shortlists",
    _meta,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("owner", sa.Text, nullable=False),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("client", sa.Text),
    sa.Column("scenario_yaml", sa.Text, nullable=False),
    sa.Column("data_hash", sa.Text),
    sa.Column("created_at", sa.Text, nullable=False),
    sa.Column("updated_at", sa.Text, nullable=False),
)
items = sa.Table(
    "shortlist_items",
    _meta,
    sa.Column("shortlist_id", sa.Integer, primary_key=True),
    sa.Column("facility_id", sa.Text, primary_key=True),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("note", sa.Text, nullable=False),
    sa.Column("snapshot_json", sa.Text, nullable=False),
    sa.Column("added_at", sa.Text, nullable=False),
)
quotes = sa.Table(
    "quotes",
    _meta,
    sa.Column("shortlist_id", sa.Integer, primary_key=True),
    sa.Column("facility_id", sa.Text, primary_key=True),
    sa.Column("quote_json", sa.Text, nullable=False),
    sa.Column("received_at", sa.Text, nullable=False),
)


@dataclass(frozen=True)
class Item:
    """One facility on a shortlist, where ``position`` counts from 0 in the user's order."""

    facility_id: str
    position: int
    note: str
    snapshot: dict[str, Any]
    added_at: str


@dataclass(frozen=True)
class Shortlist:
    """A saved shortlist.

    ``scenario`` is ``None`` only when the saved scenario no longer loads (for example
    after an incompatible upgrade); ``scenario_problem`` then says why, and the items
    and the raw ``scenario_yaml`` are still returned so no work is lost.
    """

    name: str
    client: str | None
    scenario: Scenario | None
    data_hash: str | None
    created_at: str
    updated_at: str
    items: list[Item] = field(default_factory=list)
    scenario_yaml: str = ""
    scenario_problem: str | None = None

    @property
    def facility_ids(self) -> list[str]:
        return [item.facility_id for item in self.items]


@dataclass(frozen=True)
class ShortlistSummary:
    """One line of the list of saved shortlists."""

    name: str
    client: str | None
    n_items: int
    created_at: str
    updated_at: str
