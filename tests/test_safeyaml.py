"""File-level faults: malformed or hostile YAML and CSV never crash the loader.

Each case is checked twice: directly against ``compare.data.safeyaml`` / the CSV reader, and
through ``load_dataset`` on a copy of the shipped data where only the broken file's
record is lost. The nesting bombs also run in a child process, because a C-level stack
overflow would kill the test runner itself rather than fail a test.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
import yaml

from compare.data import load_dataset, safeyaml
from compare.data.read import MAX_CSV_BYTES, read_csv_rows, read_csv_text
from compare.problems import DataError, Problem

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
RECENT = (dt.date.today() - dt.timedelta(days=90)).strftime("%Y-%m")
FID = "in-zz-yaml"
FAC = f"data/facilities/in/{FID}.yaml"
PRICES = "data/prices/procedure_prices.csv"

FACILITY = f"""# A facility written by tests/test_safeyaml.py.
id: {FID}
name: YAML Test Hospital
country: IN
city: Pune
district: Kothrud
summary: A made-up record used only by the tests.
location: {{lat: 18.5, lon: 73.8, airport: PNQ, source: site}}
sources:
  site: {{url: "https://example.org/spine", as_of: {RECENT}, kind: hospital, evidence: facility_published}}
techniques:
  - {{id: mis_tlif, source: site}}
"""
PRICE_ROW = (
    f"zz-yaml-price,IN,{FID},lumbar_fusion,estimate,5000,6000,USD,,,Test figure,"
    f"https://example.org/price,Test Hospital,hospital,{RECENT},facility_published,"
)

# Nesting bombs: each is far deeper than any real file and well under the size limit.
DEEP = {
    "flow sequences": "[" * 100_000 + "]" * 100_000,
    "flow mappings": "{a: " * 50_000 + "1" + "}" * 50_000,
    "block sequences on one line": "- " * 100_000 + "x",
    "explicit keys on one line": "? " * 100_000 + "x",
    "explicit value then sequences": "? a\n: " + "- " * 100_000 + "x",
    "indented block mappings": "".join(" " * i + "a:\n" for i in range(600)) + " " * 600 + "b: 1\n",
}


def make_data(tmp_path: Path, facility: str | bytes | None = FACILITY) -> Path:
    root = tmp_path / "data"
    shutil.copytree(DATA, root)
    if facility is not None:
        path = root / "facilities" / "in" / f"{FID}.yaml"
        if isinstance(facility, bytes):
            path.write_bytes(facility)
        else:
            path.write_text(facility, encoding="utf-8")
    return root


def line_of(text: str, needle: str) -> int:
    hits = [i for i, line in enumerate(text.splitlines(), 1) if needle in line]
    assert len(hits) == 1, f"{needle!r} found on lines {hits}"
    return hits[0]


def only(problems: list[Problem]) -> Problem:
    assert len(problems) == 1, "\n".join(map(str, problems))
    return problems[0]


def parse_error(text: str, name: str = "t.yaml") -> Problem:
    with pytest.raises(DataError) as info:
        safeyaml.parse(text, name)
    return only(info.value.problems)


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    ds = load_dataset(make_data(tmp_path_factory.mktemp("base")), use_cache=False)
    assert FID in ds.facility_records
    assert not [p for p in ds.problems if p.file == FAC]
    return ds


def load_broken(tmp_path: Path, facility: str | bytes, base) -> Problem:
    """Load a copy whose test facility is ``facility``; only that record may be lost."""
    ds = load_dataset(make_data(tmp_path, facility), use_cache=False)
    assert FID not in ds.facility_records
    assert len(ds.facilities) == len(base.facilities) - 1
    assert len(ds.prices) == len(base.prices)
    return only(sorted(set(ds.problems) - set(base.problems)))


# ---- malformed YAML -----------------------------------------------------------------

MALFORMED = {
    "value after a value": ("city: Pune", "city: Pune: West", "Pune: West"),
    "tab indentation": ("district: Kothrud", "district:\n\tKothrud", "\tKothrud"),
    "unclosed flow mapping": (
        "  - {id: mis_tlif, source: site}",
        "  - {id: mis_tlif, source: site\nfoo: bar",
        "foo: bar",
    ),
    "bad indentation": ("city: Pune", "city: Pune\n  extra: x", "extra: x"),
}


@pytest.mark.parametrize("case", list(MALFORMED), ids=list(MALFORMED))
def test_malformed_yaml_is_reported_with_its_line(tmp_path, base, case):
    old, new, needle = MALFORMED[case]
    text = FACILITY.replace(old, new)
    problem = load_broken(tmp_path, text, base)
    assert (problem.file, problem.field) == (FAC, "file")
    assert "malformed YAML" in problem.message
    # libyaml reports where it noticed: the broken line or the one right after it.
    assert problem.line in {line_of(text, needle), line_of(text, needle) + 1}, str(problem)


def test_several_documents_in_one_file_are_refused():
    assert "malformed YAML" in parse_error("a: 1\n---\nb: 2\n").message


def test_empty_facility_file_is_reported(tmp_path, base):
    problem = load_broken(tmp_path, "", base)
    assert problem.file == FAC and problem.line == 1


def test_facility_file_that_is_a_list_is_reported(tmp_path, base):
    problem = load_broken(tmp_path, "- a\n- b\n", base)
    assert (problem.file, problem.line, problem.field) == (FAC, 1, "(document)")


# ---- duplicate keys -----------------------------------------------------------------


def test_duplicate_key_direct():
    problem = parse_error("a: 1\nb:\n  c: 2\n  c: 3\n")
    assert (problem.line, problem.field) == (4, "b.c")
    assert "duplicate" in problem.message and "line 3" in problem.message


@pytest.mark.parametrize("second", ["city: Mumbai", "'city': Mumbai", '"city": Mumbai'])
def test_duplicate_key_in_a_facility(tmp_path, base, second):
    text = FACILITY.replace("district: Kothrud", f"district: Kothrud\n{second}")
    problem = load_broken(tmp_path, text, base)
    assert (problem.file, problem.line, problem.field) == (FAC, line_of(text, "Mumbai"), "city")
    assert "duplicate" in problem.message and f"line {line_of(text, 'city: Pune')}" in problem.message


def test_duplicate_key_inside_a_flow_mapping(tmp_path, base):
    text = FACILITY.replace("{id: mis_tlif, source: site}", "{id: mis_tlif, source: site, id: alif}")
    problem = load_broken(tmp_path, text, base)
    assert (problem.line, problem.field) == (line_of(text, "alif"), "techniques.0.id")


# ---- aliases, anchors, merge keys ---------------------------------------------------


def test_alias_is_refused_direct():
    problem = parse_error("a: &x [1, 2]\nb: *x\n")
    assert (problem.line, problem.field) == (2, "b")
    assert "alias" in problem.message


def test_alias_used_as_a_key_is_refused_too():
    problem = parse_error("a: &k city\n*k : Pune\n")
    assert problem.line == 2 and "alias" in problem.message


def test_recursive_alias_is_refused_without_recursing_forever():
    problem = parse_error("a: &a [1, *a]\n")
    assert problem.line == 1 and problem.field == "a.1" and "alias" in problem.message


def test_alias_in_a_facility(tmp_path, base):
    text = FACILITY.replace("name: YAML Test Hospital", "name: &n YAML Test Hospital").replace(
        "district: Kothrud", "district: *n"
    )
    problem = load_broken(tmp_path, text, base)
    assert (problem.file, problem.line, problem.field) == (FAC, line_of(text, "*n"), "district")
    assert "alias" in problem.message


def test_merge_key_is_refused(tmp_path, base):
    text = FACILITY.replace("location: {lat", "location: &loc {lat").replace(
        "techniques:", "extra:\n  <<: *loc\ntechniques:"
    )
    problem = load_broken(tmp_path, text, base)
    assert problem.line == line_of(text, "<<")
    assert "merge" in problem.message or "alias" in problem.message


def test_undefined_alias_is_malformed(tmp_path, base):
    problem = load_broken(tmp_path, FACILITY.replace("district: Kothrud", "district: *nowhere"), base)
    assert problem.field == "file" and "malformed YAML" in problem.message


def test_alias_bomb_is_refused_quickly(tmp_path, base):
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, cur in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{cur}: &{cur} [{', '.join([f'*{prev}'] * 9)}]")
    bomb = "\n".join(lines) + "\n"  # 9**9 = 387 million strings if expanded
    start = time.perf_counter()
    problem = parse_error(bomb)
    assert problem.line == 2 and problem.field.startswith("b."), str(problem)
    assert "alias" in problem.message
    problem = load_broken(tmp_path, FACILITY + bomb.replace("a:", "bomb_a:", 1), base)
    assert "alias" in problem.message
    assert time.perf_counter() - start < 10


# ---- tags ---------------------------------------------------------------------------

TAGS = [
    '!!python/object/apply:os.system ["touch {sentinel}"]',
    "!!python/object:collections.OrderedDict {}",
    "!!python/name:os.system",
    "!!binary aGVsbG8=",
    "!!set {a, b}",
    "!!omap [a: 1]",
    "!custom value",
    "!<tag:example.com,2024:x> value",
]


@pytest.mark.parametrize("tag", TAGS)
def test_non_standard_tags_are_refused(tmp_path, base, tag):
    sentinel = tmp_path / "pwned"
    value = tag.replace("{sentinel}", str(sentinel))
    text = FACILITY.replace("district: Kothrud", f"district: {value}")
    problem = load_broken(tmp_path, text, base)
    assert (problem.file, problem.line, problem.field) == (FAC, line_of(text, "district:"), "district")
    assert "tag" in problem.message
    assert not sentinel.exists()


def test_standard_tags_are_allowed():
    doc = safeyaml.parse("a: !!str 5\nb: !!int '7'\n", "t.yaml")
    assert doc.data == {"a": "5", "b": 7}


# ---- nesting ------------------------------------------------------------------------


def test_nesting_up_to_the_limit_is_fine_and_one_more_is_refused():
    depth = safeyaml.MAX_DEPTH
    assert safeyaml.parse("[" * depth + "]" * depth, "t.yaml").data is not None
    assert "nested deeper" in parse_error("[" * (depth + 1) + "]" * (depth + 1)).message


@pytest.mark.parametrize("case", list(DEEP), ids=list(DEEP))
def test_deep_nesting_is_refused_in_process(case):
    text = DEEP[case]
    assert len(text.encode()) < safeyaml.MAX_BYTES
    problem = parse_error(text)
    assert problem.field == "file" and "nested deeper" in problem.message


def test_deep_nesting_in_a_facility_file_loses_only_that_record(tmp_path, base):
    problem = load_broken(tmp_path, "name: " + DEEP["flow sequences"], base)
    assert (problem.file, problem.line, problem.field) == (FAC, 1, "file")
    assert "nested deeper" in problem.message


def test_deep_nesting_does_not_crash_a_fresh_process(tmp_path):
    """A stack overflow in C would end the child with a signal: the exit code must be 0."""
    root = make_data(tmp_path, facility=None)
    names = []
    for i, text in enumerate(DEEP.values()):
        name = f"in-zz-deep-{i}"
        (root / "facilities" / "in" / f"{name}.yaml").write_text(text, encoding="utf-8")
        names.append(f"data/facilities/in/{name}.yaml")
    script = textwrap.dedent(
        """
        import sys
        from compare.data import safeyaml
        from compare.data import load_dataset
        from compare.problems import DataError
        for path in sys.argv[2:]:
            try:
                safeyaml.parse(open(path, encoding="utf-8").read(), path)
            except DataError as exc:
                print("direct", exc.problems[0].field, exc.problems[0].message)
        ds = load_dataset(sys.argv[1], use_cache=False)
        for p in ds.errors:
            print(p)
        """
    )
    files = [str(tmp_path / name) for name in names]
    result = subprocess.run(
        [sys.executable, "-c", script, str(root), *files],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, (result.returncode, result.stderr[-2000:])
    assert "Traceback" not in result.stderr
    assert result.stdout.count("direct file nested deeper") == len(DEEP)
    for name in names:
        assert f"{name}:" in result.stdout and "nested deeper" in result.stdout


# ---- size, encoding, binary ---------------------------------------------------------


def test_oversized_yaml_is_refused_before_parsing(tmp_path, base):
    filler = "# " + "x" * 1000 + "\n"
    text = FACILITY + filler * (safeyaml.MAX_BYTES // len(filler) + 1)
    problem = load_broken(tmp_path, text, base)
    assert (problem.file, problem.line, problem.field) == (FAC, 1, "file")
    assert "too large" in problem.message


def test_file_just_under_the_limit_is_accepted():
    text = "a: 1\n" + "#" * (safeyaml.MAX_BYTES - 10) + "\n"
    assert len(text) <= safeyaml.MAX_BYTES
    assert safeyaml.load_bytes(text.encode(), "t.yaml").data == {"a": 1}


def test_non_utf8_bytes_are_reported_on_their_line(tmp_path, base):
    raw = FACILITY.replace("city: Pune", "city: Pun\udcff").encode("utf-8", "surrogateescape")
    problem = load_broken(tmp_path, raw, base)
    assert (problem.file, problem.line, problem.field) == (FAC, line_of(FACILITY, "city:"), "file")
    assert "UTF-8" in problem.message and "0xff" in problem.message


def test_latin1_file_is_refused_not_misread():
    with pytest.raises(DataError) as info:
        safeyaml.load_bytes("name: Clínica\n".encode("latin-1"), "t.yaml")
    assert "UTF-8" in only(info.value.problems).message


def test_utf8_bom_is_accepted():
    assert safeyaml.load_bytes(b"\xef\xbb\xbfa: 1\n", "t.yaml").data == {"a": 1}


def test_binary_file_with_nul_bytes(tmp_path, base):
    problem = load_broken(tmp_path, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), base)
    assert (problem.file, problem.line, problem.field) == (FAC, 1, "file")
    assert "NUL" in problem.message or "binary" in problem.message


def test_large_integers_and_timestamps_do_not_escape_as_value_errors():
    problem = parse_error("a: 1" + "0" * 5000 + "\n")
    assert problem.field == "a"
    problem = parse_error("when: 2021-02-30 10:00:00\n")
    assert (problem.line, problem.field) == (1, "when") and "2021-02-30" in problem.message


# ---- malformed CSV ------------------------------------------------------------------


def append(root: Path, *rows: str) -> list[int]:
    path = root / "prices" / "procedure_prices.csv"
    text = path.read_text(encoding="utf-8")
    first = text.count("\n") + 1
    path.write_text(text + "".join(r + "\n" for r in rows), encoding="utf-8")
    return [first + i for i in range(len(rows))]


CSV_BREAKS = {
    "extra cells": PRICE_ROW + ",surprise",
    "fewer cells": PRICE_ROW.rsplit(",", 3)[0],  # three cells short
    "stray quote after a quoted field": PRICE_ROW.replace("Test figure", '"Test" figure'),
}


@pytest.mark.parametrize("case", list(CSV_BREAKS), ids=list(CSV_BREAKS))
def test_malformed_csv_row_loses_only_that_row(tmp_path, base, case):
    root = make_data(tmp_path)
    good = PRICE_ROW.replace("zz-yaml-price", "zz-yaml-good")
    bad_line, _ = append(root, CSV_BREAKS[case], good)
    ds = load_dataset(root, use_cache=False)
    assert len(ds.prices) == len(base.prices) + 1
    assert "zz-yaml-good" in set(ds.prices["id"]) and "zz-yaml-price" not in set(ds.prices["id"])
    problem = only(sorted(set(ds.problems) - set(base.problems)))
    assert (problem.file, problem.line, problem.field) == (PRICES, bad_line, "row")
    assert problem.is_error


def test_unterminated_quote_loses_only_the_rows_it_swallows(tmp_path, base):
    root = make_data(tmp_path)
    good = PRICE_ROW.replace("zz-yaml-price", "zz-yaml-good")
    _, bad_line = append(root, good, PRICE_ROW.replace("Test figure", '"Test figure'))
    ds = load_dataset(root, use_cache=False)
    assert len(ds.prices) == len(base.prices) + 1
    problem = only(sorted(set(ds.problems) - set(base.problems)))
    assert (problem.file, problem.line, problem.field) == (PRICES, bad_line, "row")
    assert "malformed CSV" in problem.message


def test_csv_reader_line_numbers_skip_blank_lines_and_count_multiline_cells():
    raw = b'a,b\n1,"two\nlines"\n\n3,4\n5\n6,7\n'
    rows, lines, problems = read_csv_rows(raw, "t.csv")
    assert rows == [{"a": "1", "b": "two\nlines"}, {"a": "3", "b": "4"}, {"a": "6", "b": "7"}]
    assert lines == [2, 5, 7]
    assert [(p.line, p.field) for p in problems] == [(6, "row")]
    with pytest.raises(DataError) as info:
        read_csv_text(raw, "t.csv")  # the all-or-nothing reader used for uploads
    assert [p.line for p in info.value.problems] == [6]


def test_csv_with_duplicate_or_no_header():
    with pytest.raises(DataError) as info:
        read_csv_rows(b"a,a\n1,2\n", "t.csv")
    assert only(info.value.problems).field == "header"
    with pytest.raises(DataError) as info:
        read_csv_rows(b"", "t.csv")
    assert only(info.value.problems).line == 1


def test_binary_csv_is_reported_and_the_rest_loads(tmp_path, base):
    root = make_data(tmp_path)
    (root / "prices" / "procedure_prices.csv").write_bytes(b"id,country\n\x00\x01\x02")
    ds = load_dataset(root, use_cache=False)
    assert ds.prices.empty
    assert len(ds.facilities) == len(base.facilities)
    assert any(p.file == PRICES and p.line == 1 and p.field == "file" and "NUL" in p.message for p in ds.errors)


def test_non_utf8_csv_is_reported_on_its_line(tmp_path, base):
    root = make_data(tmp_path)
    path = root / "prices" / "procedure_prices.csv"
    raw = path.read_bytes()
    bad_line = raw.count(b"\n") + 1
    path.write_bytes(raw + PRICE_ROW.replace("Test figure", "Test \xe9").encode("latin-1") + b"\n")
    ds = load_dataset(root, use_cache=False)
    problem = only([p for p in ds.errors if p.file == PRICES])
    assert (problem.line, problem.field) == (bad_line, "file") and "UTF-8" in problem.message
    assert len(ds.facilities) == len(base.facilities)


def test_oversized_csv_is_refused(tmp_path, base):
    root = make_data(tmp_path)
    path = root / "prices" / "procedure_prices.csv"
    header = path.read_text(encoding="utf-8").splitlines()[0]
    row = PRICE_ROW + "\n"
    path.write_text(header + "\n" + row * (MAX_CSV_BYTES // len(row) + 1), encoding="utf-8")
    ds = load_dataset(root, use_cache=False)
    problem = only([p for p in ds.errors if p.file == PRICES])
    assert (problem.line, problem.field) == (1, "file") and "too large" in problem.message
    assert ds.prices.empty and len(ds.facilities) == len(base.facilities)


def test_plain_yaml_would_have_accepted_what_safeyaml_refuses():
    """Guard against a vacuous suite: the hostile inputs above are valid YAML."""
    assert yaml.load("a: &x 1\nb: *x\n", Loader=yaml.CSafeLoader) == {"a": 1, "b": 1}
    assert yaml.load("a: 1\na: 2\n", Loader=yaml.CSafeLoader) == {"a": 2}
    assert yaml.load("a: !!binary aGVsbG8=\n", Loader=yaml.CSafeLoader) == {"a": b"hello"}
