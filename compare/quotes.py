"""Quote requests to hospitals, and the quotes they send back as cost components that win.

A request asks, for one facility, every cost component the engine knows ("included? amount?
currency?") and the questions that matter; the fill-in template (``request_template``) is the
same table as CSV or Excel. ``read_quote`` validates a returned template: every problem names
its row and column, and nothing comes back unless everything is right. ``apply_quotes`` makes
the quoted lines win over published and estimated figures in a ``CostFrame``;
``quote_comparison`` shows what a quote adds or leaves out.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import difflib
import html
import io
import json
import math
import re
import zipfile
from dataclasses import dataclass, field

import pandas as pd

from compare import costs, export, i18n
from compare.costs.base import INSURANCE, PACKAGE, VARIANT, Status
from compare.costs.totals import CostFrame, fill_unknown, trip_totals
from compare.data import Dataset
from compare.data.provenance import Source
from compare.i18n import _
from compare.problems import DataError, Problem

MAX_BYTES = 512 * 1024
MAX_ROWS = 200
MAX_LINE_USD = 500_000  # one line of a quote above this (in US dollars) is a typo, not a price
TEMPLATE_COLUMNS = ["facility_id", "item", "label", "included", "amount", "currency", "answer"]
FORMULA_PREFIXES = ("=", "+", "@")
AMOUNT = re.compile(r"\d+(\.\d+)?|\d{1,3}(,\d{3})+(\.\d+)?")
YES, NO = {"yes", "y", "true", "1"}, {"no", "n", "false", "0"}

# Questions asked besides the cost lines: item -> what is asked. Dates are YYYY-MM-DD.
QUESTIONS = {
    "sender": "Who sends this quote (name, role, hospital or facilitator)",
    "quote_date": "Date of this quote (YYYY-MM-DD)",
    "valid_until": "The quote is valid until (YYYY-MM-DD)",
    "implant_make": "Implant make and model (screws, rods, cage)",
    "surgeon": "Named surgeon who will operate",
    "nights_included": "Hospital nights included in the price",
    "complications": "If a complication needs treatment: what is done, and who pays",
    "revision": "If a revision operation is needed: what is done, and who pays",
}
REQUIRED_ANSWERS = ("sender", "quote_date")


@dataclass(frozen=True)
class Case:
    """The patient's case as the request states it; no name unless the facilitator types one."""

    procedure: str
    companion: bool = False
    passport: str | None = None
    imaging_done: str = ""
    travel_dates: str = ""
    patient_name: str = ""


@dataclass(frozen=True)
class QuoteLine:
    component: str
    included: bool | None  # None: the quote does not say
    amount: float | None
    currency: str | None


@dataclass(frozen=True)
class Quote:
    facility_id: str
    sender: str
    quoted_on: dt.date
    valid_until: dt.date | None
    lines: tuple[QuoteLine, ...]
    answers: dict[str, str] = field(default_factory=dict)

    def expired(self, today: dt.date | None = None) -> bool:
        return self.valid_until is not None and self.valid_until < (today or dt.date.today())

    def to_json(self) -> str:
        data = dataclasses.asdict(self)
        data["quoted_on"] = self.quoted_on.isoformat()
        data["valid_until"] = self.valid_until.isoformat() if self.valid_until else None
        return json.dumps(data, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> Quote:
        data = json.loads(text)
        return cls(
            facility_id=data["facility_id"],
            sender=data["sender"],
            quoted_on=dt.date.fromisoformat(data["quoted_on"]),
            valid_until=dt.date.fromisoformat(data["valid_until"]) if data["valid_until"] else None,
            lines=tuple(QuoteLine(**line) for line in data["lines"]),
            answers=data["answers"],
        )


def parse_saved(texts: dict[str, str]) -> tuple[list[Quote], list[str]]:
    """Saved quotes (facility id -> JSON) as ``Quote``s, and the ids of any that cannot be read."""
    good, bad = [], []
    for fid, text in texts.items():
        try:
            good.append(Quote.from_json(text))
        except (ValueError, KeyError, TypeError):
            bad.append(fid)
    return good, bad


def components(ds: Dataset) -> dict[str, str]:
    """The cost lines a quote can answer: the operation package and every component, by id."""
    out = {PACKAGE: "Operation package (surgery, hospital stay and what it includes)"}
    out.update({cid: c.label for cid, c in ds.vocab["cost_components"].items()})
    return out


# -- the request --------------------------------------------------------------------------


def request_template(ds: Dataset, facility_id: str, currency: str) -> pd.DataFrame:
    """The fill-in template: one row per cost line, then one per question."""
    _known_facility(ds, facility_id)
    rows = [
        {"item": cid, "label": label, "included": "", "amount": None, "currency": currency, "answer": ""}
        for cid, label in components(ds).items()
    ]
    rows += [
        {"item": q, "label": text, "included": "", "amount": None, "currency": "", "answer": ""}
        for q, text in QUESTIONS.items()
    ]
    return pd.DataFrame(rows).assign(facility_id=facility_id)[TEMPLATE_COLUMNS]


def request_letter(ds: Dataset, facility_id: str, case: Case, currency: str) -> str:
    """A printable HTML letter asking one facility for an itemised quote."""
    fac = ds.facilities.loc[_known_facility(ds, facility_id)]
    known = ds.vocab["procedures"].get(case.procedure)
    procedure = known.label if known else case.procedure
    e = html.escape
    facts = [
        ("Operation", procedure),
        ("Patient", case.patient_name or "(name given once you reply)"),
        ("Imaging already done", case.imaging_done or "not stated"),
        ("Travel dates", case.travel_dates or "flexible"),
        ("Companion", "yes, one companion travels with the patient" if case.companion else "no"),
        ("Passport", case.passport or "not stated"),
    ]
    case_rows = "".join(f"<tr><th>{e(k)}</th><td>{e(str(v))}</td></tr>" for k, v in facts)
    line_rows = "".join(
        f"<tr><td>{e(label)}</td><td>yes / no</td><td></td><td>{e(currency)}</td></tr>"
        for label in components(ds).values()
    )
    questions = "".join(f"<li>{e(text)}</li>" for text in QUESTIONS.values())
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Quote request: {e(fac["name"])}</title>
<style>body{{font-family:sans-serif;max-width:48rem;margin:2rem auto;line-height:1.4}}
table{{border-collapse:collapse;width:100%}}th,td{{border:1px solid #999;padding:.3rem;text-align:left}}
@media print{{body{{margin:0}}}}</style></head><body>
<p>To: the international patient office, {e(fac["name"])}, {e(str(fac["city"]))}</p>
<h1>Request for an itemised quote: lumbar spinal fusion</h1>
<p>We are comparing hospitals for the operation below. Please quote each line: whether your price
includes it, and if not, its amount and currency. The attached template (CSV or Excel, one row per
line) has the same lines; filling it in lets us compare your quote fairly with others.</p>
<h2>The case</h2><table>{case_rows}</table>
<h2>What the price covers</h2>
<table><tr><th>Cost line</th><th>Included?</th><th>Amount</th><th>Currency</th></tr>{line_rows}</table>
<h2>Questions</h2><ol>{questions}</ol>
<p>Facility reference: <code>{e(facility_id)}</code> (please keep it in the template).</p>
</body></html>
"""


def request_files(ds: Dataset, facility_ids: list[str], case: Case, currency: str) -> dict[str, bytes]:
    """Per facility, by file name: the letter (``<id>.html``) and the template (``<id>-quote.csv``, ``.xlsx``)."""
    files = {}
    for fid in facility_ids:
        template = request_template(ds, fid, currency)
        files[f"{fid}.html"] = request_letter(ds, fid, case, currency).encode("utf-8")
        files[f"{fid}-quote.csv"] = export.to_csv_bytes(template)
        files[f"{fid}-quote.xlsx"] = export.to_xlsx_bytes({"quote": template})
    return files


def as_zip(files: dict[str, bytes]) -> bytes:
    """Several request files as one ZIP archive (one download in the dashboard)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _known_facility(ds: Dataset, facility_id: str) -> str:
    if facility_id not in ds.facilities.index:
        raise ValueError(f"unknown facility {facility_id!r}{_suggest(facility_id, ds.facilities.index)}")
    return facility_id


def _suggest(value: str, known) -> str:
    close = difflib.get_close_matches(value, [str(k) for k in known], n=1)
    return f"; did you mean {close[0]!r}?" if close else ""


# -- the returned quote -------------------------------------------------------------------


def _cells(raw: bytes, name: str) -> list[list[tuple[object, bool]]]:
    """Rows of (value, is_formula) from a CSV or XLSX file; ``DataError`` for anything else."""
    if len(raw) > MAX_BYTES:
        raise DataError([Problem(name, 1, "(file)", f"larger than {MAX_BYTES // 1024} KB: not a quote template")])
    if raw.startswith(b"PK\x03\x04"):
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(io.BytesIO(raw), data_only=False, read_only=True).worksheets[0]
            rows = [[(c.value, c.data_type == "f") for c in row] for row in sheet.iter_rows(max_row=MAX_ROWS + 2)]
        except Exception as exc:  # openpyxl raises many kinds for a damaged or foreign zip
            raise DataError([Problem(name, 1, "(file)", f"not a readable Excel workbook ({exc})")]) from None
        return rows
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = None
    if text is None or "\x00" in text:
        raise DataError([Problem(name, 1, "(file)", "not a CSV or Excel (.xlsx) file")])
    rows = list(csv.reader(io.StringIO(text)))[: MAX_ROWS + 2]
    return [[(v, v.startswith(FORMULA_PREFIXES)) for v in row] for row in rows]


def read_quote(ds: Dataset, raw: bytes, name: str, *, facility_id: str | None = None) -> Quote:
    """A returned template as a ``Quote``; ``DataError`` listing every problem by row and column.

    With ``facility_id``, a quote for another facility is refused.
    """
    rows = _cells(raw, name)
    if len(rows) > MAX_ROWS + 1:
        raise DataError([Problem(name, MAX_ROWS + 2, "(rows)", f"more than {MAX_ROWS} rows: not a quote template")])
    if not rows:
        raise DataError([Problem(name, 1, "(file)", "empty: expected the quote template's header and rows")])
    header = [str(v or "").strip().lower() for v, _ in rows[0]]
    missing = [c for c in TEMPLATE_COLUMNS if c not in header and c != "label"]  # the label is only a reminder
    if missing:
        raise DataError([Problem(name, 1, "(header)", f"missing column(s) {missing}; expected {TEMPLATE_COLUMNS}")])
    col = {c: header.index(c) for c in TEMPLATE_COLUMNS if c in header}
    known = components(ds)
    rates = costs.fx_table(ds)
    problems: list[Problem] = []
    lines: list[QuoteLine] = []
    answers: dict[str, str] = {}
    facilities: set[str] = set()

    for number, row in enumerate(rows[1:], start=2):

        def cell(column: str, row=row) -> tuple[str, bool]:
            i = col[column]
            value, formula = row[i] if i < len(row) else (None, False)
            return ("" if value is None else str(value).strip()), formula

        def problem(column: str, message: str, number=number) -> None:
            problems.append(Problem(name, number, f"column {col[column] + 1} ({column})", message))

        if not any(cell(c)[0] for c in col):
            continue  # a blank line
        formulas = [c for c in col if cell(c)[1]]
        for c in formulas:
            problem(c, "a formula: type the value itself")
        if formulas:
            continue
        item, fid = cell("item")[0], cell("facility_id")[0]
        if fid not in ds.facilities.index:
            problem("facility_id", f"unknown facility {fid!r}{_suggest(fid, ds.facilities.index)}")
        elif facility_id is not None and fid != facility_id:
            problem("facility_id", f"this quote is for {fid!r}, not {facility_id!r}")
        facilities.add(fid)
        if item in QUESTIONS:
            answers[item] = cell("answer")[0]
            continue
        if item not in known:
            problem("item", f"unknown item {item!r}{_suggest(item, [*known, *QUESTIONS])}")
            continue
        included_text = cell("included")[0].lower()
        included = True if included_text in YES else False if included_text in NO else None
        if included_text and included is None:
            problem("included", f"{cell('included')[0]!r}: write yes or no")
        amount, currency = _amount(
            cell("amount")[0], cell("currency")[0].upper(), rates, lambda m: problem("amount", m)
        )
        if amount is not None and currency not in rates:
            problem("currency", f"unknown currency {cell('currency')[0]!r}; use an ISO 4217 code such as EUR or THB")
            continue
        if included is not None or amount is not None:  # an unanswered line says nothing
            lines.append(QuoteLine(item, included, amount, currency if amount is not None else None))

    if len(facilities) > 1:
        problems.append(Problem(name, 2, "facility_id", f"one facility per quote; found {sorted(facilities)}"))
    dates = {}
    for key in ("quote_date", "valid_until"):
        text = answers.get(key, "")
        try:
            dates[key] = dt.date.fromisoformat(text) if text else None
        except ValueError:
            problems.append(Problem(name, _row_of(rows, col, key), key, f"{text!r} is not a date (YYYY-MM-DD)"))
    for key in REQUIRED_ANSWERS:
        if not answers.get(key):
            problems.append(Problem(name, _row_of(rows, col, key), key, "required: who sent the quote, and when"))
    if dates.get("quote_date") and dates["quote_date"] > dt.date.today():
        problems.append(Problem(name, _row_of(rows, col, "quote_date"), "quote_date", "in the future"))
    if not lines and not problems:
        problems.append(Problem(name, 2, "(rows)", "no cost line is answered"))
    if problems:
        raise DataError(problems)
    return Quote(
        facility_id=next(iter(facilities)),
        sender=answers["sender"],
        quoted_on=dates["quote_date"],
        valid_until=dates.get("valid_until"),
        lines=tuple(lines),
        answers={k: v for k, v in answers.items() if v and k not in ("sender", "quote_date", "valid_until")},
    )


def _row_of(rows, col, item: str) -> int:
    for number, row in enumerate(rows[1:], start=2):
        i = col["item"]
        if i < len(row) and str(row[i][0] or "").strip() == item:
            return number
    return 1


def _amount(text: str, currency: str, rates: dict[str, float], problem) -> tuple[float | None, str]:
    if not text:
        return None, currency
    plain = text.replace(" ", "").replace("\u00a0", "")
    if plain.startswith("-"):
        problem(f"{text!r}: an amount must be zero or more")
        return None, currency
    # Only unambiguous forms: "12.000,00" (a European 12,000) must not become 12.
    if not AMOUNT.fullmatch(plain):
        problem(f"{text!r} is not a number: write it as 12000 or 12,000.50")
        return None, currency
    amount = float(plain.replace(",", ""))
    if currency in rates and amount / rates[currency] > MAX_LINE_USD:
        problem(f"{amount:,.0f} {currency} is above {MAX_LINE_USD:,} USD for one line; check the amount")
        return None, currency
    return amount, currency


# -- quotes in the whole-trip cost ----------------------------------------------------------


def apply_quotes(ds: Dataset, frame: CostFrame, quotes: list[Quote], today: dt.date | None = None) -> CostFrame:
    """The cost frame with each quote's lines winning over published and estimated figures."""
    if not quotes:
        return frame
    rates = costs.fx_table(ds)
    display = rates[frame.trip.currency]
    comp = frame.components.copy()
    for quote in quotes:
        source = Source(
            citation=f"Quote from {quote.sender}, dated {quote.quoted_on.isoformat()}",
            publisher=quote.sender,
            kind="hospital",
            as_of=quote.quoted_on.isoformat(),
            evidence="facility_published",
        )
        dates = {"sender": quote.sender, "date": quote.quoted_on.isoformat()}
        if quote.expired(today):
            when = _("quoted by {sender} on {date}; EXPIRED on {expired}: ask for a new quote").format(
                expired=quote.valid_until.isoformat(), **dates
            )
        else:
            when = _("quoted by {sender} on {date}").format(**dates)
        mine = comp["facility_id"] == quote.facility_id
        for line in quote.lines:
            rows = mine & (comp["component"] == line.component)
            if line.amount is not None:
                value = line.amount / rates[line.currency] * display
                amount = i18n.number(line.amount, 2) + " " + line.currency
                status, basis = Status.QUOTED, _("{when} ({amount})").format(when=when, amount=amount)
            elif line.included:
                value, status, basis = 0.0, Status.INCLUDED, _("included in the price {when}").format(when=when)
            elif line.included is False:
                value, status = math.nan, Status.UNKNOWN
                basis = _("not included in the price {when}; amount not given").format(when=when)
            else:
                continue
            comp.loc[rows, ["low", "high"]] = value
            comp.loc[rows, ["status", "basis", "as_of"]] = [status.value, basis, quote.quoted_on.isoformat()]
            comp.loc[rows, ["fill_low", "fill_high", "fill_basis"]] = [math.nan, math.nan, None]
            comp.loc[rows, "sources"] = pd.Series([(source,)] * int(rows.sum()), index=comp.index[rows])
            if line.component == PACKAGE:
                comp.loc[rows, "label"] = _("Operation (quoted price)")
        if any(line.component == PACKAGE and line.amount is not None for line in quote.lines):
            # The quote prices this exact operation: no estimated variant difference on top.
            rows = mine & (comp["component"] == VARIANT)
            comp.loc[rows, ["low", "high", "status", "basis"]] = [0.0, 0.0, Status.INCLUDED.value, when]
    comp = fill_unknown(ds, comp)
    totals = trip_totals(comp)
    totals = totals.join(frame.totals.drop(columns=[c for c in totals.columns if c in frame.totals]))
    return dataclasses.replace(frame, components=comp, totals=totals)


def quote_comparison(before: CostFrame, after: CostFrame, quote: Quote) -> pd.DataFrame:
    """Per cost line of the quoted facility: the figure before the quote, the quote, and what changed."""
    currency = before.trip.currency
    old = before.components[before.components["facility_id"] == quote.facility_id].set_index("component")
    new = after.components[after.components["facility_id"] == quote.facility_id].set_index("component")
    answered = {line.component: line for line in quote.lines}
    rows = []
    for cid, was in old.iterrows():
        if cid == INSURANCE:
            continue
        now, line = new.loc[cid], answered.get(cid)
        before_text = _figure(was, currency)
        if line is None:
            change = _("not answered by the quote")
        elif line.amount is not None:
            change = _("quoted {amount}; before: {before}").format(
                amount=costs.format_money(now["low"], currency), before=before_text
            )
        elif line.included:
            change = _("included in the quoted price; before: {before}").format(before=before_text)
        else:
            change = _("left out of the quoted price, amount not given; before: {before}").format(before=before_text)
        rows.append(
            {
                "component": cid,
                "label": now["label"],
                "before": before_text,
                "before_status": was["status"],
                "quote": _figure(now, currency) if line is not None else "",
                "quote_status": now["status"] if line is not None else "",
                "change": change,
            }
        )
    out = pd.DataFrame(rows)
    out["expired"] = quote.expired()
    return out


@dataclass(frozen=True)
class Review:
    """One quote against the published and estimated figures: per line, and the whole trip."""

    comparison: pd.DataFrame  # quote_comparison
    before: tuple[float, float]  # comparable whole trip without the quote
    after: tuple[float, float]  # and with it


def review(ds: Dataset, before: CostFrame, quote: Quote) -> Review:
    """What ``quote`` changes in a trip's cost frame (``costs.cost_frame``, without quotes)."""
    after = apply_quotes(ds, before, [quote])
    fid = quote.facility_id

    def whole(frame: CostFrame) -> tuple[float, float]:
        return float(frame.totals.loc[fid, "comparable_low"]), float(frame.totals.loc[fid, "comparable_high"])

    return Review(quote_comparison(before, after, quote), whole(before), whole(after))


def _figure(row: pd.Series, currency: str) -> str:
    if row["status"] == Status.INCLUDED.value:
        return _("included")
    if row["status"] == Status.UNKNOWN.value:
        return _("not reported")
    return _("{amount} ({status})").format(
        amount=costs.format_range(row["low"], row["high"], currency), status=costs.status_word(row["status"])
    )
