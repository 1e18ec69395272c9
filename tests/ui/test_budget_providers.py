"""The budget picker chooses the provider: its models and sizes, and its prices."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from sorafilm_nb import ui  # ui.BudgetPicker: ipywidgets loads in the tests, not at collection
from sorafilm_nb.money.cost import Cost
from sorafilm_nb.money.prices import PriceTable, default_path


def test_switching_provider_prices_the_estimate_from_its_file() -> None:
    picker = ui.BudgetPicker(
        None,
        PriceTable.load(),
        templates={"teaser-30": 24},
        providers=("openai", "veo", "runway"),
    )
    assert picker.provider in picker.children  # shown: more than one provider offered
    assert picker.estimate == Cost(Decimal(240))  # 24 s of sora-2 at $0.10
    picker.provider.value = "veo"
    assert picker.model.value == "veo-3.1-generate-preview"
    assert "1920x1080" in picker.size.options
    assert picker.current().provider == "veo"
    assert picker.estimate == Cost(Decimal(960))  # 24 s at $0.40
    assert "veo" in picker.output.value
    picker.provider.value = "runway"
    assert picker.model.value == "gen4.5" and picker.estimate == Cost(Decimal(288))


def test_one_provider_shows_no_provider_dropdown() -> None:
    picker = ui.BudgetPicker(None, PriceTable.load(provider="runway"), templates={"single-12": 8})
    assert picker.provider not in picker.children
    assert picker.current().provider == "runway" and picker.estimate == Cost(Decimal(96))


def _veo_with_no_audio_price(tmp_path: Path) -> PriceTable:
    """The packaged Veo file plus a no_audio price of 20 cents a second at 1280x720."""
    path = tmp_path / "veo.toml"
    text = default_path("veo").read_text(encoding="utf-8")
    path.write_text(text + '\n[modifiers.no_audio."veo-3.1-generate-preview"]\n"1280x720" = 20\n')
    return PriceTable.load(path, provider="veo")


def test_the_audio_box_reprices_the_estimate_as_the_studio_would_send_it(
    tmp_path: Path,
) -> None:
    table = _veo_with_no_audio_price(tmp_path)
    picker = ui.BudgetPicker(None, table, templates={"teaser-30": 24})
    assert picker.audio.value is True and picker.current().audio is True
    assert picker.estimate == Cost(Decimal(24 * 40))
    picker.audio.value = False  # live: no refresh() call
    assert picker.current().audio is False
    assert (
        picker.estimate
        == Cost(Decimal(24 * 20))
        == table.clip_cost("veo-3.1-generate-preview", "1280x720", 24, audio=False)
    )
    assert "without audio" in picker.output.value
    quiet = ui.BudgetPicker(None, PriceTable.load(), templates={"teaser-30": 24}, audio=False)
    assert quiet.estimate == Cost(Decimal(240))  # sora-2 makes its sound anyway: same price
    assert "cannot leave it out" in quiet.output.value


def test_the_app_plans_with_the_box_and_a_silent_theme_starts_it_unticked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sorafilm_nb.ui import studio

    monkeypatch.chdir(tmp_path)
    repo = tmp_path / "kettle"
    repo.mkdir()
    (repo / "kettle.py").write_text('"""A kettle."""\n\n\nclass Kettle:\n    """Boils."""\n')
    theme = tmp_path / "hush.toml"
    theme.write_text(
        '[theme]\nid = "hush"\ntitle = "Hush"\nextends = "kitchen"\n\n[style]\naudio = false\n'
    )
    app = studio(repo, theme=str(theme), template="single-12", out_dir=tmp_path / "out")
    assert app.budget.audio.value is False
    assert app.plan is not None and app.plan.audio is False
    assert all("Sound: silence" in p.text for p in app.plan.prompts)  # sora-2: asks for it
    app.budget.audio.value = True
    assert app.plan.audio is True and "Sound: silence" not in app.plan.prompts[0].text


def test_the_audio_box_says_why_it_leaves_a_price_unchanged() -> None:
    # the packaged Veo file lists no price without audio: the figure stays, and says why
    veo = ui.BudgetPicker(None, PriceTable.load(provider="veo"), templates={"teaser-30": 24})
    with_sound = veo.estimate
    veo.audio.value = False
    assert veo.estimate == with_sound
    assert "without audio (priced as with audio: the price file lists no price" in (
        veo.output.value
    )
    # Runway's gen4.5 makes no sound at all: ticked or not, it is a silent clip
    runway = ui.BudgetPicker(None, PriceTable.load(provider="runway"), templates={"teaser-30": 24})
    for audio in (True, False):
        runway.audio.value = audio
        assert "silent (gen4.5 makes no sound)" in runway.output.value
        assert "cannot leave it out" not in runway.output.value


@pytest.mark.parametrize("audio", [False, True])
def test_the_app_takes_audio_and_prices_it_as_the_estimate_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, audio: bool
) -> None:
    """studio(audio=...) starts the app's audio box as the quickstart's AUDIO starts the
    ui.BudgetPicker's, and the app's plan is priced by the same rule as the picker's own
    estimate (PriceTable.clip_cost): with a Veo no_audio price of 20 cents a second, the
    film without sound costs half."""
    from sorafilm_nb.ui import studio

    monkeypatch.chdir(tmp_path)
    repo = tmp_path / "kettle"
    repo.mkdir()
    (repo / "kettle.py").write_text('"""A kettle."""\n\n\nclass Kettle:\n    """Boils."""\n')
    table = _veo_with_no_audio_price(tmp_path)
    app = studio(
        repo,
        template="single-12",
        provider="veo",
        prices=table,
        audio=audio,
        out_dir=tmp_path / "out",
    )
    assert app.budget.audio.value is audio and app.budget.current().audio is audio
    assert app.plan is not None and app.plan.audio is audio and not app.plan.blocked
    seconds = app.plan.storyboard.seconds
    alone = ui.BudgetPicker(None, table, templates={"single-12": seconds}, audio=audio)
    per_second = 40 if audio else 20
    assert app.budget.estimate == app.plan.total == alone.estimate
    assert app.plan.total == Cost(Decimal(per_second * seconds))
    assert ("without audio" in app.budget.output.value) is not audio


def test_the_estimate_says_a_price_is_unverified_where_the_money_is_decided(
    tmp_path: Path,
) -> None:
    """The picker (and the studio app, which shows it) priced Veo at $0.40/s with no word
    that veo.toml's figures are third parties', not Google's: `sorafilm providers` said
    UNVERIFIED, the estimate did not. The word comes from the file's note, so a user's own
    Veo file that drops it (prices read off Google's page) is shown as it is."""
    veo = ui.BudgetPicker(
        None, PriceTable.load(), templates={"teaser-30": 24}, providers=("openai", "veo")
    )
    assert "UNVERIFIED" not in veo.output.value  # openai.toml names its page
    veo.provider.value = "veo"
    assert "price <b>UNVERIFIED: no provider page read</b>" in veo.output.value
    mine = tmp_path / "veo.toml"
    text = default_path("veo").read_text(encoding="utf-8")
    mine.write_text(text.replace('note = "UNVERIFIED: ', 'note = "Read off the page: '))
    checked = ui.BudgetPicker(None, PriceTable.load(mine, provider="veo"), templates={"t": 8})
    assert checked.estimate == Cost(Decimal(320)) and "UNVERIFIED" not in checked.output.value
