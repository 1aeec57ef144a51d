"""Small shared pieces of the dashboard: the disclaimer, safe text and the footer."""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from compare import i18n
from compare.data import Dataset
from compare.i18n import _, ngettext


def not_reported(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return _("not reported")
    if isinstance(value, list):
        return ", ".join(map(str, value)) or _("none found")
    return str(value)


_MD_SPECIAL = set("\\`*_{}[]()#+-.!|<>~:$&")
_JOINER = "\u2060"  # an invisible word joiner: breaks autolinks without changing what shows


def plain(text: object) -> str:
    """Escape markdown so text from data or uploads shows literally (no links, no markup).

    Backslash escapes stop markup, but Markdown still turns bare URLs, ``www.`` names and
    e-mail addresses into links, so those get an invisible word joiner as well.
    """
    escaped = "".join("\\" + ch if ch in _MD_SPECIAL else ch for ch in str(text))
    for pattern, replacement in (
        ("\\:", "\\:" + _JOINER),
        ("www", "w" + _JOINER + "ww"),
        ("WWW", "W" + _JOINER + "WW"),
        ("@", _JOINER + "@"),
    ):
        escaped = escaped.replace(pattern, replacement)
    return escaped


def split_sources(df: pd.DataFrame, column: str = "source_url") -> pd.DataFrame:
    """Copy with ``column`` kept only for http(s) URLs (a link column) and ``citation`` for the rest."""
    is_url = df[column].map(lambda v: isinstance(v, str) and v.startswith(("http://", "https://")))
    return df.assign(**{column: df[column].where(is_url), "citation": df[column].where(~is_url)})


def footer(ds: Dataset) -> None:
    meta = ds.metadata
    st.divider()
    if meta is not None:
        n = len(ds.facilities)
        about = ngettext(
            "Data: {title} · Licence: {licence} · Retrieved: {retrieved} · {n} facility · data version {version}",
            "Data: {title} · Licence: {licence} · Retrieved: {retrieved} · {n} facilities · data version {version}",
            n,
        ).format(
            title=meta.title,
            licence=meta.license,
            retrieved=meta.retrieved,
            n=i18n.number(n),
            version=ds.content_hash[:12],
        )
        st.caption(f"{_(ds.disclaimer)}  \n{about}")
    else:
        st.caption(_(ds.disclaimer))


def who_stands_behind(ds: Dataset, sources) -> str:
    """The kinds of source behind a figure and how it became known, in words ("—" when none)."""
    kinds, levels = ds.vocab.get("source_kinds", {}), ds.vocab["evidence_levels"]
    unknown = _("unknown kind")
    words = [
        _("{who} ({how})").format(
            who=_(kinds[s.kind].label) if s.kind in kinds else unknown,
            how=_(levels[s.evidence].label).lower() if s.evidence in levels else s.evidence,
        )
        for s in sources
    ]
    return "; ".join(dict.fromkeys(words)) or "—"
