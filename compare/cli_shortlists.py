"""Shortlist commands: list, client report, export, quote requests and returned quotes."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from compare import costs, export
from compare.cli_common import EXIT_ERRORS, EXIT_OK, UsageError, load, working, write
from compare.problems import DataError
from compare.scenario import Scenario


def add_shortlist_parsers(sub: argparse._SubParsersAction) -> None:
    s = sub.add_parser("shortlists", help="list saved shortlists")
    _store_arguments(s)

    rep = sub.add_parser("report", help="client report of a shortlist: one self-contained HTML file")
    rep.add_argument("--shortlist", required=True, help="shortlist name")
    rep.add_argument("--out", type=Path, required=True, help="HTML file to write")
    _store_arguments(rep)
    rep.add_argument("--data", default=None, help="data folder")

    e = sub.add_parser("export", help="a shortlist as CSV or Excel, with source, as-of and evidence columns")
    e.add_argument("--shortlist", required=True, help="shortlist name")
    e.add_argument("--format", choices=["csv", "xlsx"], default="csv")
    e.add_argument("--out", type=Path, required=True)
    _store_arguments(e)
    e.add_argument("--data", default=None, help="data folder")

    q = sub.add_parser(
        "quote-request",
        help="for each facility of a shortlist: a printable request letter and a fill-in quote template",
    )
    q.add_argument("--shortlist", required=True, help="shortlist name")
    q.add_argument("--out", type=Path, required=True, help="folder to write the requests to")
    q.add_argument("--patient-name", default="", help="only if the patient agrees: no name is written otherwise")
    q.add_argument("--imaging", default="", help="imaging already done, e.g. 'MRI 2026-10, standing X-rays'")
    q.add_argument("--travel-dates", default="", help="e.g. 'March 2027, flexible'")
    _store_arguments(q)
    q.add_argument("--data", default=None, help="data folder")

    qi = sub.add_parser("quote-import", help="check a returned quote template (CSV or XLSX) and show what it changes")
    qi.add_argument("file", type=Path, help="the filled-in template")
    qi.add_argument("--shortlist", default=None, help="save the quote with this shortlist (the facility must be on it)")
    qi.add_argument("--facility", default=None, help="refuse a quote for any other facility")
    _store_arguments(qi)
    qi.add_argument("--data", default=None, help="data folder")


def _store_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        default=None,
        help="SQLite file or postgresql+psycopg:// URL (default: $SPINE_DATABASE_URL, $SPINE_SHORTLISTS_DB "
        "or ~/.local/share/spine-compare)",
    )
    parser.add_argument(
        "--owner", default="", help="whose shortlists, on a shared database: the user id the app shows when signed in"
    )


def _store(args):
    from compare.shortlists import ShortlistError, ShortlistStore

    try:
        return ShortlistStore(args.db, owner=args.owner)
    except ShortlistError as exc:
        raise UsageError(str(exc)) from None


def _shortlist(args):
    from compare.shortlists import ShortlistError

    try:
        shortlist = _store(args).get(args.shortlist)
    except ShortlistError as exc:
        raise UsageError(str(exc)) from None
    if shortlist.scenario is None:
        raise UsageError(f"the saved scenario of {args.shortlist!r} cannot be read: {shortlist.scenario_problem}")
    return shortlist


def _saved_quotes(args, shortlist) -> list:
    from compare import quotes
    from compare.shortlists import ShortlistError

    try:
        saved, unreadable = quotes.parse_saved(_store(args).quotes(shortlist.name))
    except ShortlistError as exc:
        raise UsageError(str(exc)) from None
    for fid in unreadable:
        print(f"warning: the saved quote of {fid} cannot be read; published figures are used", file=sys.stderr)
    return saved


def cmd_shortlists(args) -> int:
    from compare.shortlists import ShortlistError

    try:
        summaries = _store(args).list()
    except ShortlistError as exc:
        raise UsageError(str(exc)) from None
    for s in summaries:
        print(f"{s.name}\t{s.client or ''}\t{s.n_items} options\tupdated {s.updated_at}")
    if not summaries:
        print("no shortlists saved yet", file=sys.stderr)
    return EXIT_OK


def cmd_report(args) -> int:
    from compare import report
    from compare.snapshots import changes_since_saved

    shortlist = _shortlist(args)
    ds = load(args.data)
    ids = [item.facility_id for item in shortlist.items]
    saved = _saved_quotes(args, shortlist)
    try:
        current = report.shortlist_ranking(ds, shortlist.scenario, saved)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    changed = changes_since_saved(shortlist.items, current)
    with working(f"Writing the report for {shortlist.name}"):
        html = report.build_report(
            ds,
            shortlist.scenario,
            ids,
            title=f"Spinal fusion abroad: {shortlist.name}",
            client=shortlist.client,
            notes={i.facility_id: i.note for i in shortlist.items},
            changes=changed,
            ranking=current,
            quotes=saved,
        )
    write(html.encode("utf-8"), args.out)
    return EXIT_OK


def cmd_export(args) -> int:
    from compare import report

    shortlist = _shortlist(args)
    ds = load(args.data)
    ids = [item.facility_id for item in shortlist.items]
    try:
        ranking = report.shortlist_ranking(ds, shortlist.scenario, _saved_quotes(args, shortlist))
        notes = {i.facility_id: i.note for i in shortlist.items}
        table = report.shortlist_table(ds, shortlist.scenario, ids, notes, ranking=ranking)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    if args.format == "csv":
        write(export.to_csv_bytes(table), args.out)
    else:
        facts = ds.facts[ds.facts["facility_id"].isin(ids)]
        write(export.to_xlsx_bytes({"shortlist": table, "sources": facts}), args.out)
    return EXIT_OK


def cmd_quote_request(args) -> int:
    from compare import quotes

    shortlist = _shortlist(args)
    ds = load(args.data)
    trip = shortlist.scenario.trip
    case = quotes.Case(
        procedure=trip.procedure,
        companion=trip.companion,
        passport=trip.passport,
        imaging_done=args.imaging,
        travel_dates=args.travel_dates,
        patient_name=args.patient_name,
    )
    try:
        args.out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"cannot create {args.out}: {exc.strerror}") from None
    present = [item.facility_id for item in shortlist.items if item.facility_id in ds.facilities.index]
    for item in shortlist.items:
        if item.facility_id not in present:
            print(f"skipped {item.facility_id}: no longer in the data", file=sys.stderr)
    for name, data in quotes.request_files(ds, present, case, trip.currency).items():
        write(data, args.out / name)
    written = len(present)
    print(
        f"wrote {written} request(s) to {args.out}: a letter (.html) and a template (.csv, .xlsx) each", file=sys.stderr
    )
    return EXIT_OK


def cmd_quote_import(args) -> int:
    from compare import quotes
    from compare.shortlists import ShortlistError

    ds = load(args.data)
    try:
        raw = args.file.read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read {args.file}: {exc.strerror}") from None
    scenario = _shortlist(args).scenario if args.shortlist else Scenario()
    try:
        quote = quotes.read_quote(ds, raw, args.file.name, facility_id=args.facility)
    except DataError as exc:
        print(str(exc), file=sys.stderr)  # every problem, by row and column; nothing saved
        return EXIT_ERRORS
    checked = quotes.review(ds, costs.cost_frame(ds, scenario.trip), quote)
    answered = checked.comparison[checked.comparison["quote_status"] != ""]
    fid, currency = quote.facility_id, scenario.trip.currency
    lines = [f"{ds.facilities.loc[fid, 'name']}: quote from {quote.sender} dated {quote.quoted_on}"]
    if quote.expired():
        lines.append(f"EXPIRED on {quote.valid_until}: ask for a new quote before relying on it")
    lines += [f"  {r.label}: {r.change}" for r in answered.itertuples()]
    lines.append(
        f"  whole trip (comparable): {costs.format_range(*checked.before, currency)} before, "
        f"{costs.format_range(*checked.after, currency)} with the quote"
    )
    lines += [f"  {k.replace('_', ' ')}: {v}" for k, v in quote.answers.items()]
    print("\n".join(lines))
    if args.shortlist:
        try:
            _store(args).save_quote(args.shortlist, fid, quote.to_json())
        except ShortlistError as exc:
            raise UsageError(str(exc)) from None
        print(f"saved with the shortlist {args.shortlist!r}", file=sys.stderr)
    return EXIT_OK


SHORTLIST_COMMANDS = {
    "shortlists": cmd_shortlists,
    "report": cmd_report,
    "export": cmd_export,
    "quote-request": cmd_quote_request,
    "quote-import": cmd_quote_import,
}
