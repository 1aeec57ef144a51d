"""The user's language: gettext catalogues (managed with Babel) and locale-aware numbers and money.

Strings are written in English and marked ``_("...")`` where they are used, or ``N_("...")``
where they are defined once at import (labels of fields, criteria, views) and translated with
``_(value)`` where they are shown. The language is per thread of execution (a Streamlit
session's script run, a CLI call): ``use("ar")`` sets it, and everything the engine words after
that (messages, chart labels, the report) follows. A missing translation falls back to English.

Catalogues live in ``compare/locale/<lang>/LC_MESSAGES/messages.po``; ``make`` compiles them to
``.mo`` files at set-up. Where a ``.mo`` is missing (an installed wheel, a fresh edit of a
``.po``), the ``.po`` is compiled in memory, so the app never shows English for want of a build.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import functools
import gettext
import io
import math
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from babel import Locale, dates, numbers
from babel.messages import mofile, pofile
from babel.support import Translations

LOCALE_DIR = Path(__file__).with_name("locale")
DOMAIN = "messages"
DEFAULT = "en"
# Code -> the language's own name, as the selector shows it.
LANGUAGES = {"en": "English", "ar": "العربية", "es": "Español", "ru": "Русский"}
RIGHT_TO_LEFT = frozenset({"ar"})
# The locale behind numbers, dates and money for each language.
LOCALES = {"en": "en_US", "ar": "ar", "es": "es_ES", "ru": "ru_RU"}

T = TypeVar("T")

_language: contextvars.ContextVar[str] = contextvars.ContextVar("language", default=DEFAULT)


def supported(code: object) -> str | None:
    """The supported language a code names (``"es-MX"`` -> ``"es"``), or None."""
    if not isinstance(code, str):
        return None
    base = code.strip().replace("_", "-").split("-")[0].lower()
    return base if base in LANGUAGES else None


def use(code: object) -> str:
    """Make ``code`` the current language (English when unsupported); return what is in use."""
    lang = supported(code) or DEFAULT
    _language.set(lang)
    return lang


def current() -> str:
    return _language.get()


@contextmanager
def language(code: object) -> Iterator[str]:
    """Within the block, words and formats follow ``code``."""
    token = _language.set(supported(code) or DEFAULT)
    try:
        yield _language.get()
    finally:
        _language.reset(token)


def direction(code: str | None = None) -> str:
    """``"rtl"`` or ``"ltr"`` for the HTML ``dir`` attribute."""
    return "rtl" if (code or current()) in RIGHT_TO_LEFT else "ltr"


def compiled(lang: str) -> tuple[bytes, int, int]:
    """A language's ``.po`` as ``.mo`` bytes, with the counts of translated and all messages.

    Written here rather than by ``pybabel compile``: that checks messages for ``%`` placeholders
    (Python's old formatting), and sourced texts such as "78 % improved" look like one to it;
    this project formats with ``{names}``, which ``tests/test_translations.py`` checks instead.
    """
    with (LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po").open("rb") as fp:
        catalog = pofile.read_po(fp, locale=lang, domain=DOMAIN)
    buffer = io.BytesIO()
    mofile.write_mo(buffer, catalog)
    messages = [m for m in catalog if m.id]
    done = sum(1 for m in messages if not m.fuzzy and all(m.string if isinstance(m.string, tuple) else [m.string]))
    return buffer.getvalue(), done, len(messages)


@functools.cache
def translations(lang: str) -> gettext.NullTranslations:
    """The catalogue of one language: its compiled ``.mo``, else its ``.po`` compiled in memory."""
    if lang == DEFAULT or lang not in LANGUAGES:
        return gettext.NullTranslations()
    folder = LOCALE_DIR / lang / "LC_MESSAGES"
    mo, po = folder / f"{DOMAIN}.mo", folder / f"{DOMAIN}.po"
    if mo.is_file() and (not po.is_file() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as fp:
            return Translations(fp, domain=DOMAIN)
    if not po.is_file():
        return gettext.NullTranslations()
    return Translations(io.BytesIO(compiled(lang)[0]), domain=DOMAIN)


def bound(build: Callable[[], T]) -> Callable[[], T]:
    """``build``, to be run later (a download Streamlit builds on another thread), in today's language."""
    lang = current()

    def run() -> T:
        with language(lang):
            return build()

    return run


def _(message: str) -> str:
    """``message`` in the current language (English when not translated)."""
    if not message:
        return message
    return translations(_language.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of a message for the count ``n`` (Arabic and Russian have more than two)."""
    return translations(_language.get()).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark a string for extraction only: it is translated with ``_()`` where it is shown."""
    return message


# --- numbers, money and dates -------------------------------------------------------------------


def locale() -> str:
    return LOCALES[_language.get()]


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or str(value) in ("nan", "NaT", "<NA>")


def number(value: float, digits: int | str = 0) -> str:
    """``12,345`` (en), ``12.345`` (es), ``12 345`` (ru).

    ``digits``: a number of decimals, or a Python format (``",.0f"``, ``".1f"``, ``"g"`` for as
    many as needed up to four) so callers can keep the format they had.
    """
    if isinstance(digits, str):
        if digits.endswith("g"):
            return numbers.format_decimal(float(value), format="#,##0.####", locale=locale())
        digits = int(digits.rstrip("f").split(".")[-1] or 0)
    decimals = "." + "0" * digits if digits else ""
    return numbers.format_decimal(round(float(value), digits), format=f"#,##0{decimals}", locale=locale())


def percent(value: float, digits: int = 0) -> str:
    return numbers.format_percent(value, format=f"#,##0{'.' + '0' * digits if digits else ''}%", locale=locale())


@functools.cache
def _currency_pattern(loc: str) -> numbers.NumberPattern:
    pattern = numbers.parse_pattern(Locale.parse(loc).currency_formats["standard"].pattern)
    pattern.frac_prec = (0, 0)  # whole units: these are estimates, cents would claim a false precision
    # The ISO code, not the symbol: "$" is ambiguous across a dozen currencies a traveller may
    # compare, and Markdown (Streamlit's text, metrics and help) reads "$...$" as mathematics.
    pattern.prefix = tuple(p.replace("¤", "¤¤") for p in pattern.prefix)
    pattern.suffix = tuple(p.replace("¤", "¤¤") for p in pattern.suffix)
    return pattern


_CODE_TOUCHES_DIGIT = re.compile(r"(?<=[A-Z]{3})(?=[\d\u200e\u200f-])|(?<=\d)(?=[A-Z]{3})")


def money(value: float | None, currency: str) -> str:
    """``USD 12,345`` (en), ``12.345 EUR`` (es), ``12 345 EUR`` (ru); "not reported" when unknown.

    Grouping, decimal mark and where the code goes follow the language; whole units only.
    """
    if _missing(value):
        return _("not reported")
    loc = locale()
    text = _currency_pattern(loc).apply(
        round(float(value)), Locale.parse(loc), currency=currency.upper(), currency_digits=False
    )
    # Babel leaves out CLDR's currency spacing: a code never touches its figure.
    return _CODE_TOUCHES_DIGIT.sub("\u00a0", text)


def money_range(low: float | None, high: float | None, currency: str) -> str:
    """``USD 4,000–9,000`` (``4.000–9.000 USD`` in Spanish); one figure when both ends round alike;
    "not reported" when unknown."""
    if _missing(low):
        return _("not reported")
    one = money(low, currency)
    if _missing(high):
        return one
    other = money(high, currency)
    if one == other:
        return one
    # The code once, where the language puts it: the high end's figure becomes "low–high".
    figure = re.compile(r"\d(?:[\d.,\u00a0\u202f']*\d)?")
    low_figure, high_figure = figure.search(one), figure.search(other)
    if low_figure and high_figure and not one.lstrip("\u200e\u200f").startswith("-"):
        start, end = high_figure.span()
        return f"{other[:start]}{low_figure.group()}–{high_figure.group()}{other[end:]}"
    return f"{one}–{other}"


def date(value: dt.date | str | None) -> str:
    """A date for prose in the locale's form: ``Apr 13, 2026`` / ``13 abr 2026``; a month-only date
    (``2024-05``) as ``May 2024``; a year as it is; "undated" when none. Tables keep ISO dates,
    which sort and read the same everywhere."""
    if _missing(value) or value == "":
        return _("undated")
    if isinstance(value, dt.date):
        return dates.format_date(value, format="medium", locale=locale())
    text = str(value).strip()
    try:
        if len(text) == 7:  # YYYY-MM
            month = dt.date.fromisoformat(text + "-01")
            return dates.format_skeleton("yMMM", month, locale=locale())
        return dates.format_date(dt.date.fromisoformat(text[:10]), format="medium", locale=locale())
    except ValueError:
        return text


# --- extraction of the vocabulary's display labels -----------------------------------------------

VOCAB_KEYS = ("label", "description")


def extract_vocabulary(fileobj, keywords, comment_tags, options):
    """Babel extraction method for ``data/vocab/*.yaml``: every display label, with its line.

    Registered in ``babel.cfg`` under ``[extractors]`` as ``vocabulary``.
    Yields ``(lineno, None, message, [])`` for each scalar under a key in ``options["keys"]``
    (comma-separated; default ``label`` and ``description``) of any mapping in the file, so
    ``_(label)`` where the app shows a vocabulary entry finds its translation. Proper names
    (an accreditation body's ``name``) are not among the keys and are never extracted.
    """
    import yaml

    keys = options.get("keys") if options else None
    wanted = {k.strip() for k in keys.split(",")} if isinstance(keys, str) else set(VOCAB_KEYS)
    text = fileobj.read()
    if isinstance(text, bytes):
        text = text.decode(options.get("encoding", "utf-8") if options else "utf-8")
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    stack = [root] if root is not None else []
    found: list[tuple[int, str]] = []
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if (
                    isinstance(key, yaml.ScalarNode)
                    and key.value in wanted
                    and isinstance(value, yaml.ScalarNode)
                    and isinstance(value.value, str)
                    and value.tag == "tag:yaml.org,2002:str"
                    and value.value.strip()
                ):
                    found.append((value.start_mark.line + 1, value.value))
                else:
                    stack.append(value)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
    for lineno, message in sorted(found):
        yield lineno, None, message, []


def main(argv: list[str] | None = None) -> int:
    """``compile LANG...``: write each language's ``.mo`` next to its ``.po`` (``make translations``)."""
    import sys

    args = sys.argv[1:] if argv is None else argv
    known = sorted(set(LANGUAGES) - {DEFAULT})
    if len(args) < 2 or args[0] != "compile" or not set(args[1:]) <= set(known):
        sys.stderr.write(f"usage: compile LANG...  (LANG: {' '.join(known)})\n")
        return 2
    for lang in args[1:]:
        data, done, total = compiled(lang)
        (LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.mo").write_bytes(data)
        sys.stdout.write(f"{lang}: {done} of {total} messages translated ({done / max(total, 1):.0%})\n")
    return 0
