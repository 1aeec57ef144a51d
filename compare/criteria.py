"""The named criteria a ranking weighs, their directions, and the presets."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from compare.i18n import N_, _


class Objective(enum.Enum):
    """Whether a lower or a higher value is better."""

    MIN = -1
    MAX = 1

    @classmethod
    def from_alias(cls, alias: str) -> Objective:
        try:
            return {"min": cls.MIN, "max": cls.MAX}[alias.strip().lower()]
        except KeyError:
            raise ValueError(f"invalid criterion direction {alias!r}; use 'min' or 'max'") from None

    @property
    def arrow(self) -> str:
        return "↓" if self is Objective.MIN else "↑"


@dataclass(frozen=True)
class Criterion:
    id: str
    label: str
    objective: Objective
    unit: str
    description: str
    default_weight: int

    @property
    def axis_title(self) -> str:
        """``label (unit) ↓``, in the current language."""
        return (
            _("{label} ({unit}) {arrow}").format(label=_(self.label), unit=_(self.unit), arrow=self.objective.arrow)
            if self.unit
            else _("{label} {arrow}").format(label=_(self.label), arrow=self.objective.arrow)
        )

    @property
    def better(self) -> str:
        return _("lower is better") if self.objective is Objective.MIN else _("higher is better")


CRITERIA: tuple[Criterion, ...] = (
    Criterion(
        "cost",
        N_("Whole-trip cost"),
        Objective.MIN,
        N_("display currency"),
        N_(
            "Midpoint of the whole-trip cost range in your currency. Components the sources do not "
            "report are not counted (they are marked missing), so check the data-confidence column."
        ),
        8,
    ),
    Criterion(
        "accreditation",
        N_("Accreditation"),
        Objective.MAX,
        N_("points"),
        N_(
            "2 points for an international hospital accreditation (e.g. JCI), 1 for a national "
            "hospital or spine-centre accreditation; each counts half when no source from the last "
            "36 months shows it is still current. Medical-travel, person-centred-care, laboratory "
            "and nursing certificates are shown but not scored; none found counts as 0."
        ),
        6,
    ),
    Criterion(
        "volume",
        N_("Spine volume"),
        Objective.MAX,
        N_("log10 operations/year"),
        N_(
            "Reported spine operations per year, on a log scale (10× the volume = +1). Spine "
            "surgery has a documented volume–outcome effect. Not reported = missing."
        ),
        5,
    ),
    Criterion(
        "technology",
        N_("Technology match"),
        Objective.MAX,
        N_("share"),
        N_(
            "Share of the techniques and technology you want that the sources say the facility "
            "offers (with nothing chosen: minimally invasive approach, robotic guidance, "
            "navigation, intra-operative imaging). Nothing reported = missing."
        ),
        5,
    ),
    Criterion(
        "outcomes",
        N_("Reported outcomes"),
        Objective.MAX,
        N_("fusion rate, %"),
        N_("Fusion rate the facility or a study of it reports. Almost never published."),
        2,
    ),
    Criterion(
        "services",
        N_("Patient services"),
        Objective.MAX,
        N_("share"),
        N_(
            "Half for a documented international patient office, half for staff speaking one of "
            "your languages (or for any documented language support if you chose none)."
        ),
        4,
    ),
    Criterion(
        "travel",
        N_("Travel burden"),
        Objective.MIN,
        N_("km"),
        N_("Great-circle distance from your origin airport to the facility's airport."),
        3,
    ),
    Criterion(
        "confidence",
        N_("Data confidence"),
        Objective.MAX,
        N_("share"),
        N_(
            "Half: the evidence level of the facility's facts, capped by who stands behind each "
            "source (a marketplace or sponsored page counts at most 0.3), halved when stale or undated. "
            "Half: the share of cost components that are quoted, published or estimated rather "
            "than missing."
        ),
        4,
    ),
)

BY_ID: dict[str, Criterion] = {c.id: c for c in CRITERIA}
IDS: tuple[str, ...] = tuple(BY_ID)
DEFAULT_WEIGHTS: dict[str, float] = {c.id: float(c.default_weight) for c in CRITERIA}

PRESETS: dict[str, dict[str, float]] = {
    "balanced": DEFAULT_WEIGHTS,
    "budget_first": {
        **DEFAULT_WEIGHTS,
        "cost": 10,
        "accreditation": 4,
        "volume": 3,
        "technology": 2,
        "outcomes": 1,
        "services": 2,
        "travel": 4,
        "confidence": 4,
    },
    "quality_first": {
        **DEFAULT_WEIGHTS,
        "cost": 3,
        "accreditation": 9,
        "volume": 9,
        "technology": 6,
        "outcomes": 5,
        "services": 4,
        "travel": 2,
        "confidence": 6,
    },
    "technology_first": {
        **DEFAULT_WEIGHTS,
        "cost": 4,
        "accreditation": 5,
        "volume": 5,
        "technology": 10,
        "outcomes": 3,
        "services": 3,
        "travel": 2,
        "confidence": 4,
    },
    "close_to_home": {
        **DEFAULT_WEIGHTS,
        "cost": 6,
        "accreditation": 5,
        "volume": 4,
        "technology": 3,
        "outcomes": 2,
        "services": 5,
        "travel": 10,
        "confidence": 4,
    },
}
