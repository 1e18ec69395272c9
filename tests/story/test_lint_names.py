"""Issue 12 item 7: listed names inside identifiers, the project's own name, allow lists, and
captions against their time on screen. Plans are made of small repositories in tmp dirs."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from story_fixtures import uncast_storyboard

from sorafilm_nb.cli import main
from sorafilm_nb.story.boards import Shot
from sorafilm_nb.story.captions import Caption, reading_seconds
from sorafilm_nb.story.lint import ERROR, WARNING, Finding, Rules, scan_text, split_identifiers
from sorafilm_nb.story.plan_lint import allowances, lint_plan
from sorafilm_nb.story.planning import plan
from sorafilm_nb.story.prompts import ShotPrompt

NAME_RULES = ("real-person", "copyrighted-character", "copyrighted-music")


def names(findings: tuple[Finding, ...] | list[Finding]) -> list[Finding]:
    return [f for f in findings if f.rule in NAME_RULES]


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("raise MickeyMouseError(path)", "copyrighted-character"),
        ("client = DarthVaderClient()", "copyrighted-character"),
        ("class Gordon_Ramsay_Kitchen: pass", "real-person"),
        ("def darth_vader_mode(): ...", "copyrighted-character"),
        ("GORDON_RAMSAY_LEVEL = 3", "real-person"),
    ],
)
def test_names_hidden_in_identifiers_are_found(text: str, rule: str) -> None:
    found = names(scan_text(text))
    assert [f.rule for f in found] == [rule] and found[0].severity == ERROR


def test_identifier_splitting_keeps_ordinary_names_quiet() -> None:
    assert split_identifiers("HTTPServerError") == "HTTP Server Error"
    assert split_identifiers("get_json_loader") == "get json loader"
    for text in ("class MouseEvent: ...", "VaderSignal = 1", "RamsayHunt", "DarwinCore"):
        assert not names(scan_text(text)), text


def write_repo(root: Path, name: str, extra: dict[str, str] | None = None) -> Path:
    files = {
        "README.md": f"# {name}\n\nTurns toys into robots.\n",
        "pkg/__init__.py": "from .core import send\n__all__ = ['send']\n",
        "pkg/core.py": "def send(x):\n    '''Sends a request to the toy factory.'''\n",
        **(extra or {}),
    }
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def test_the_projects_own_name_is_a_warning_not_a_block(tmp_path: Path) -> None:
    root = write_repo(tmp_path / "transformers", "Transformers")
    p = plan(root, target_seconds=16, template="teaser-30")
    found = names(p.findings)
    assert found and {f.severity for f in found} == {WARNING}
    assert all("Transformers" in f.message and "--allow" in f.hint for f in found)


def test_another_listed_name_in_the_same_repo_still_blocks(tmp_path: Path) -> None:
    root = write_repo(
        tmp_path / "transformers",
        "Transformers",
        {
            "pkg/__init__.py": "from .core import DarthVaderClient\n",
            "pkg/core.py": "class DarthVaderClient:\n    '''Sends requests to the factory.'''\n",
        },
    )
    p = plan(root, target_seconds=16, template="teaser-30", top=1)
    by_sev = {f.severity for f in names(p.findings) if "Vader" in f.message}
    assert by_sev == {ERROR}


def test_allow_silences_a_term(tmp_path: Path) -> None:
    root = write_repo(tmp_path / "transformers", "Transformers")
    assert not names(
        plan(root, target_seconds=16, template="teaser-30", allow=["transformers"]).findings
    )


def test_allow_on_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = write_repo(tmp_path / "transformers", "Transformers")
    argv = ["plan", "--repo", str(root), "--template", "teaser-30", "--seconds", "16"]
    assert main([*argv, "--dry-run"]) == 0
    assert "copyrighted" in capsys.readouterr().out
    assert main([*argv, "--dry-run", "--allow", "Transformers"]) == 0
    assert "copyrighted" not in capsys.readouterr().out


def test_the_repository_may_allow_its_own_name_only(tmp_path: Path) -> None:
    root = write_repo(
        tmp_path / "transformers",
        "Transformers",
        {".sorafilm.toml": '[lint]\nallow = ["Transformers", "Mickey Mouse"]\n'},
    )
    rules = Rules.load()
    profile = type("P", (), {"name": "transformers", "title": "Transformers", "root": str(root)})
    allowed, notes = allowances(rules, profile)
    assert "transformers" in allowed.allowed and "mickeymouse" not in allowed.allowed
    assert [n.rule for n in notes] == ["allow-ignored"] and notes[0].severity == WARNING
    assert "Mickey" not in notes[0].message  # a repository's words are not echoed
    # and in a real plan: the own name is silenced, Mickey Mouse in the code still blocks
    (root / "pkg" / "__init__.py").write_text(
        "from .core import MickeyMouseClient\n__all__ = ['MickeyMouseClient']\n"
    )
    (root / "pkg" / "core.py").write_text(
        "class MickeyMouseClient:\n    '''Sends requests to the factory.'''\n"
    )
    p = plan(root, target_seconds=16, template="teaser-30", top=1)
    assert [(f.rule, f.severity) for f in names(p.findings)] == [("copyrighted-character", ERROR)]
    assert "allow-ignored" in [f.rule for f in p.findings]


@pytest.mark.parametrize(
    "content", ["[lint\nallow = 3", '[lint]\nallow = "Transformers"', "x" * 70_000]
)
def test_a_bad_project_file_is_a_warning_not_a_crash(tmp_path: Path, content: str) -> None:
    root = write_repo(tmp_path / "transformers", "Transformers", {".sorafilm.toml": content})
    p = plan(root, target_seconds=16, template="teaser-30")
    assert "bad-project-file" in [f.rule for f in p.findings]
    assert {f.severity for f in names(p.findings)} == {WARNING}  # nothing was allowed


@dataclass(frozen=True)
class CaptionedShot(Shot):
    caption: object = None
    card: object = None


def captioned_board(caption: object = None, card: object = None, seconds: int = 4):
    board = uncast_storyboard([seconds])
    shot = board.shots[0]
    fields = {k: getattr(shot, k) for k in ("index", "beat", "seconds", "model", "size", "cast")}
    return replace(
        board, shots=(CaptionedShot(**fields, title=shot.title, caption=caption, card=card),)
    )


def caption_findings(board) -> list[Finding]:
    prompts = [ShotPrompt(shot_index=0, text="", tokens=0, tokens_before=0, cap=1000)]
    return [f for f in lint_plan(board, prompts, tier_cap=1000) if f.rule == "caption-too-long"]


def test_a_caption_too_long_for_its_time_on_screen_warns() -> None:
    long = " ".join(["word"] * 20)  # ~6.7 s of reading
    (f,) = caption_findings(captioned_board(caption=long, seconds=4))
    assert f.severity == WARNING and f.shot_index == 0 and "20 words" in f.message
    assert "word word" not in f.message  # the caption's own text is never repeated
    assert not caption_findings(captioned_board(caption="Blueprint: routes for later"))
    assert not caption_findings(captioned_board(caption=long, seconds=12))  # 6.7 s in 12 s


def test_a_card_and_a_caption_object_use_their_own_time_on_screen() -> None:
    eight_words = "Blueprint: routes you register on an app later"  # 2.7 s to read
    assert not caption_findings(captioned_board(card=eight_words))  # a card holds 3 s
    # a longer card is held as long as it takes to read (captions.card_seconds): the title
    # card with the README's promise (ItsDangerous': 15 words, 5 s) was "on screen for 3 s"
    # by lint, held 5 s by the film
    for n in (10, 11, 15, 20):
        long_card = " ".join(["word"] * n)
        assert reading_seconds(long_card) > 3
        assert not caption_findings(captioned_board(card=long_card)), n
    short = Caption(start=0.0, end=1.0, text="Blueprint: routes you register", kind="card")
    assert caption_findings(captioned_board(card=short))  # 4 words in 1 s
    roomy = Caption(start=0.0, end=4.0, text="Blueprint: routes you register", kind="card")
    assert not caption_findings(captioned_board(card=roomy))
