"""Command line (``spine-compare`` or ``python -m compare``): validate, facilities, rank; the
shortlist commands (report, export, quotes) are in ``compare.cli_shortlists``."""

from __future__ import annotations

import argparse
import io
import json
import sys
from pathlib import Path

import pandas as pd

from compare import costs, criteria, export, fields, typed_ids
from compare.cli_common import EXIT_ERRORS, EXIT_OK, EXIT_USAGE, UsageError, load, progress, write
from compare.cli_shortlists import SHORTLIST_COMMANDS, add_shortlist_parsers
from compare.data import summary
from compare.engine import rank
from compare.problems import DataError
from compare.scenario import Scenario, scenario_from_yaml


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        # Named as it was called: the console script, or the module.
        prog="spine-compare" if Path(sys.argv[0]).name == "spine-compare" else "python -m compare",
        description="Compare hospitals abroad for lumbar spinal fusion. Decision support, not medical advice.",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    v = sub.add_parser("validate", help="check every data file; list all problems as file:line: field: message")
    v.add_argument("data_dir", nargs="?", default=None, help="data folder (default: the shipped data/)")
    v.add_argument("--quiet-warnings", action="store_true", help="print errors only")
    v.add_argument(
        "--summary",
        action="store_true",
        help="print coverage instead of problems: facilities, countries, facility prices, current "
        "accreditations, facts by kind of source, undated share, each against its target",
    )
    v.add_argument("--format", choices=["text", "json"], default="text", help="with --summary: text or JSON")

    f = sub.add_parser("facilities", help="one flat row per facility, each figure with source, as-of and evidence")
    f.add_argument("--data", default=None, help="data folder")
    f.add_argument("--format", choices=["csv", "json"], default="csv")
    f.add_argument("--out", type=Path, default=None, help="write to FILE instead of standard output")

    r = sub.add_parser("rank", help="rank facilities for a scenario")
    r.add_argument("--data", default=None, help="data folder")
    r.add_argument("--scenario", type=Path, default=None, help="scenario YAML (flags below override it)")
    add_scenario_flags(r)
    r.add_argument(
        "--weight",
        action="append",
        default=[],
        metavar="CRITERION=W",
        help=f"criterion weight; criteria: {', '.join(criteria.IDS)}",
    )
    r.add_argument("--preset", choices=sorted(criteria.PRESETS), help="start from a weight preset")
    r.add_argument(
        "--sensitivity",
        action="store_true",
        help="add P(rank 1) and P(top 3), sampling weights and each option's cost within its range",
    )
    r.add_argument("--samples", type=int, default=10_000, help="weight samples for --sensitivity")
    r.add_argument(
        "--confidence", type=float, default=10.0, help="how sure you are of your weights (Dirichlet concentration)"
    )
    r.add_argument("--seed", type=int, default=0)
    r.add_argument(
        "--format",
        choices=["table", "csv", "json", "xlsx"],
        default=None,
        help="default: a readable table on a terminal, CSV otherwise; xlsx needs --out",
    )
    r.add_argument("--out", type=Path, default=None)

    add_shortlist_parsers(sub)
    return parser


def cmd_validate(args) -> int:
    ds = load(args.data_dir)
    if args.summary:
        return _summary(ds, args.format)
    shown = ds.errors if args.quiet_warnings else ds.problems
    for problem in shown:
        print(problem)
    print(
        f"{len(ds.facilities)} facilities in {ds.facilities['country'].nunique() if len(ds.facilities) else 0} countries, "
        f"{len(ds.prices)} price rows, {len(ds.destination_costs)} destination costs, {len(ds.origins)} origins, "
        f"{len(ds.fx)} exchange rates: {len(ds.errors)} errors, {len(ds.warnings)} warnings",
        file=sys.stderr,
    )
    return EXIT_ERRORS if ds.errors else EXIT_OK


def _summary(ds, fmt: str) -> int:
    """Coverage against its targets; exit 1 when the data has errors (targets only inform)."""
    counts = summary.coverage(ds)
    if fmt == "json":
        rows = [
            {"key": c.key, "label": c.label.strip(), "value": c.value, "of": c.of, "share": c.share,
             "target": c.target, "met": c.met}
            for c in counts
        ]  # fmt: skip
        sys.stdout.write(json.dumps({"counts": rows, "errors": len(ds.errors), "warnings": len(ds.warnings)}, indent=2))
        sys.stdout.write("\n")
    else:
        width = max(len(c.label) for c in counts)
        for c in counts:
            print(f"{c.label:<{width}}  {c.text()}")
        missed = summary.unmet(counts)
        print(f"{len(counts) - len(missed)} of {len(counts)} lines meet their target or have none; "
              f"{len(ds.errors)} errors, {len(ds.warnings)} warnings")  # fmt: skip
    return EXIT_ERRORS if ds.errors else EXIT_OK


def cmd_facilities(args) -> int:
    ds = load(args.data)
    table = export.facilities_table(ds)
    write(export.to_csv_bytes(table) if args.format == "csv" else export.to_json_bytes(table), args.out)
    return EXIT_OK


def add_scenario_flags(parser: argparse.ArgumentParser) -> None:
    """One flag per scenario field (``compare.fields.FIELDS``): the same table the sidebar uses."""
    for f in fields.FIELDS:
        flag = f"--{f.flag}"
        what = f.label.format(currency="display currency")
        text = f"{what}. {f.help}".strip() if f.help else what
        if f.kind == "toggle":
            parser.add_argument(flag, dest=f.key, action=argparse.BooleanOptionalAction, default=None, help=text)
        elif f.kind in ("choices", "fares"):
            metavar = "COUNTRY=AMOUNT" if f.kind == "fares" else None
            parser.add_argument(
                flag, dest=f.key, action="append", default=[], metavar=metavar, help=f"{text} (repeatable)"
            )
        elif f.kind == "int" or f.options == "price_ages":
            parser.add_argument(flag, dest=f.key, type=int, help=text)
        elif f.kind == "float":
            parser.add_argument(flag, dest=f.key, type=float, help=text)
        elif f.options in fields.STATIC_OPTIONS:
            choices = [str(v) for v in fields.OPTION_SOURCES[f.options](None)]
            parser.add_argument(flag, dest=f.key, choices=choices, help=text)
        else:
            parser.add_argument(flag, dest=f.key, help=text)


def scenario_from_args(args, ds=None) -> Scenario:
    """The scenario file (or the defaults) with every flag given on the command line applied.

    With ``ds``, typed ids (techniques, accreditation, languages, countries…) are checked
    against the data: any case, and a suggestion for a near miss.
    """
    if args.scenario is not None:
        try:
            base = scenario_from_yaml(args.scenario.read_bytes(), str(args.scenario))
        except OSError as exc:
            raise UsageError(f"cannot read {args.scenario}: {exc.strerror}") from None
        except DataError as exc:
            raise UsageError(str(exc)) from None
    else:
        base = Scenario()
    state = fields.widget_state(base)
    for f in fields.FIELDS:
        value = getattr(args, f.key)
        if value is None or value == []:
            continue
        if f.kind == "fares":
            value = ", ".join(value)
        state[f.key] = value
    if args.preset:
        state.update({fields.WEIGHT_PREFIX + k: v for k, v in criteria.PRESETS[args.preset].items()})
    for item in args.weight:
        name, sep, value = item.partition("=")
        if not sep:
            raise UsageError(f"--weight expects CRITERION=NUMBER, got {item!r}")
        if name.strip() not in criteria.IDS:
            raise UsageError(f"--weight: unknown criterion {name.strip()!r}; known: {', '.join(criteria.IDS)}")
        try:
            state[fields.WEIGHT_PREFIX + name.strip()] = float(value)
        except ValueError:
            raise UsageError(f"--weight {name}: {value!r} is not a number") from None
    try:
        if ds is not None:
            state = typed_ids.resolve_ids(ds, state)
        return fields.scenario_from_state(state, base.data_hash)
    except ValueError as exc:
        raise UsageError(_first_error(exc)) from None


def _first_error(exc: Exception) -> str:
    errors = getattr(exc, "errors", None)
    if callable(errors):
        return "; ".join(
            f"{'.'.join(map(str, e['loc']))}: {e['msg'].removeprefix('Value error, ')}"
            for e in errors(include_url=False)
        )
    return str(exc)


def cmd_rank(args) -> int:
    ds = load(args.data)
    scenario = scenario_from_args(args, ds)
    if args.samples < 1 or args.samples > 1_000_000:
        raise UsageError("--samples must be between 1 and 1,000,000")
    what = f"Sampling {args.samples:,} weightings and prices" if args.sensitivity else "Ranking"
    try:
        with progress(what) as report_progress:
            result = rank(
                ds,
                scenario,
                sensitivity=args.sensitivity,
                samples=args.samples,
                concentration=args.confidence,
                seed=args.seed,
                progress=report_progress,
            )
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    if result.empty:
        print(result.message, file=sys.stderr)
    b = result.baseline
    home = (
        f"versus at home ({result.origin['country']}): {costs.format_range(b['low'], b['high'], result.scenario.trip.currency)}"
        f" from {b['n_figures']} published figure(s), " + (f"newest dated {b['as_of']}" if b["as_of"] else "undated")
        if b
        else f"versus at home: no home price found for {result.origin['country']}"
    )
    print(f"{home}; {result.rate_note}", file=sys.stderr)
    if result.empty:  # the same columns, no rows: a CSV reader still gets the header
        everyone = rank(ds, Scenario.model_validate({**scenario.model_dump(), "filters": {}}))
        table = export.ranking_table(everyone).iloc[0:0]
    else:
        table = export.ranking_table(result)
    fmt = args.format or ("table" if args.out is None and sys.stdout.isatty() else "csv")
    if fmt == "table":
        write(_table_text(result, table).encode("utf-8"), args.out)
    elif fmt == "xlsx":
        if args.out is None:
            raise UsageError("--format xlsx writes a binary file: give --out FILE.xlsx")
        write(export.to_xlsx_bytes({"ranking": table}), args.out)
    else:
        write(export.to_csv_bytes(table) if fmt == "csv" else export.to_json_bytes(table), args.out)
    return EXIT_OK


def _table_text(result, table: pd.DataFrame) -> str:
    """The ranking as a readable table: rank, facility, country, score, whole trip and its
    completeness, expected complications, and P(rank 1) when it was sampled."""
    from rich.console import Console
    from rich.table import Table

    currency = result.scenario.trip.currency
    view = Table(title=f"Lumbar fusion abroad, costs in {currency}", title_justify="left")
    for name, justify in (
        ("#", "right"),
        ("Facility", "left"),
        ("Country", "left"),
        ("Score", "right"),
        ("Whole trip", "right"),
        ("Complete", "right"),
        ("Complications", "right"),
    ):
        view.add_column(name, justify=justify)  # fmt: skip
    if "p_rank1" in table:
        view.add_column("P(rank 1)", justify="right")
    for _, row in table.iterrows():
        cells = [
            str(row["rank"]),
            str(row["name"]),
            str(row["country"]),
            f"{row['score']:.2f}",
            costs.format_range(row["total_low"], row["total_high"], ""),
            "—" if pd.isna(row["completeness"]) else f"{row['completeness']:.0%}",
            costs.format_range(row["expected_complications_low"], row["expected_complications_high"], "")
            if pd.notna(row["expected_complications_low"])
            else "unknown",
        ]
        if "p_rank1" in table:
            cells.append(f"{row['p_rank1']:.1%}")
        view.add_row(*(c.strip() for c in cells))
    console = Console(record=True, width=160, file=io.StringIO(), highlight=False, markup=False)
    console.print(view)
    if table.empty:
        console.print(result.message or "No option passes the filters.")
    return console.export_text()


COMMANDS = {"validate": cmd_validate, "facilities": cmd_facilities, "rank": cmd_rank, **SHORTLIST_COMMANDS}


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
