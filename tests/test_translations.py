"""The translation catalogues: up to date with the code, at least 95 % translated, and safe to format."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po

import compare
from compare import i18n

ROOT = Path(__file__).resolve().parent.parent
TRANSLATED = [code for code in i18n.LANGUAGES if code != i18n.DEFAULT]
REQUIRED_COVERAGE = 0.95


@pytest.fixture(scope="module")
def extracted() -> set[str]:
    """Every message the code and the vocabulary mark for translation, extracted afresh (as `make messages` does)."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg, str(ROOT / "babel.cfg"))
    found = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(str(ROOT), method_map, options_map):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def catalogue(lang: str):
    path = i18n.LOCALE_DIR / lang / "LC_MESSAGES" / f"{i18n.DOMAIN}.po"
    with path.open("rb") as fp:
        return read_po(fp, locale=lang)


def fields(text: str) -> set[str]:
    """The named ``{placeholders}`` of a message (what ``.format`` will be given)."""
    return {name for _literal, name, _spec, _conv in string.Formatter().parse(text) if name is not None}


def test_the_extraction_finds_the_app_the_engine_and_the_vocabulary(extracted):
    assert len(extracted) > 300
    # A label from each place: a page, the sidebar's field table, the engine, the report, a vocabulary file.
    for message in ("Options shown", "Travelling from", "Whole trip", "Spinal fusion abroad"):
        assert message in extracted, message
    # The shipped disclaimer (data/metadata.yaml) is read in the reader's language too.
    assert compare.load_dataset().disclaimer in extracted


# A call such as f"<h2>{_('Who to contact')}</h2>": Python 3.11's tokenizer hides it from Babel,
# so the message would never reach a catalogue and would show in English in every language.
CALL_IN_FSTRING = re.compile(r"""\bf(["'])[^\n]*?\{[^}\n]*\b(?:_|N_|ngettext)\(\s*(?!\1)["']""")


def test_no_message_is_marked_inside_an_f_string():
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in [ROOT / "app.py", *ROOT.glob("app_pages/*.py"), *ROOT.glob("compare/**/*.py")]
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if CALL_IN_FSTRING.search(line)
    ]
    assert not found, "mark these outside the f-string so `make messages` finds them:\n" + "\n".join(found)


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_language_translates_at_least_95_percent_of_the_messages(lang, extracted):
    cat = catalogue(lang)
    translated = {
        m.id if isinstance(m.id, str) else m.id[0]
        for m in cat
        if m.id and not m.fuzzy and (all(m.string) if isinstance(m.string, tuple) else m.string)
    }
    covered = len(extracted & translated) / len(extracted)
    missing = sorted(extracted - translated)
    print(f"{lang}: {covered:.1%} of {len(extracted)} messages translated")  # noqa: T201 (pytest -rP shows it)
    assert covered >= REQUIRED_COVERAGE, (
        f"{lang}: {covered:.1%} of {len(extracted)} messages translated (need {REQUIRED_COVERAGE:.0%}); "
        f"run `make messages` and translate, e.g. {missing[:5]}"
    )


@pytest.mark.parametrize("lang", TRANSLATED)
def test_translations_keep_the_placeholders_and_the_markup(lang):
    """A translation that renames a {placeholder} would crash ``.format``; unbalanced ** would garble the page."""
    problems = []
    for m in catalogue(lang):
        if not m.id or not m.string:
            continue
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        allowed = set().union(*(fields(i) for i in ids))
        for text in strings:
            if not text:
                continue
            # Plural forms may leave the count out ("one night"), never add a name the code does not give.
            if not fields(text) <= allowed or (len(ids) == 1 and fields(text) != allowed):
                problems.append(f"{ids[0]!r}: placeholders {sorted(fields(text))} != {sorted(allowed)}")
            if text.count("**") != ids[0].count("**"):
                problems.append(f"{ids[0]!r}: bold markers differ")
    assert not problems, "\n".join(problems[:20])


@pytest.mark.parametrize("lang", TRANSLATED)
def test_the_catalogue_declares_the_plural_rules_of_its_language(lang):
    """Arabic has six plural forms and Russian three: a header with fewer would lose the right form."""
    assert catalogue(lang).num_plurals == get_plural(lang).num_plurals >= 2


def test_a_missing_translation_falls_back_to_english():
    with i18n.language("ar"):
        assert i18n._("A message no catalogue holds 7f3a") == "A message no catalogue holds 7f3a"
    with i18n.language("xx"):
        assert i18n.current() == "en"
