"""Scenes that hold together: an ending gag plays only the film's last shot, and no gag says
an hour its theme's light does not keep. A new user's heist film of dayjs played "tips a flat
cap out of the window of the getaway van as it pulls away at dawn" at shot 4 of 9 under
"Lighting: moonlight through a glass skylight", and the next shot opened "Setting the getaway
van aside"; uuid's kitchen film opened on "the perfect breakfast at last"."""

from __future__ import annotations

from pathlib import Path

import pytest
from package_fixtures import TOOLS_API, tools_package

from sorafilm_nb.analysis.profile import analyze
from sorafilm_nb.story.boards import storyboard
from sorafilm_nb.story.casting import MetaphorLibrary, cast
from sorafilm_nb.story.planning import film_casting, plan
from sorafilm_nb.story.wording import off_hours

ENDINGS = {"kitchen": "kitchen.perfect-breakfast", "heist": "heist.getaway-at-dawn"}


@pytest.mark.parametrize("theme", ["kitchen", "space", "heist"])
def test_a_packaged_theme_has_its_ending_gags_and_every_gag_keeps_its_hour(theme: str) -> None:
    lib = MetaphorLibrary.load(theme)
    assert [m.id for m in lib.metaphors if m.ends], "the ending gags are the fallback victories"
    # nothing packaged is lost to the hour check: every gag is castable in its own theme
    assert [m.id for m in lib.metaphors if m not in lib.playable] == []


def test_an_hour_the_setting_does_not_keep_is_off() -> None:
    night = "a marble museum gallery at night. moonlight through a glass skylight"
    assert "dawn" in off_hours(night, "the van pulls away at dawn")
    assert off_hours(night, "a sleepy night guard, in the lamplight") == ""
    assert "dawn" in off_hours("morning window light", "the stove stoked at dawn")
    assert off_hours("morning window light", "sunlight on the table") == ""
    assert off_hours("a round porthole full of stars", "at dawn") == ""  # no hour said


def test_a_user_theme_in_daylight_casts_none_of_heists_night_gags(tmp_path: Path) -> None:
    theme = tmp_path / "noon.toml"
    theme.write_text(
        '[theme]\nid = "noon"\ntitle = "Noon heist"\nextends = "heist"\n\n'
        '[style]\nsetting = "a marble museum gallery at noon"\n'
        'lighting = "hard noon sunlight through tall windows"\n'
    )
    lib = MetaphorLibrary.load(theme)
    night = {m.id for m in lib.metaphors} - {m.id for m in lib.playable}
    assert "heist.getaway-at-dawn" not in night  # it says "into the dark", no hour
    assert {"heist.night-switchboard", "heist.skylight-drop"} <= night
    profile = analyze(str(tools_package(tmp_path / "repo")))
    casting = cast(profile, lib, top=14)
    assert not {e.metaphor.id for e in casting.entries} & night


@pytest.mark.parametrize("theme", ["kitchen", "heist"])
def test_an_ending_gag_cast_before_the_last_shot_plays_another(tmp_path: Path, theme: str) -> None:
    profile = analyze(str(tools_package(tmp_path / "repo")))
    casting = cast(profile, theme)
    board = storyboard(casting)
    middle = next(s for s in board.shots[1:-1] if s.cast is not None and not s.reprise)
    picked = casting.recast(middle.cast.concept.name, ENDINGS[theme])  # the picker, or cast()
    board = storyboard(picked)
    ends = [s.index for s in board.shots if s.cast is not None and s.cast.metaphor.ends]
    assert ends == [], f"ending gags before the last shot: {ends}"
    moved = board.casting.entry(middle.cast.concept.name)
    assert not moved.metaphor.ends
    # another gag that no other concept plays, scored as cast scores it
    assert sum(e.metaphor.id == moved.metaphor.id for e in board.casting.entries) == 1
    assert moved.score > 0
    # the opening too: openings open
    first = board.shots[0].cast
    assert first is not None
    board = storyboard(casting.recast(first.concept.name, ENDINGS[theme]))
    assert not board.shots[0].cast.metaphor.ends  # type: ignore[union-attr]


def test_the_last_shot_alone_keeps_its_ending_gag(tmp_path: Path) -> None:
    """single-12 is its star alone: a getaway there ends the film, as it should."""
    profile = analyze(str(tools_package(tmp_path / "repo")))
    casting = cast(profile, "heist")
    (shot,) = storyboard(casting, "single-12").shots
    assert shot.cast is not None
    board = storyboard(casting.recast(shot.cast.concept.name, ENDINGS["heist"]), "single-12")
    assert board.shots[-1].cast.metaphor.id == ENDINGS["heist"]  # type: ignore[union-attr]


def test_the_notebooks_casting_is_the_films(tmp_path: Path) -> None:
    """film_casting hands the picker the gags the film plays (its board's casting)."""
    profile = analyze(str(tools_package(tmp_path / "repo")))
    films = [e.metaphor.id for e in plan(profile, "kitchen").storyboard.casting.entries]
    assert [e.metaphor.id for e in film_casting(profile, "kitchen").entries] == films


def _warned_package(root: Path) -> Path:
    repo = tools_package(root, TOOLS_API[:5])
    init = repo / "tools" / "__init__.py"
    init.write_text(
        init.read_text()
        + '\nclass ToolWarning(UserWarning):\n    """A tool finished, but not as asked."""\n'
        + '\nclass SlowToolWarning(ToolWarning):\n    """A tool took longer than asked."""\n'
        + "\ndef shout(value):\n"
        + '    """Warn that a tool finished, but not as asked."""\n'
        + "    import warnings\n\n    warnings.warn(ToolWarning(value))\n"
        + "    warnings.warn(SlowToolWarning(value))\n    return value\n"
    )
    return repo


@pytest.mark.parametrize("provider", ["openai", "veo"])
@pytest.mark.parametrize("template", ["silent-90", "teaser-30"])
def test_a_warning_class_is_no_trouble_on_any_provider(
    tmp_path: Path, provider: str, template: str
) -> None:
    """A warning is warned, not raised: it never plays the trouble (pluggy's PluggyWarning
    was its Veo film's trouble and absent from its sora-2 film), while the errors a call
    raises still do."""
    profile = analyze(str(_warned_package(tmp_path / "repo")))
    assert {"ToolWarning", "SlowToolWarning"} <= {c.name for c in profile.concepts}
    board = plan(profile, "space", template, provider=provider).storyboard
    shown = {n.name for s in board.shots if s.cast for n in s.cast.concepts}
    assert not shown & {"ToolWarning", "SlowToolWarning"}
    assert "ToolError" in shown  # the error that fetch() and the others raise


@pytest.mark.parametrize("provider", ["openai", "veo"])
def test_a_teaser_keeps_the_concepts_the_readme_leads_with(tmp_path: Path, provider: str) -> None:
    """pluggy's teaser: the star is the README's first (HookspecMarker), every other README
    concept comes after it, and the teaser showed HookImpl and HookCaller (no README) and
    left out PluginManager, the README's core class. The README's concepts come first,
    whatever their order beside the star."""
    repo = tools_package(tmp_path / "repo", errors=False)
    calls = "".join(f"tools.{name}('x')\n" for name, _, _ in TOOLS_API[:4])
    (repo / "README.md").write_text(
        f"# Tools\n\nSmall tools for busy programs.\n\n```python\nimport tools\n\n{calls}```\n"
    )
    profile = analyze(str(repo))
    readme = {c.name for c in profile.concepts if c.readme_order >= 0}
    board = plan(profile, template="teaser-30", provider=provider).storyboard
    shown = [s.cast.concept for s in board.shots if s.cast is not None]
    assert shown[-1].readme_order == 0  # the star, the README's first
    lesser = [c.name for c in shown if c.name not in readme]
    assert lesser == [], f"lesser concepts {lesser} shown, README ones left out"
    assert len(shown) >= 3
