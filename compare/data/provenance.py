"""One provenance model for every figure: where it came from, who stands behind it, when it
was true and how it became known.

YAML files list sources by key (``Source``); CSV rows carry the same fields as columns
(``source_url``, ``publisher``, ``source_kind``, ``as_of``, ``evidence``) and expose them as a
``Source`` through ``Provenanced.source``. Everything downstream (facts, cost components,
exports) speaks in ``Source`` records, never in joined strings.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, field_validator, model_validator

from compare.data.types import (
    EvidenceLevelId,
    Model,
    Name,
    PartialDate,
    Slug,
    SourceKindId,
    Text,
    Url,
    blank_to_none,
)


class SourceKind(Model):
    """Who stands behind a source (``vocab/source_kinds.yaml``).

    ``confidence`` caps the evidence level's confidence: a sponsored article that reports a
    price is press in form, but it counts no more than its kind allows.
    """

    id: Slug
    label: Name
    confidence: float = Field(ge=0, le=1)
    independent: bool
    description: Text


class Source(Model):
    """Where a figure came from, who stands behind it, when it was true, how it became known."""

    url: Url = None
    citation: Text | None = None
    title: Text | None = None
    publisher: Name | None = None
    kind: SourceKindId
    as_of: PartialDate = Field(...)
    evidence: EvidenceLevelId

    @model_validator(mode="after")
    def _has_reference(self) -> Source:
        if not self.url and not self.citation:
            raise ValueError("a source needs a url or a citation")
        return self

    @property
    def reference(self) -> str:
        """The address, or the citation where there is none."""
        return self.url or self.citation or ""


class Provenanced(Model):
    """The provenance columns every priced CSV row carries; ``source`` gives them as a ``Source``."""

    description: Text
    source_url: Url = Field(...)
    publisher: Annotated[Name | None, BeforeValidator(blank_to_none)] = None
    source_kind: SourceKindId
    as_of: PartialDate = None
    evidence: EvidenceLevelId

    @field_validator("source_url")
    @classmethod
    def _source_required(cls, v: str | None) -> str:
        if not v:
            raise ValueError("every figure needs its source URL")
        return v

    @property
    def source(self) -> Source:
        return from_columns(self.model_dump(include=set(SOURCE_COLUMNS)))


SOURCE_COLUMNS = ("source_url", "publisher", "source_kind", "as_of", "evidence")


def from_columns(row: Mapping[str, Any]) -> Source:
    """A table row's provenance columns (``SOURCE_COLUMNS``) as a ``Source``; blanks become None."""

    def value(key: str) -> Any:
        v = row.get(key)
        return None if v is None or v != v or v == "" else v  # v != v: a pandas NaN

    return Source.model_construct(
        url=value("source_url"),
        citation=None,
        title=None,
        publisher=value("publisher"),
        kind=value("source_kind"),
        as_of=value("as_of"),
        evidence=value("evidence"),
    )


def confidence(evidence: str, kind: str | None, vocab: Mapping[str, Mapping[str, Any]]) -> float:
    """A figure's confidence: its evidence level's, capped by what its kind of source allows."""
    level = vocab["evidence_levels"].get(evidence)
    value = level.confidence if level is not None else 0.0
    source_kind = vocab.get("source_kinds", {}).get(kind) if kind else None
    return min(value, source_kind.confidence) if source_kind is not None else value


def source_record(source: Source) -> dict[str, Any]:
    """A source as the plain columns (``SOURCE_COLUMNS``) tables and exports use."""
    return {
        "source_url": source.reference,
        "publisher": source.publisher,
        "source_kind": source.kind,
        "as_of": source.as_of,
        "evidence": source.evidence,
    }


def distinct(sources: Iterable[Source]) -> list[Source]:
    """Each source once (by address), in first-seen order: a figure cited twice counts once."""
    seen: dict[str, Source] = {}
    for source in sources:
        seen.setdefault(source.reference, source)
    return list(seen.values())


def provenance_of(rows: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """The distinct sources behind a figure and their newest date: ``{"sources", "as_of"}``.

    ``rows`` are table rows with the provenance columns (``SOURCE_COLUMNS``) or provenances
    this function made; a source cited by several rows counts once.
    """
    found: list[Source] = []
    for r in rows:
        found.extend(r["sources"] if "sources" in r else [from_columns(r)])
    sources = tuple(distinct(s for s in found if s.reference))
    dates = [s.as_of for s in sources if isinstance(s.as_of, str)]
    return {"sources": sources, "as_of": max(dates) if dates else None}
