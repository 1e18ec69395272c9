"""`sorafilm plan`: the flags reach every figure it prints."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from sorafilm_nb.cli import main
from sorafilm_nb.money.prices import default_path


@pytest.fixture(scope="module")
def small_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real little package for analyze() and the storyboard."""
    root = tmp_path_factory.mktemp("recorder")
    (root / "README.md").write_text("# Recorder\n\nRecords sounds to disk.\n")
    pkg = root / "recorder"
    pkg.mkdir()
    (pkg / "__init__.py").write_text('"""Recorder: records sounds."""\n')
    (pkg / "loader.py").write_text(
        '"""Load recording plugins."""\n\n'
        'def load(name):\n    """Import a plugin module by name."""\n'
        "    import importlib\n    return importlib.import_module(name)\n"
    )
    return root


def _strategy_costs(out: str) -> dict[str, str]:
    """name -> printed cost of the 'Other ways to make this film' lines."""
    block = out.split("Other ways to make this film:", 1)[1]
    return dict(re.findall(r"^  (\S+)\s+(\$\d+\.\d\d|\?)", block, flags=re.M))


def test_verbose_prices_the_strategies_from_the_prices_file_given(
    small_repo: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """--prices FILE prices the plan AND the strategies --verbose compares: a user who
    prices a film from their own contract must not see the list prices beside it."""
    monkeypatch.delenv("SORAFILM_PRICES", raising=False)
    mine = tmp_path / "mine.toml"
    # the packaged OpenAI file with every price ten times over (10 -> 100, 30 -> 300, ...)
    text = default_path("openai").read_text(encoding="utf-8")
    mine.write_text(re.sub(r'^("\d+x\d+" = )(\d+)$', r"\g<1>\g<2>0", text, flags=re.M))
    argv = ["plan", "--repo", str(small_repo), "--template", "single-12", "--verbose"]
    argv += ["--monthly-budget", "1000", "--model", "sora-2", "--size", "1280x720"]
    assert main([*argv, "--prices", str(mine)]) == 0
    out = capsys.readouterr().out
    assert "Estimated cost: $12.00" in out  # 12 s at 100 cents
    costs = _strategy_costs(out)
    assert costs["as-planned"] == "$12.00"
    assert costs["all-sora-2"] == "$12.00"
    assert costs["all-sora-2-pro-720p"] == "$36.00"
    # and without --prices, the packaged list prices
    assert main(argv) == 0
    costs = _strategy_costs(capsys.readouterr().out)
    assert costs["as-planned"] == "$1.20" and costs["all-sora-2-pro-720p"] == "$3.60"


@pytest.mark.parametrize("provider", ["runway", "veo"])
def test_verbose_names_strategies_in_the_providers_words_and_lines_them_up(
    small_repo: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    provider: str,
) -> None:
    """A new user on Runway read "drafts-then-pro $40.48" above all-veo3.1 at $35.20: "pro"
    is a Sora word, and nothing said why to pay more. The drafts strategy is named after its
    finals' model and says what repays the drafts; on Veo its name outgrew the 24-column
    name field, and the prices went out of line."""
    monkeypatch.delenv("SORAFILM_PRICES", raising=False)
    argv = ["plan", "--repo", str(small_repo), "--provider", provider, "--verbose"]
    assert main([*argv, "--monthly-budget", "1000"]) == 0
    block = capsys.readouterr().out.split("Other ways to make this film:", 1)[1]
    lines = block.split("\n\n", 1)[0].strip("\n").splitlines()
    (drafts,) = [line for line in lines if line.lstrip().startswith("drafts-")]
    final = {"runway": "veo3.1", "veo": "veo-3.1-generate-preview"}[provider]
    assert f"drafts-then-{final} " in drafts and "-pro" not in drafts
    assert "more than those finals alone, repaid if the drafts spare" in drafts
    ends = {line.index("$") + len(line.split("$", 1)[1].split()[0]) for line in lines}
    assert len(ends) == 1, lines  # every price ends in the same column


def test_no_audio_is_shown_and_priced_from_the_prices_file(
    small_repo: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """--no-audio on Veo: the plan says it is sent silent, and costs the file's no_audio
    price; on a model with no such switch it says --no-audio changes nothing."""
    monkeypatch.delenv("SORAFILM_PRICES", raising=False)
    mine = tmp_path / "veo.toml"
    mine.write_text(
        default_path("veo").read_text(encoding="utf-8")
        + '\n[modifiers.no_audio."veo-3.1-generate-preview"]\n"1280x720" = 20\n'
    )
    argv = ["plan", "--repo", str(small_repo), "--template", "single-12", "--provider", "veo"]
    argv += ["--monthly-budget", "1000", "--prices", str(mine)]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "audio: off" not in out
    with_audio = re.search(r"Estimated cost: (\$\d+\.\d\d)", out)
    assert main([*argv, "--no-audio"]) == 0
    out = capsys.readouterr().out
    assert "audio: off (sent with generate_audio = false" in out
    without = re.search(r"Estimated cost: (\$\d+\.\d\d)", out)
    assert with_audio and without
    assert Decimal(without[1][1:]) * 2 == Decimal(with_audio[1][1:])  # 20 cents, not 40
    sora = ["plan", "--repo", str(small_repo), "--template", "single-12", "--no-audio"]
    assert main([*sora, "--monthly-budget", "1000"]) == 0
    assert "sora-2 cannot leave its sound out" in capsys.readouterr().out


@pytest.mark.parametrize("command", ["plan", "film"])
@pytest.mark.parametrize("out", ["out", "out/film"])
def test_an_out_folder_the_repository_links_elsewhere_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str, out: str
) -> None:
    """A repository someone else wrote ships ``out`` as a link to a folder of the user's:
    `sorafilm film --repo . --out out` wrote plan.md, report.md, manifest.json and the mp4s
    there (over files of those names). Refused before any work, naming the folder to give;
    a link to a folder inside the repository is fine."""
    repo = tmp_path / "repo"
    (repo / "inner").mkdir(parents=True)
    (repo / "shapes.py").write_text('class Circle:\n    """Draws a circle."""\n')
    victim = tmp_path / "home"
    victim.mkdir()
    (repo / "out").symlink_to(victim)
    argv = [command, "--repo", str(repo), "--out", str(repo / out), "--template", "single-12"]
    assert main([*argv, "--dry-run"] if command == "film" else argv) == 2
    err = capsys.readouterr().err
    assert "is a link in the repository" in err and str(victim) in err
    assert list(victim.iterdir()) == []
    (repo / "out").unlink()
    (repo / "out").symlink_to(repo / "inner")
    if command == "plan":  # (a film needs a ledger: the refusal above came before it)
        assert main(argv) == 0
        assert (repo / "inner" / ("film/plan.md" if "/" in out else "plan.md")).is_file()


def test_the_plan_says_where_its_prices_are_shown_that_openai_s_own_api_shut_down(
    small_repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue ux 2: the default plan printed "Estimated cost: $8.80 (prices: openai ...
    2025-10)" and nothing said OpenAI's Videos API had shut down or that a real film is made
    on Veo or Runway. Said once, beside the prices, from the capabilities file's facts; a
    plan for a provider whose API runs says nothing of the kind."""
    from sorafilm_nb import capabilities

    monkeypatch.delenv("SORAFILM_PRICES", raising=False)
    closed = capabilities.closed("openai")
    assert closed is not None and closed.on == "2026-09-24"  # DESIGN.md's date, in the data
    argv = ["plan", "--repo", str(small_repo), "--template", "single-12"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    after = out.split("Estimated cost:", 1)[1].splitlines()
    assert after[1].startswith(f"OpenAI's own hosted API shut down on {closed.on}")
    assert "--provider veo or --provider runway" in after[1]
    assert out.count("shut down") == 1
    assert main([*argv, "--provider", "veo"]) == 0
    assert capabilities.closed("veo") is None and "shut down" not in capsys.readouterr().out


def test_an_unverified_price_says_so_wherever_the_plan_shows_its_source(
    small_repo: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A new user's `plan --provider veo` printed "Estimated cost: $35.20 (prices: https://
    cloud.google.com/..., as of 2026-12)" while `sorafilm providers` said UNVERIFIED and
    veo.toml said Google's page was NOT REACHABLE. The screen, plan.md and plan.json of a plan
    (and the dry run) now say it, from the price file's own note; a verified file does not."""
    from sorafilm_nb.money.prices import PriceTable

    for var in ("SORAFILM_PRICES", "GEMINI_API_KEY", "GOOGLE_API_KEY"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("SORAFILM_LEDGER", str(tmp_path / "real.sqlite3"))
    monkeypatch.setenv("SORAFILM_SIM_LEDGER", str(tmp_path / "sandbox.sqlite3"))
    veo = PriceTable.load(provider="veo")
    assert veo.unverified  # veo.toml's note, the fact this test rests on
    shown = f"(prices: {veo.source}, as of {veo.date}; UNVERIFIED: no provider page read)"
    argv = ["--repo", str(small_repo), "--template", "single-12", "--provider", "veo"]
    assert main(["plan", *argv, "--out", str(tmp_path / "plan")]) == 0
    out = capsys.readouterr().out
    assert out.split("Estimated cost:", 1)[1].splitlines()[0].endswith(shown)
    md = (tmp_path / "plan" / "plan.md").read_text(encoding="utf-8")
    assert "UNVERIFIED: no provider page read" in md.split("**Estimated cost:", 1)[1]
    assert "UNVERIFIED" in (tmp_path / "plan" / "plan.json").read_text(encoding="utf-8")
    assert main(["film", *argv, "--out", str(tmp_path / "dry"), "--dry-run"]) == 0
    dry = capsys.readouterr().out
    assert dry.split("Estimated cost:", 1)[1].splitlines()[0].endswith(shown)
    assert main(["plan", "--repo", str(small_repo), "--template", "single-12"]) == 0
    assert "UNVERIFIED" not in capsys.readouterr().out  # openai.toml names its page


def test_an_unverified_price_file_with_an_empty_source_still_says_so(
    small_repo: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A reviewer: the plan showed a price's provenance only when its file named a source,
    so a user's own price file ($SORAFILM_PRICES) with an UNVERIFIED note and an empty source
    lost the warning on the screen, in plan.md and in plan.json."""
    from importlib.resources import files

    packaged = files("sorafilm_nb").joinpath("data/prices/veo.toml").read_text(encoding="utf-8")
    own = tmp_path / "my-veo.toml"
    lines = packaged.splitlines(keepends=True)
    own.write_text(
        "".join('source = ""\n' if x.startswith("source = ") else x for x in lines),
        encoding="utf-8",
    )
    monkeypatch.setenv("SORAFILM_PRICES", str(own))
    monkeypatch.setenv("SORAFILM_LEDGER", str(tmp_path / "real.sqlite3"))
    monkeypatch.setenv("SORAFILM_SIM_LEDGER", str(tmp_path / "sandbox.sqlite3"))
    argv = ["plan", "--repo", str(small_repo), "--template", "single-12", "--provider", "veo"]
    assert main([*argv, "--out", str(tmp_path / "plan")]) == 0
    out = capsys.readouterr().out
    assert "UNVERIFIED" in out.split("Estimated cost:", 1)[1].splitlines()[0], out
    assert "UNVERIFIED" in (tmp_path / "plan" / "plan.json").read_text(encoding="utf-8")


@pytest.mark.parametrize("command", ["plan", "film"])
def test_the_repository_can_be_given_as_analyze_takes_it(
    small_repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    """`sorafilm analyze PATH` takes the folder positionally; a new user typed `sorafilm plan
    PATH` next and was told "unexpected argument". PATH and --repo PATH plan the same film,
    and two different folders are refused, naming both, rather than one winning unseen."""
    extra = ["--dry-run", "--out", str(tmp_path / "f")] if command == "film" else ["--json"]
    assert main([command, str(small_repo), "--template", "single-12", *extra]) == 0
    positional = capsys.readouterr().out
    assert main([command, "--repo", str(small_repo), "--template", "single-12", *extra]) == 0
    assert capsys.readouterr().out == positional
    assert "Recorder" in positional or "recorder" in positional
    other = tmp_path / "other"
    other.mkdir()
    for argv in (
        [command, str(small_repo), "--repo", str(other)],
        [command, "--repo", str(other), str(small_repo)],
    ):
        with pytest.raises(SystemExit) as stop:
            main(argv)
        assert stop.value.code == 2
        err = capsys.readouterr().err
        assert "two repositories" in err and str(other) in err and str(small_repo) in err
