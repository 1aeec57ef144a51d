"""Extraction of the vocabulary's labels, and the engine's words going through the catalogue."""

from __future__ import annotations

import gettext
import io
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg

from compare import i18n

ROOT = Path(__file__).resolve().parent.parent


def _line_of(path: Path, text: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text in line)


def test_the_vocabulary_extractor_yields_each_label_on_its_line():
    path = ROOT / "data" / "vocab" / "cost_components.yaml"
    with path.open("rb") as fp:
        found = list(i18n.extract_vocabulary(fp, [], [], {}))
    messages = {m: n for n, _ctx, m, _comments in found}
    assert all(ctx is None and comments == [] for _n, ctx, _m, comments in found)
    assert messages["Lodging"] == _line_of(path, "label: Lodging")
    assert messages["Imaging (MRI, CT, X-ray)"] == _line_of(path, "Imaging (MRI, CT, X-ray)")
    assert messages["Meals and incidentals"] == _line_of(path, "Meals and incidentals")
    assert "lodging" not in messages and "travel" not in messages  # ids and phases are not labels


def test_the_extractor_keeps_to_its_keys_and_skips_proper_names():
    yaml_text = (
        b"- id: x\n  label: A label\n  name: Joint Commission\n  description: |\n    Two\n    lines\n  levels: 2\n"
    )
    found = [(n, m) for n, _c, m, _k in i18n.extract_vocabulary(io.BytesIO(yaml_text), [], [], {})]
    assert found == [(2, "A label"), (4, "Two\nlines\n")]
    only = [m for _n, _c, m, _k in i18n.extract_vocabulary(io.BytesIO(yaml_text), [], [], {"keys": "label"})]
    assert only == ["A label"]


def test_babel_cfg_extracts_the_vocabulary_but_not_body_names():
    with (ROOT / "babel.cfg").open(encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg, str(ROOT / "babel.cfg"))
    found = {
        (filename, message)
        for filename, _lineno, message, _comments, _context in extract_from_dir(str(ROOT), method_map, options_map)
        if filename.startswith("data")
    }
    messages = {m for _f, m in found}
    assert ("data/vocab/cost_components.yaml", "Lodging") in found
    assert "Published by the facility" in messages  # evidence_levels.yaml
    assert "Surgical-site infection" in messages  # risk.yaml's complications
    assert not any(f.endswith("accreditation_bodies.yaml") for f, _m in found)
    assert "Joint Commission International" not in messages


def test_the_flight_hours_method_names_the_constants():
    from compare.costs import travel

    assert travel.FLIGHT_HOURS_METHOD.startswith(
        f"great-circle km ÷ {travel.BLOCK_SPEED_KMH:.0f} km/h + {travel.FLIGHT_OVERHEAD_H:.0f} h;"
    )


class _Shouting(gettext.NullTranslations):
    """A stand-in catalogue that marks every message it translates."""

    def gettext(self, message):
        return "«" + message + "»"

    def ngettext(self, singular, plural, n):
        return "«" + (singular if n == 1 else plural) + "»"


@pytest.fixture
def shouting(monkeypatch):
    monkeypatch.setattr(
        i18n, "translations", lambda lang: _Shouting() if lang != i18n.DEFAULT else gettext.NullTranslations()
    )
    with i18n.language("es"):
        yield


def test_the_cost_frame_words_its_labels_and_bases_in_the_language(shipped, shouting):
    from compare import costs, engine
    from compare.scenario import Scenario

    frame = costs.cost_frame(shipped, Scenario(origin="london").trip)
    comp = frame.components
    assert (comp["label"] == "«Lodging»").any() and (comp["label"] == "«Operation (published price)»").any()
    lodging = comp[comp["component"] == "lodging"]["basis"]
    assert lodging.str.contains("«").all()
    assert frame.journeys["stay_basis"].str.startswith("«").all()
    result = engine.rank(shipped, Scenario(origin="london", budget=1))
    assert result.message.startswith("«No option passes all filters")
    assert result.filter_report[0]["label"].startswith("«whole trip up to")
    assert result.rate_note.startswith("«")


def test_english_is_unchanged_without_a_catalogue(shipped):
    from compare import costs
    from compare.scenario import Scenario

    with i18n.language("en"):
        frame = costs.cost_frame(shipped, Scenario(origin="london").trip)
    assert "Lodging" in set(frame.components["label"])
    assert not frame.components["basis"].str.contains("«").any()


# --- the language and its formats ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("ar", "ar"),
        ("es-MX", "es"),
        ("ru_RU", "ru"),
        ("EN-gb", "en"),
        ("fr", None),
        ("", None),
        (None, None),
        (3, None),
    ],
)
def test_a_language_code_names_a_supported_language_or_none(code, expected):
    assert i18n.supported(code) == expected


def test_the_language_is_per_context_and_restored_after_a_block():
    i18n.use("ru")
    with i18n.language("ar"):
        assert i18n.current() == "ar" and i18n.direction() == "rtl"
    assert i18n.current() == "ru" and i18n.direction() == "ltr"
    assert i18n.use("klingon") == "en"


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "USD\u00a012,346"),
        ("es", "12.346\u00a0USD"),
        ("ru", "12\u00a0346\u00a0USD"),
        ("ar", "\u200f12,346\u00a0USD"),
    ],
)
def test_money_is_whole_units_with_the_code_where_the_locale_puts_it(lang, expected):
    with i18n.language(lang):
        assert i18n.money(12345.6, "usd") == expected


def test_a_range_prints_once_when_both_ends_round_alike_and_unknown_is_named():
    with i18n.language("en"):
        assert i18n.money_range(4000, 9000, "GBP") == "GBP\u00a04,000–9,000"
        assert i18n.money_range(4000.2, 4000.4, "GBP") == "GBP\u00a04,000"
        assert i18n.money_range(None, 9000, "GBP") == "not reported"
        assert i18n.money(float("nan"), "GBP") == "not reported"
    with i18n.language("ru"):
        # The code once, after the range, as Russian writes it.
        assert i18n.money_range(4000, 19000, "EUR") == "4\u00a0000–19\u00a0000\u00a0EUR"


def test_numbers_and_dates_follow_the_locale():
    with i18n.language("es"):
        assert i18n.number(12345.678, 1) == "12.345,7"
        assert i18n.number(2.5, "g") == "2,5"
        assert i18n.date("2026-04-13") == "13 abr 2026"
    with i18n.language("en"):
        assert i18n.number(12345.678, ",.0f") == "12,346"
        assert i18n.date(None) == "undated"


def test_a_catalogue_without_its_compiled_file_is_compiled_from_the_po(tmp_path, monkeypatch):
    folder = tmp_path / "es" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "messages.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\nmsgid "Hello"\nmsgstr "Hola"\n',
        encoding="utf-8",
    )
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    i18n.translations.cache_clear()
    try:
        with i18n.language("es"):
            assert i18n._("Hello") == "Hola"
            assert i18n._("Goodbye") == "Goodbye"
    finally:
        i18n.translations.cache_clear()


def test_make_translations_writes_each_mo_and_refuses_an_unknown_language(tmp_path, monkeypatch, capsys):
    folder = tmp_path / "ru" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    # A sourced text with "78 % improved" in it: pybabel's %-format check would refuse it.
    (folder / "messages.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "78 % improved"\nmsgstr "78 % стало лучше"\n\nmsgid "Not yet"\nmsgstr ""\n',
        encoding="utf-8",
    )
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    assert i18n.main(["compile", "ru"]) == 0
    assert "ru: 1 of 2 messages translated (50%)" in capsys.readouterr().out
    with (folder / "messages.mo").open("rb") as fp:
        assert gettext.GNUTranslations(fp).gettext("78 % improved") == "78 % стало лучше"
    assert i18n.main(["compile", "xx"]) == 2
    assert i18n.main(["compile", "en"]) == 2


def test_the_second_opinion_advice_is_read_in_the_reader_s_language(shipped):
    advice = shipped.risk.advice["second_opinion"].text
    for lang in ("ar", "es", "ru"):
        with i18n.language(lang):
            assert i18n._(advice) != advice, lang


def test_a_bound_build_runs_later_on_another_thread_in_the_language_it_was_made_in():
    import threading

    with i18n.language("es"):
        build = i18n.bound(i18n.current)
    got = []
    worker = threading.Thread(target=lambda: got.append(build()))  # a new thread starts in English
    worker.start()
    worker.join()
    assert got == ["es"]
