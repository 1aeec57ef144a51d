"""Direct tests of the schema's scalar types: partial dates, real names, ISO codes."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from compare.data import schema

TODAY = dt.date.today()


class DateModel(BaseModel):
    d: schema.PartialDate


class NameModel(BaseModel):
    n: schema.Name


class CountryModel(BaseModel):
    c: schema.Country


class CurrencyModel(BaseModel):
    c: schema.Currency


class MoneyModel(BaseModel):
    m: schema.Money


def rejected(model: type[BaseModel], value) -> str:
    with pytest.raises(ValidationError) as info:
        model.model_validate({next(iter(model.model_fields)): value})
    return str(info.value)


# ---- partial dates ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2020", "2020"),
        ("2020-02", "2020-02"),
        ("2020-02-29", "2020-02-29"),
        (" 2019-07-11 ", "2019-07-11"),
        (2019, "2019"),
        (dt.date(2021, 3, 4), "2021-03-04"),
        (dt.datetime(2021, 3, 4, 10, 30), "2021-03-04"),
        (None, None),
        ("", None),
        (TODAY.isoformat(), TODAY.isoformat()),
        (str(TODAY.year), str(TODAY.year)),
    ],
)
def test_partial_date_accepts(value, expected):
    assert DateModel(d=value).d == expected


@pytest.mark.parametrize(
    "value",
    [
        "2021-13",
        "2021-00",
        "2021-02-30",
        "2021-04-31",
        "2019-02-29",
        "2021-2-3",
        "21-02-03",
        "2021/02/03",
        "03.02.2021",
        "20210203",
        "garbage",
        "last spring",
        "2021-02-03T10:00",
        True,
        2021.5,
        ["2021"],
        (TODAY + dt.timedelta(days=1)).isoformat(),
        TODAY + dt.timedelta(days=1),
        f"{TODAY.year + 1}",
        f"{TODAY.year + 1}-01",
        "9999-12-31",
    ],
)
def test_partial_date_rejects(value):
    rejected(DateModel, value)


def test_future_date_message_says_future():
    assert "future" in rejected(DateModel, f"{TODAY.year + 1}-01-01")


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=TODAY))
def test_any_past_day_round_trips(day):
    assert DateModel(d=day.isoformat()).d == day.isoformat()
    assert DateModel(d=day.strftime("%Y-%m")).d == day.strftime("%Y-%m")


@given(st.dates(min_value=TODAY + dt.timedelta(days=1), max_value=dt.date(9999, 12, 31)))
def test_any_future_day_is_rejected(day):
    rejected(DateModel, day.isoformat())


# ---- names --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value", ["NA", "na", "N/A", "n/a", "null", "NULL", "None", "nan", "nil", "", "   ", "-", "?", "Unknown", "TBD"]
)
def test_placeholder_names_are_rejected(value):
    rejected(NameModel, value)


@pytest.mark.parametrize("value", [None, 5, ["Hospital"]])
def test_non_text_names_are_rejected(value):
    rejected(NameModel, value)


@pytest.mark.parametrize("value", ["Nanavati Max Hospital", "NA Hospital", "Null Clinic", "Bumrungrad", "ISIC"])
def test_real_names_are_kept(value):
    assert NameModel(n=value).n == value


def test_name_is_stripped_and_bounded():
    assert NameModel(n="  Apollo  ").n == "Apollo"
    rejected(NameModel, "x" * 201)


# ---- ISO codes ----------------------------------------------------------------------


@pytest.mark.parametrize("value", ["IN", "TH", "KR", "TR", "US", "GB", "NO", "AE"])
def test_iso_country_codes(value):
    assert CountryModel(c=value).c == value


@pytest.mark.parametrize("value", ["in", "Th", "XX", "UK", "IND", "", None, False, 1])
def test_bad_country_codes(value):
    rejected(CountryModel, value)


@pytest.mark.parametrize("value", ["USD", "EUR", "INR", "THB", "GBP", "AED"])
def test_iso_currency_codes(value):
    assert CurrencyModel(c=value).c == value


@pytest.mark.parametrize("value", ["usd", "Eur", "XYZ", "US$", "$", "", None, 840])
def test_bad_currency_codes(value):
    rejected(CurrencyModel, value)


@pytest.mark.parametrize("value", [0, 1.5, 150_000])
def test_money_accepts(value):
    assert MoneyModel(m=value).m == value


@pytest.mark.parametrize("value", [-1, float("nan"), float("inf"), "nan", "-inf", "lots"])
def test_money_rejects(value):
    rejected(MoneyModel, value)


def test_language_codes_must_be_iso_639_1():
    schema.Languages(value=["en", "th"], source="s")
    with pytest.raises(ValidationError):
        schema.Languages(value=["en", "english"], source="s")


def test_source_needs_url_or_citation_a_date_field_and_who_stands_behind_it():
    schema.Source(url="https://example.org", kind="press", as_of=None, evidence="press")
    schema.Source(citation="Smith 2020, Spine 45:1", kind="literature", as_of="2020", evidence="literature")
    with pytest.raises(ValidationError):
        schema.Source(kind="press", as_of="2020", evidence="press")
    with pytest.raises(ValidationError):
        schema.Source(url="https://example.org", kind="press", evidence="press")  # as_of stated, even as null
    with pytest.raises(ValidationError):
        schema.Source(url="ftp://example.org", kind="press", as_of=None, evidence="press")
    with pytest.raises(ValidationError) as info:
        schema.Source(url="https://example.org", as_of=None, evidence="press")  # who stands behind it
    assert "kind" in str(info.value)


def test_models_refuse_unknown_fields():
    with pytest.raises(ValidationError) as info:
        schema.Location(lat=1, lon=2, airport="BKK", source="s", altitude=3)
    assert "altitude" in str(info.value)


def test_counts_are_strict_integers():
    schema.CountFact(value=3, source="s")
    for bad in ["3", 3.0, True, -1, 10**9]:
        with pytest.raises(ValidationError):
            schema.CountFact(value=bad, source="s")


def test_vocabulary_checks_use_the_context():
    vocab = {"evidence_levels": {"press": object()}, "source_kinds": {"press": object()}}
    ok = {"url": "https://e.org", "kind": "press", "as_of": None, "evidence": "press"}
    schema.Source.model_validate(ok, context=vocab)
    with pytest.raises(ValidationError) as info:
        schema.Source.model_validate({**ok, "evidence": "rumour"}, context=vocab)
    assert "rumour" in str(info.value)
    with pytest.raises(ValidationError) as info:
        schema.Source.model_validate({**ok, "kind": "gossip"}, context=vocab)
    assert "gossip" in str(info.value) and "source_kinds" in str(info.value)


def test_computed_hospital_nights_need_a_method():
    vocab = {"evidence_levels": {"computed_estimate": object(), "literature": object()}}
    ok = {"low": 1, "high": 3, "source": "s", "evidence": "computed_estimate", "method": "open minus 2 days"}
    schema.NightsRange.model_validate(ok, context=vocab)
    with pytest.raises(ValidationError):
        schema.NightsRange.model_validate({**ok, "method": None}, context=vocab)
    with pytest.raises(ValidationError):
        schema.NightsRange.model_validate({**ok, "evidence": "computed_estimat"}, context=vocab)
    with pytest.raises(ValidationError):
        schema.NightsRange.model_validate({**ok, "low": 4}, context=vocab)
