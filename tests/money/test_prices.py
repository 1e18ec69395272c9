"""Price table loading and validation, Decimal estimates, and strategies (money.strategies)."""

from __future__ import annotations

import copy
import pickle
import sqlite3
import warnings
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from story_fixtures import uncast_storyboard

from sorafilm_nb.datafiles import load_toml
from sorafilm_nb.errors import DataFileError
from sorafilm_nb.money.cost import MAX_CENTS, Cost, CostError, total
from sorafilm_nb.money.prices import (
    API_SIZES,
    MAX_PRICE_CENTS,
    PriceError,
    PriceFileWarning,
    PriceTable,
    default_path,
)
from sorafilm_nb.money.strategies import Strategy, estimate, strategies, strategies_frame
from sorafilm_nb.story.boards import Shot, Storyboard

GOOD = """
source = "https://example.invalid/prices"
as_of = "2030-01"
currency = "USD"
failed_jobs_billed = {billed}

[cents_per_second.sora-2]
"720x1280" = {s2}
"1280x720" = {s2}

[cents_per_second.sora-2-pro]
"720x1280" = {pro}
"1280x720" = {pro}
"1024x1792" = {hires}
"1792x1024" = {hires}
"""


def write_prices(
    tmp_path: Path,
    *,
    s2: str = "10",
    pro: str = "30",
    hires: str = "50",
    billed: str = "false",
    name: str = "prices.toml",
) -> Path:
    path = tmp_path / name
    path.write_text(GOOD.format(s2=s2, pro=pro, hires=hires, billed=billed), encoding="utf-8")
    return path


def make_storyboard(
    seconds: list[int], *, model: str = "sora-2", size: str = "1280x720"
) -> Storyboard:
    return uncast_storyboard(seconds, model=model, size=size)


# -- the packaged table --------------------------------------------------------------------


def test_packaged_table_has_the_published_list_prices() -> None:
    table = PriceTable.load()
    assert table.source == "https://openai.com/api/pricing/"
    assert table.date == "2025-10"
    assert table.currency == "USD"
    assert table.failed_jobs_billed is False
    assert "LiteLLM" in table.note
    assert table.models == ("sora-2", "sora-2-pro")
    assert table.sizes("sora-2") == ("720x1280", "1280x720")
    assert set(table.sizes("sora-2-pro")) == {"720x1280", "1280x720", "1024x1792", "1792x1024"}
    assert table.price_per_second("sora-2", "1280x720") == Decimal(10)
    assert table.price_per_second("sora-2-pro", "720x1280") == Decimal(30)
    assert table.price_per_second("sora-2-pro", "1792x1024") == Decimal(50)
    assert Path(table.file) == default_path().resolve()


def test_dated_snapshot_is_priced_like_its_model() -> None:
    table = PriceTable.load()
    assert table.price_per_second("sora-2-pro-2025-10-06", "1024x1792") == Decimal(50)
    assert table.sizes("sora-2-2025-10-06") == table.sizes("sora-2")


def test_96_seconds_on_sora_2_is_960_cents_exactly() -> None:
    cost = estimate(("sora-2", "1280x720", 96))
    assert cost == Cost(Decimal(960))
    assert isinstance(cost.cents, Decimal)
    assert str(cost) == "$9.60"


def test_eight_12s_shots_on_pro_hires_cost_48_dollars() -> None:
    board = make_storyboard([12] * 8, model="sora-2-pro", size="1792x1024")
    cost = estimate(board)
    assert cost.cents == Decimal(4800)
    assert cost.dollars == Decimal(48)
    assert str(cost) == "$48.00"
    assert estimate(board.shots[0]) == Cost(Decimal(600))


def test_storyboard_sums_shots_at_their_own_model_and_size() -> None:
    board = make_storyboard([4, 8, 12])
    mixed = Shot(
        index=3,
        beat="all",
        seconds=8,
        model="sora-2-pro",
        size="720x1280",
        cast=None,
        title="pro shot",
    )
    board = Storyboard(
        board.template, board.casting, (*board.shots, mixed), 32, "sora-2", "1280x720"
    )
    assert estimate(board).cents == Decimal(24 * 10 + 8 * 30)


def test_fractional_prices_stay_exact(tmp_path: Path) -> None:
    table = PriceTable.load(write_prices(tmp_path, s2='"3.3333"'))
    cost = estimate(("sora-2", "720x1280", 12), table)
    assert cost.cents == Decimal("39.9996")  # a float would give 39.999599999999994
    assert cost.whole_cents == 40


def test_float_never_sneaks_in() -> None:
    with pytest.raises(TypeError):
        Cost(0.1)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Cost(Decimal(10)) * 1.5  # type: ignore[operator]
    with pytest.raises(TypeError):
        PriceTable(rates={"m": {"1280x720": 0.1}}, source="s", date="d")  # type: ignore[dict-item]
    with pytest.raises(PriceError, match="whole number"):
        estimate(("sora-2", "1280x720", 4.0))  # type: ignore[arg-type]
    for shot_cost in (estimate(s) for s in make_storyboard([4, 8, 12]).shots):
        assert type(shot_cost.cents) is Decimal


@pytest.mark.parametrize("raw", ["Infinity", "-Infinity", "NaN", "sNaN"])
def test_cost_refuses_a_non_finite_amount_and_names_it(raw: str) -> None:
    with pytest.raises(CostError) as info:
        Cost(Decimal(raw))
    assert isinstance(info.value, ValueError)
    assert f"Decimal('{raw}')" in str(info.value) and "finite" in str(info.value)


@pytest.mark.parametrize("cents", [10**400, -(10**400), MAX_CENTS, -MAX_CENTS, Decimal("1e16")])
def test_cost_refuses_an_amount_the_ledger_cannot_hold(cents: int | Decimal) -> None:
    with pytest.raises(CostError, match=r"less than 1,000,000,000,000,000 cents") as info:
        Cost(cents)
    assert len(str(info.value)) < 200  # 10**400 is shown as 1.000E+400, not 401 digits


def test_cost_bound_is_reached_by_arithmetic_too() -> None:
    top = Cost(MAX_CENTS - 1)
    assert top.whole_cents == MAX_CENTS - 1
    with pytest.raises(CostError):
        top + Cost(1)
    with pytest.raises(CostError):
        Cost(0) - top - Cost(1)
    with pytest.raises(CostError):
        Cost(1) * Decimal("Infinity")
    with pytest.raises(CostError):
        Cost(10) * 10**14
    with pytest.raises(CostError):  # an absurd clip length, not a silent 19-digit estimate
        PriceTable.load().cost("sora-2-pro", "1792x1024", 10**14)


def test_the_largest_amounts_still_add_up_in_sqlite() -> None:
    """Why MAX_CENTS: thousands of the largest amounts sum within SQLite's 64-bit integers."""
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE t (cents INTEGER NOT NULL)")
    top = Cost(Decimal(MAX_CENTS) - Decimal("0.5")).whole_cents
    db.executemany("INSERT INTO t VALUES (?)", [(top,)] * 9000)
    (summed,) = db.execute("SELECT SUM(cents) FROM t").fetchone()
    assert summed == 9000 * MAX_CENTS
    with pytest.raises(OverflowError):  # the SQLite limit the bound keeps far away
        db.execute("INSERT INTO t VALUES (?)", (2**63,))


def test_cost_type_and_currency_are_checked() -> None:
    with pytest.raises(TypeError, match="bool"):
        Cost(True)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="str"):
        Cost("12")  # type: ignore[arg-type]
    with pytest.raises(CostError, match="'usd'"):
        Cost(Decimal(5), "usd")
    # negative amounts are allowed where they mean something: what a soft overrun leaves
    assert Cost(Decimal(1)) - Cost(Decimal(3)) == Cost(Decimal(-2))
    assert str(Cost(Decimal(-250))) == "$-2.50"


def test_hand_built_table_refuses_prices_that_are_not_money() -> None:
    for bad in (Decimal("NaN"), Decimal(-1), Decimal(MAX_PRICE_CENTS + 1), True):
        with pytest.raises((PriceError, TypeError)) as info:
            PriceTable(rates={"sora-2": {"1280x720": bad}}, source="s", date="d")  # type: ignore[dict-item]
        assert "sora-2 at 1280x720" in str(info.value)


def test_estimates_from_any_allowed_price_are_exact() -> None:
    """Any price the file accepts (at most 6 decimals, at most MAX_PRICE_CENTS) sums exactly."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    @settings(max_examples=80, deadline=None)
    @given(
        st.integers(min_value=0, max_value=MAX_PRICE_CENTS * 10**6),
        st.integers(min_value=0, max_value=6),
        st.lists(st.integers(min_value=0, max_value=120), min_size=1, max_size=20),
    )
    def check(scaled: int, decimals: int, seconds: list[int]) -> None:
        price = min(Decimal(scaled).scaleb(-decimals), Decimal(MAX_PRICE_CENTS))
        table = PriceTable.from_dict(
            {
                "source": "s",
                "as_of": "d",
                "cents_per_second": {"sora-2": {"1280x720": str(price)}},
            },
            file="hyp",
        )
        got = total(table.cost("sora-2", "1280x720", s) for s in seconds)
        assert Fraction(got.cents) == Fraction(price) * sum(seconds)

    check()


def test_cost_arithmetic_and_total() -> None:
    a, b = Cost(Decimal(960)), Cost(Decimal(40))
    assert a - b == Cost(Decimal(920))
    assert 3 * b == Cost(Decimal(120))
    assert total([a, b]) == Cost(Decimal(1000))
    assert total([]) == Cost.zero()
    with pytest.raises(ValueError, match="EUR"):
        a + Cost(Decimal(1), "EUR")


def test_failure_cost_follows_the_file(tmp_path: Path) -> None:
    cost = Cost(Decimal(120))
    assert PriceTable.load().failure_cost(cost) == Cost.zero()
    billed = PriceTable.load(write_prices(tmp_path, billed="true"))
    assert billed.failed_jobs_billed is True
    assert billed.failure_cost(cost) == cost


# -- unknown values ------------------------------------------------------------------------


def test_unknown_model_names_the_allowed_models() -> None:
    table = PriceTable.load()
    with pytest.raises(PriceError) as info:
        table.price_per_second("sora-3", "1280x720")
    msg = str(info.value)
    assert "'sora-3'" in msg and "sora-2" in msg and "sora-2-pro" in msg
    assert isinstance(info.value, ValueError)


def test_unknown_size_names_the_allowed_sizes() -> None:
    table = PriceTable.load()
    with pytest.raises(PriceError) as info:
        estimate(("sora-2", "1792x1024", 8), table)
    msg = str(info.value)
    assert "'1792x1024'" in msg and "720x1280" in msg and "1280x720" in msg
    assert not table.offers("sora-2", "1792x1024")
    assert table.offers("sora-2-pro", "1792x1024")
    assert not table.offers("nope", "1280x720")


def test_estimate_rejects_other_things() -> None:
    with pytest.raises(TypeError, match="Shot, a Storyboard"):
        estimate("sora-2")  # type: ignore[arg-type]
    with pytest.raises(PriceError, match="model, size, seconds"):
        estimate(("sora-2", "1280x720"))  # type: ignore[arg-type]
    with pytest.raises(PriceError, match="negative"):
        estimate(("sora-2", "1280x720", -4))


# -- user files and the environment --------------------------------------------------------


def test_user_file_and_env_variable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_prices(tmp_path, s2="7")
    assert PriceTable.load(path).price_per_second("sora-2", "1280x720") == Decimal(7)
    monkeypatch.setenv("SORAFILM_PRICES", str(path))
    assert PriceTable.load().date == "2030-01"
    assert estimate(("sora-2", "1280x720", 10)).cents == Decimal(70)


def test_edited_file_is_reread(tmp_path: Path) -> None:
    path = write_prices(tmp_path, s2="7")
    assert PriceTable.load(path).price_per_second("sora-2", "720x1280") == Decimal(7)
    write_prices(tmp_path, s2="123")
    assert PriceTable.load(path).price_per_second("sora-2", "720x1280") == Decimal(123)


@pytest.mark.parametrize(
    ("edit", "entry", "field", "words"),
    [
        (('"1280x720" = 10', '"1280x720" = -10'), "sora-2", "1280x720", "negative"),
        (('"1280x720" = 10', '"1280x720" = 0.10'), "sora-2", "1280x720", "float"),
        (('"1280x720" = 10', '"1280x720" = "ten"'), "sora-2", "1280x720", "not a number"),
        (('"1280x720" = 10', '"1280x720" = "NaN"'), "sora-2", "1280x720", "finite"),
        (('"1280x720" = 10', '"1280x720" = true'), "sora-2", "1280x720", "not a number"),
        (('"1280x720" = 10', '"1280x720" = [10]'), "sora-2", "1280x720", "list"),
        (('"1280x720" = 10', '"1280 by 720" = 10'), "sora-2", "1280 by 720", "WIDTHxHEIGHT"),
        (
            ("[cents_per_second.sora-2]", '[cents_per_second."Sora 2"]'),
            "Sora 2",
            None,
            "lower-case",
        ),
        (('as_of = "2030-01"', ""), None, "as_of", "missing"),
        (
            ('source = "https://example.invalid/prices"', "source = 3"),
            None,
            "source",
            "expected str",
        ),
        (
            ("failed_jobs_billed = false", 'failed_jobs_billed = "no"'),
            None,
            "failed_jobs_billed",
            "expected bool",
        ),
        (('currency = "USD"', 'currency = "dollars"'), None, "currency", "ISO"),
        (('currency = "USD"', 'currency = "USS"'), None, "currency", "not an ISO 4217"),
        (('"1280x720" = 10', '"1280x720" = "1e3"'), "sora-2", "1280x720", "plain digits"),
        (('"1280x720" = 10', '"1280x720" = "1_000"'), "sora-2", "1280x720", "plain digits"),
        (('"1280x720" = 10', '"1280x720" = "\u0661\u0660"'), "sora-2", "1280x720", "plain digits"),
        (('"1280x720" = 10', '"1280x720" = "-0.5"'), "sora-2", "1280x720", "negative"),
        (('"1280x720" = 10', '"1280x720" = "Infinity"'), "sora-2", "1280x720", "finite"),
        (('"1280x720" = 10', '"1280x720" = 1000000000000'), "sora-2", "1280x720", "$1,000,000"),
        (('"1280x720" = 10', '"1280x720" = "0.1234567"'), "sora-2", "1280x720", "6 decimal"),
        (('"1280x720" = 10', '"1280x720" = {}'), "sora-2", "1280x720", "dict"),
        # sizes the Videos API refuses for OpenAI's own models
        (('"1280x720" = 10', '"1920x1080" = 10'), "sora-2", "1920x1080", "accepts only"),
        (('"1024x1792" = 50', '"1080x1920" = 50'), "sora-2-pro", "1080x1920", "1792x1024"),
    ],
)
def test_malformed_price_file_names_file_entry_and_field(
    tmp_path: Path, edit: tuple[str, str], entry: str | None, field: str | None, words: str
) -> None:
    path = write_prices(tmp_path, billed="false")
    text = path.read_text()
    old, new = edit
    assert old in text
    path.write_text(text.replace(old, new, 1))
    with pytest.raises(DataFileError) as info:
        PriceTable.load(path)
    err = info.value
    assert err.file == str(path.resolve())
    assert err.entry == entry
    assert err.field == field
    assert words in str(err)
    assert str(path.resolve()) in str(err)


def test_a_size_openai_does_not_offer_the_model_at_is_kept_with_a_warning(
    tmp_path: Path,
) -> None:
    """sora-2 has no high-resolution size at OpenAI; a router may have one, so: warn, keep."""
    path = write_prices(tmp_path)
    path.write_text(path.read_text().replace('"1280x720" = 10', '"1792x1024" = 10', 1))
    with pytest.warns(PriceFileWarning) as caught:
        table = PriceTable.load(path)
    assert len(caught) == 1
    warning = caught[0].message
    assert isinstance(warning, PriceFileWarning)
    assert (warning.file, warning.entry, warning.field) == (
        str(path.resolve()),
        "sora-2",
        "1792x1024",
    )
    assert str(path.resolve()) in str(warning) and "only at 720x1280, 1280x720" in str(warning)
    # kept, not dropped: nothing in the file is lost
    assert table.price_per_second("sora-2", "1792x1024") == Decimal(10)
    assert table.sizes("sora-2") == ("720x1280", "1792x1024")


def test_a_dated_snapshot_offers_what_its_model_offers(tmp_path: Path) -> None:
    path = write_prices(tmp_path)
    text = path.read_text().replace(
        "[cents_per_second.sora-2]", "[cents_per_second.sora-2-2025-12-08]"
    )
    path.write_text(text.replace('"1280x720" = 10', '"1024x1792" = 10', 1))
    with pytest.warns(PriceFileWarning) as caught:
        PriceTable.load(path)
    assert [(w.message.entry, w.message.field) for w in caught] == [  # type: ignore[union-attr]
        ("sora-2-2025-12-08", "1024x1792")
    ]


def test_another_providers_model_is_priced_at_api_sizes_without_warnings(tmp_path: Path) -> None:
    path = write_prices(tmp_path)
    path.write_text(path.read_text() + '\n[cents_per_second.acme-video]\n"1792x1024" = 9\n')
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        table = PriceTable.load(path)
    assert table.price_per_second("acme-video", "1792x1024") == Decimal(9)
    path.write_text(path.read_text().replace('"1792x1024" = 9', '"1920x1080" = 9'))
    with pytest.raises(DataFileError) as info:
        PriceTable.load(path)
    assert (info.value.entry, info.value.field) == ("acme-video", "1920x1080")
    assert ", ".join(API_SIZES) in str(info.value)


def test_valid_files_load_without_warnings(tmp_path: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        # from_dict, not load(): a cached load would not warn a second time
        PriceTable.from_dict(load_toml(default_path()), file=str(default_path()))
        PriceTable.load(write_prices(tmp_path, s2='"12.5000000"', name="trailing-zeros.toml"))


def test_a_price_file_in_another_currency_prices_in_it(tmp_path: Path) -> None:
    path = write_prices(tmp_path)
    path.write_text(path.read_text().replace('currency = "USD"', 'currency = "EUR"'))
    table = PriceTable.load(path)
    assert estimate(("sora-2", "1280x720", 4), table) == Cost(Decimal(40), "EUR")


def test_duplicate_entries_name_the_file_and_the_line(tmp_path: Path) -> None:
    path = write_prices(tmp_path)
    lines = path.read_text().splitlines()
    at = lines.index('"1280x720" = 10') + 1  # 1-based line of sora-2's 1280x720 price
    lines.insert(at, '"1280x720" = 12')  # the same size twice under one model
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(DataFileError) as info:
        PriceTable.load(path)
    assert info.value.file == str(path.resolve())
    assert f"line {at + 1}" in str(info.value)

    path = write_prices(tmp_path)
    path.write_text(path.read_text() + '\n[cents_per_second.sora-2]\n"720x1280" = 12\n')
    with pytest.raises(DataFileError, match=r"sora-2.*twice") as info:
        PriceTable.load(path)
    assert info.value.file == str(path.resolve())


def test_a_file_without_the_plans_model_names_the_file_when_used(tmp_path: Path) -> None:
    path = tmp_path / "only2.toml"
    path.write_text('source = "s"\nas_of = "d"\n[cents_per_second.sora-2]\n"1280x720" = 10\n')
    table = PriceTable.load(path)
    with pytest.raises(PriceError) as info:
        estimate(("sora-2-pro", "1280x720", 4), table)
    msg = str(info.value)
    assert "'sora-2-pro'" in msg and str(path.resolve()) in msg and "prices sora-2" in msg
    path.write_text('source = "s"\nas_of = "d"\n')
    with pytest.raises(DataFileError) as err:
        PriceTable.load(path)
    assert err.value.field == "cents_per_second" and "missing" in str(err.value)


@pytest.mark.parametrize(
    ("alias", "target", "words"),
    [
        ("Sora-2-2026-01-01", "sora-2", "lower-case"),
        ("sora-2-pro-2025-10-06", "sora-2", "snapshot of sora-2-pro"),  # pro at sora-2 prices
        ("sora-2-2025-10-06", "sora-2-pro", "snapshot of sora-2"),
    ],
)
def test_an_alias_must_price_a_snapshot_like_its_model(
    tmp_path: Path, alias: str, target: str, words: str
) -> None:
    path = write_prices(tmp_path)
    path.write_text(path.read_text() + f'\n[aliases]\n"{alias}" = "{target}"\n')
    with pytest.raises(DataFileError) as info:
        PriceTable.load(path)
    assert (info.value.entry, info.value.field) == ("aliases", alias)
    assert words in str(info.value) and str(path.resolve()) in str(info.value)


def test_alias_to_unpriced_model_is_an_error(tmp_path: Path) -> None:
    path = write_prices(tmp_path)
    path.write_text(path.read_text() + '\n[aliases]\n"sora-9-2031" = "sora-9"\n')
    with pytest.raises(DataFileError) as info:
        PriceTable.load(path)
    assert info.value.entry == "aliases" and info.value.field == "sora-9-2031"
    assert "sora-2-pro" in str(info.value)


def test_model_that_is_not_a_table_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    path.write_text('source = "s"\nas_of = "d"\n[cents_per_second]\nsora-2 = 10\n')
    with pytest.raises(DataFileError) as info:
        PriceTable.load(path)
    assert info.value.entry == "sora-2"


def test_missing_and_broken_files(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match="not found"):
        PriceTable.load(tmp_path / "missing.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("source = \n")
    with pytest.raises(DataFileError, match="TOML"):
        PriceTable.load(bad)


def test_table_is_read_only_and_copyable() -> None:
    table = PriceTable.load()
    with pytest.raises(TypeError):
        table.rates["sora-2"]["1280x720"] = Decimal(1)  # type: ignore[index]
    clone = pickle.loads(pickle.dumps(table))
    assert clone == table and copy.deepcopy(table) == table
    assert clone.price_per_second("sora-2-pro-2025-10-06", "1792x1024") == Decimal(50)


def test_prices_frame_lists_every_model_and_size() -> None:
    frame = PriceTable.load().frame()
    assert len(frame) == 6
    row = frame[(frame.model == "sora-2-pro") & (frame["size"] == "1792x1024")].iloc[0]
    assert row.per_minute == "$30.00"


# -- strategies ----------------------------------------------------------------------------


def by_name(items: list[Strategy]) -> dict[str, Strategy]:
    return {s.name: s for s in items}


def test_strategies_for_a_96s_film_on_the_packaged_table() -> None:
    board = make_storyboard([12] * 8)
    got = by_name(strategies(board))
    assert list(got) == [
        "as-planned",
        "all-sora-2",
        "all-sora-2-pro-720p",
        "all-sora-2-pro-hires",
        "drafts-then-sora-2-pro",
        "animatic-only",
    ]
    assert got["as-planned"].cost.cents == Decimal(960)
    assert got["all-sora-2"].cost.cents == Decimal(960)
    assert got["all-sora-2-pro-720p"].cost.cents == Decimal(2880)
    assert got["all-sora-2-pro-720p"].size == "1280x720"
    assert got["all-sora-2-pro-hires"].cost.cents == Decimal(4800)
    assert got["all-sora-2-pro-hires"].size == "1792x1024"  # landscape kept
    # 8 drafts of 4 s on sora-2 (320 c) + 96 s finals on pro at 720p (2880 c)
    assert got["drafts-then-sora-2-pro"].cost.cents == Decimal(320 + 2880)
    assert got["drafts-then-sora-2-pro"].billed_seconds == 32 + 96
    assert got["animatic-only"].cost == Cost.zero()
    assert "$0.10 per finished second" in got["all-sora-2"].notes


def test_strategies_keep_portrait_and_hires_class() -> None:
    board = make_storyboard([8, 8], model="sora-2-pro", size="1024x1792")
    got = by_name(strategies(board))
    assert got["all-sora-2"].size == "720x1280"  # sora-2 has no hi-res: portrait 720p
    assert "no high-resolution size" in got["all-sora-2"].notes
    assert got["all-sora-2-pro-hires"].size == "1024x1792"
    assert "storyboard's size class" in got["all-sora-2-pro-hires"].description
    assert got["drafts-then-sora-2-pro"].size == "1024x1792"
    assert got["drafts-then-sora-2-pro"].cost.cents == Decimal(2 * 4 * 10 + 16 * 50)


def test_strategy_figures_are_derived_from_the_table(tmp_path: Path) -> None:
    board = make_storyboard([12] * 8)
    table = PriceTable.load(write_prices(tmp_path, s2="1", pro="2", hires='"2.5"'))
    got = by_name(strategies(board, table))
    assert got["all-sora-2"].cost.cents == Decimal(96)
    assert got["all-sora-2-pro-720p"].cost.cents == Decimal(192)
    assert got["all-sora-2-pro-hires"].cost.cents == Decimal(240)
    assert got["drafts-then-sora-2-pro"].cost.cents == Decimal(32 + 192)


def test_strategies_skip_models_the_table_does_not_price(tmp_path: Path) -> None:
    path = tmp_path / "only2.toml"
    path.write_text('source = "s"\nas_of = "d"\n[cents_per_second.sora-2]\n"1280x720" = 10\n')
    got = by_name(strategies(make_storyboard([4, 4]), PriceTable.load(path)))
    assert list(got) == ["as-planned", "all-sora-2", "animatic-only"]


def test_unpriceable_plan_is_reported_not_hidden() -> None:
    board = make_storyboard([4], model="sora-9", size="1280x720")
    planned = by_name(strategies(board))["as-planned"]
    assert "cannot be priced" in planned.notes and "sora-9" in planned.notes
    assert planned.priced is False
    frame = strategies_frame(board)
    assert frame.cost[0] == "cannot be priced" and frame.cents[0] is None
    assert all(s.priced for s in strategies(board)[1:])


def test_strategies_frame() -> None:
    frame = strategies_frame(make_storyboard([12] * 8))
    assert list(frame.strategy)[:2] == ["as-planned", "all-sora-2"]
    assert list(frame.cost) == ["$9.60", "$9.60", "$28.80", "$48.00", "$32.00", "$0.00"]
    assert all(isinstance(c, Decimal) for c in frame.cents)


# -- property: the sum of the parts, exactly -------------------------------------------------

OFFERED = [
    ("sora-2", "720x1280"),
    ("sora-2", "1280x720"),
    ("sora-2-pro", "720x1280"),
    ("sora-2-pro", "1280x720"),
    ("sora-2-pro", "1024x1792"),
    ("sora-2-pro", "1792x1024"),
]
LIST_PRICE = {"sora-2": 10, "sora-2-pro": 30}  # cents/s at 720p, from DESIGN.md


def test_storyboard_estimate_is_the_exact_sum_of_its_shots() -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    @settings(max_examples=60, deadline=None)
    @given(st.lists(st.tuples(st.sampled_from(OFFERED), st.sampled_from([4, 8, 12])), max_size=30))
    def check(picks: list[tuple[tuple[str, str], int]]) -> None:
        board = make_storyboard([s for _, s in picks])
        shots = tuple(
            Shot(index=i, beat="all", seconds=s, model=m, size=z, cast=None, title="")
            for i, ((m, z), s) in enumerate(picks)
        )
        board = Storyboard(
            board.template, board.casting, shots, board.target_seconds, "sora-2", "1280x720"
        )
        expected = sum(
            (
                s * (50 if max(map(int, z.split("x"))) > 1280 else LIST_PRICE[m])
                for (m, z), s in picks
            ),
            0,
        )
        cost = estimate(board)
        assert type(cost.cents) is Decimal
        assert cost.cents == expected
        assert cost == total(estimate(s) for s in shots)

    check()
