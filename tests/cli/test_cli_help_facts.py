"""What `sorafilm plan --help` (and film's) says about models, sizes and clip lengths agrees
with the capabilities files (data/capabilities/*.toml), the one home of those facts: clip
lengths differ by provider and model, so the help names none as fixed and points at
`sorafilm providers`, which lists each model's."""

from __future__ import annotations

import re

import pytest

from sorafilm_nb import capabilities
from sorafilm_nb.cli import main


def _help(command: str, capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit):
        main([command, "--help"])
    return " ".join(capsys.readouterr().out.split())


def _every_model() -> dict[str, capabilities.ModelCapabilities]:
    return {m: cap for p in capabilities.PROVIDERS for m, cap in capabilities.load(p).items()}


def test_the_plan_help_states_no_clip_lengths_as_fixed(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """It said "lengths the Videos API accepts (4, 8, 12 s)", sora-2's: Veo takes 4, 6 or
    8 s and Runway's gen4.5 2 to 10."""
    said = _help("plan", capsys)
    description = said.split("options:", 1)[0]
    assert "`sorafilm providers` lists them" in description
    assert not re.search(r"\(\d+(, \d+)+ s\)", description), description
    listed = " ".join(main_out(["providers"], capsys).split())
    for provider in capabilities.PROVIDERS:  # the pointer's promise: each model's lengths
        for model, cap in capabilities.load(provider).items():
            if f"{model} " in listed:
                assert f"clips {'/'.join(map(str, cap.seconds))} s" in listed, model


def main_out(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    assert main(argv) == 0
    return capsys.readouterr().out


@pytest.mark.parametrize("command", ["plan", "film"])
def test_the_model_and_size_help_name_what_the_capabilities_hold(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Typed by hand (building them from the files would load three TOML files on every
    `sorafilm plan`), so checked here against the files: a model or size added there and
    not here fails."""
    said = _help(command, capsys).split("what to plan:", 1)[1]
    model_help = said.split("--model MODEL", 1)[1].split("--size", 1)[0]
    size_help = said.split("--size WxH", 1)[1].split("--look", 1)[0]
    for provider in capabilities.PROVIDERS:
        assert capabilities.default_model(provider) in model_help
    undated = [m for m in _every_model() if not re.search(r"-\d{4}-\d{2}-\d{2}$", m)]
    assert [m for m in undated if m not in model_help] == []
    sizes = {size for cap in _every_model().values() for size in cap.sizes}
    assert [s for s in sorted(sizes) if s not in size_help] == []


def test_each_budget_action_says_what_it_does_in_its_own_help() -> None:
    """`sorafilm budget show --help` printed its options only: what each action does was
    said in `budget --help`'s list alone."""
    import argparse

    from sorafilm_nb.cli import build_parser

    def actions(parser: argparse.ArgumentParser) -> argparse._SubParsersAction:
        return next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))

    budget = actions(build_parser()).choices["budget"]
    listed = actions(budget)
    for action in listed._choices_actions:
        chosen = listed.choices[action.dest]
        assert chosen.description, action.dest  # its own words, or the listed line
        if len(chosen.description) < len(str(action.help)) + 2:
            assert chosen.description.lower().startswith(str(action.help).lower())


@pytest.mark.parametrize("command", ["plan", "film"])
def test_the_theme_and_template_help_name_every_packaged_one(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Typed by hand in cli/plan.py like --model's (analyze lists the themes from the data
    folder): a theme or story template added to data/ and not to the help fails here."""
    from sorafilm_nb.datafiles import packaged

    said = _help(command, capsys).split("what to plan:", 1)[1]
    theme_help = said.split("--theme THEME", 1)[1].split("--template", 1)[0]
    template_help = said.split("--template TEMPLATE", 1)[1].split("--budget", 1)[0]
    assert [t for t in packaged("metaphors") if t not in theme_help] == []
    assert [t for t in packaged("stories") if t not in template_help] == []
