"""Data & sources: validation report, freshness, evidence mix, sources, and your own uploads."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages.state import page_dataset
from app_pages.ui import plain, split_sources
from compare import charts, i18n, uploads
from compare.data import summary
from compare.i18n import _, ngettext


def _report(problems) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"severity": p.severity.value, "file": p.file, "line": p.line, "field": p.field, "message": p.message}
            for p in problems
        ],
        columns=["severity", "file", "line", "field", "message"],
    )


def render() -> None:
    ds = page_dataset()
    kind_labels = {k: _(v.label) for k, v in ds.vocab.get("source_kinds", {}).items()}
    st.title(_("Data & sources"))
    facts = ds.facts
    with st.container(horizontal=True):
        st.metric(_("Facilities"), i18n.number(len(ds.facilities)), border=True)
        countries = ds.facilities["country"].nunique() if len(ds.facilities) else 0
        st.metric(_("Countries"), i18n.number(countries), border=True)
        st.metric(_("Price figures"), i18n.number(len(ds.prices)), border=True)
        stale_share = float(facts["stale"].mean()) if len(facts) else 0.0
        undated_share = float(facts["undated"].mean()) if len(facts) else 0.0
        st.metric(
            _("Facts older than {months} months").format(months=i18n.number(ds.stale_after_months)),
            i18n.percent(stale_share),
            border=True,
        )
        st.metric(_("Facts with no date"), i18n.percent(undated_share), border=True)

    st.subheader(_("Coverage"))
    counts = summary.coverage(ds)
    st.dataframe(
        pd.DataFrame(
            {
                _("What"): [_(c.label.strip()) for c in counts],
                _("Count"): [c.text() for c in counts],
            }
        ),
        hide_index=True,
        width="stretch",
        key="coverage",
    )
    st.caption(
        _(
            "The same counts as `python -m compare validate --summary`, each against the target the data is "
            "held to. Sources are counted once each, by who stands behind them."
        )
    )

    st.subheader(_("Validation report"))
    report = _report(ds.problems)
    errors = int((report["severity"] == "error").sum())
    if errors:
        st.error(
            ngettext(
                "{n} record(s) failed validation and were left out; everything else loaded.",
                "{n} record(s) failed validation and were left out; everything else loaded.",
                errors,
            ).format(n=i18n.number(errors))
        )
    else:
        st.success(_("All records passed validation."))
    st.dataframe(report, hide_index=True, width="stretch", key="validation_report")
    st.caption(
        _(
            "Warnings mark stale figures (older than {months} months): shown, but treat with care. "
            "Run `python -m compare validate data` for the same report on the command line."
        ).format(months=i18n.number(ds.stale_after_months))
    )

    if len(facts):
        labels = {k: _(v.label) for k, v in ds.vocab["evidence_levels"].items()}
        st.plotly_chart(charts.evidence_mix(facts, labels), key="evidence_chart", width="stretch")

    st.subheader(_("Sources"))
    src = (
        split_sources(facts)
        .assign(source_kind=facts["source_kind"].map(kind_labels))
        .groupby(["source_url", "citation", "publisher", "source_kind", "evidence"], dropna=False)
        .agg(facts=("field", "count"), facilities=("facility_id", "nunique"), as_of=("as_of", "max"))
        .reset_index()
    )
    st.dataframe(
        src.sort_values("facts", ascending=False),
        hide_index=True,
        width="stretch",
        key="sources",
        column_config={
            "source_url": st.column_config.LinkColumn(_("Source")),
            "citation": _("Citation"),
            "publisher": _("Publisher"),
            "source_kind": _("Who stands behind it"),
            "evidence": _("Evidence"),
            "facts": _("Facts"),
            "facilities": _("Facilities"),
            "as_of": _("Latest date"),
        },
    )
    st.dataframe(
        ds.prices[
            [
                "id",
                "country",
                "facility_id",
                "procedure",
                "use",
                "price_low",
                "price_high",
                "currency",
                "description",
                "as_of",
                "evidence",
                "publisher",
                "source_kind",
                "same_as",
                "source_url",
            ]
        ],
        hide_index=True,
        width="stretch",
        key="prices",
        column_config={"source_url": st.column_config.LinkColumn(_("Source"), display_text=_("source"))},
    )

    st.subheader(_("Travel model, clinical guidance and open data"))
    st.caption(
        _(
            "The sources behind estimated fares, hotel and meal ceilings, visa rules, the stay before flying "
            "home, hospital nights, implants and the cost of an extra level (travel.yaml, clinical.yaml)."
        )
    )
    model_sources = [
        {"file": file, "key": key, "title": src.title, "source_url": src.reference, "publisher": src.publisher,
         "source_kind": kind_labels.get(src.kind, src.kind), "as_of": src.as_of, "evidence": src.evidence}
        for file, block in (("travel.yaml", ds.travel), ("clinical.yaml", ds.clinical))
        if block is not None
        for key, src in block.sources.items()
    ]  # fmt: skip
    st.dataframe(
        split_sources(
            pd.DataFrame(
                model_sources,
                columns=["file", "key", "title", "source_url", "publisher", "source_kind", "as_of", "evidence"],
            )
        ),
        hide_index=True,
        width="stretch",
        key="model_sources",
        column_config={"source_url": st.column_config.LinkColumn(_("Source")), "title": _("What it is")},
    )

    st.subheader(_("Add your own data (this session only)"))
    st.caption(
        _(
            "A facility file (.yaml, same format as data/facilities/) or price quotes (.csv, same columns as "
            "data/prices/procedure_prices.csv), up to {size} KB. It is checked first; "
            "a file with any problem changes nothing. Nothing is stored on the server."
        ).format(size=i18n.number(uploads.MAX_UPLOAD_BYTES // 1024))
    )
    upload = st.file_uploader(
        _("Upload a facility YAML or a price CSV"), type=["yaml", "yml", "csv"], key="upload", max_upload_size=1
    )
    if upload is not None:
        raw = upload.getvalue()
        token = (upload.name, len(raw), hash(raw))
        if st.session_state.get("_last_upload") != token:
            st.session_state["_last_upload"] = token
            updated, problems = uploads.add_upload(ds, upload.name, raw)
            if updated is None:
                st.session_state["_upload_result"] = ("error", plain(upload.name), problems)
            else:
                st.session_state.setdefault("uploads", []).append((upload.name, raw))
                st.session_state["_upload_result"] = ("ok", plain(upload.name), problems)
                st.rerun()
    result = st.session_state.get("_upload_result")
    if result:
        kind, name, problems = result
        if kind == "error":
            st.error(_("{name} was not added. Fix these problems and upload it again:").format(name=name))
        else:
            st.success(_("{name} was added for this session.").format(name=name))
        if problems:
            st.dataframe(_report(problems), hide_index=True, width="stretch", key="upload_report")
    added = st.session_state.get("uploads", [])
    if added:
        names = ", ".join(plain(n) for n, _raw in added)
        st.write(_("Your uploads in this session: {names}").format(names=names))
        if st.button(_("Remove my uploads"), key="clear_uploads"):
            st.session_state["uploads"] = []
            st.session_state.pop("_upload_result", None)
            st.rerun()


render()
