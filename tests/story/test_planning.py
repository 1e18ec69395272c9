"""The Plan: storyboard, prompts, lint and Decimal costs, as tables, JSON, Markdown and CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from story_fixtures import MILK, make_casting

from sorafilm_nb.analysis.profile import analyze
from sorafilm_nb.cli import main
from sorafilm_nb.markup import MD_DOLLAR
from sorafilm_nb.money.cost import Cost
from sorafilm_nb.money.prices import PriceTable
from sorafilm_nb.story.lint import ERROR, RULES, WARNING
from sorafilm_nb.story.planning import Plan, plan
from sorafilm_nb.story.prompts import Tier

CASTING = make_casting(10)


@pytest.fixture(scope="module")
def tiny_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real little package that raises and catches ImportError, for analyze() and cast()."""
    root = tmp_path_factory.mktemp("recorder")
    pkg = root / "recorder"
    pkg.mkdir()
    (root / "README.md").write_text("# Recorder\n\nRecords sounds to disk.\n")
    (pkg / "__init__.py").write_text('"""Recorder: records sounds."""\n')
    (pkg / "loader.py").write_text(
        '"""Load recording plugins."""\n\n'
        'class LoaderError(Exception):\n    """A plugin could not be loaded."""\n\n\n'
        'def load(name):\n    """Import a plugin module by name."""\n'
        "    try:\n        import importlib\n        return importlib.import_module(name)\n"
        "    except ImportError:\n        raise LoaderError(name)\n\n\n"
        "def find(name):\n    try:\n        return load(name)\n    except ImportError:\n"
        "        return None\n\n\n"
        "def probe():\n    try:\n        import wave  # noqa\n    except ImportError:\n"
        "        pass\n"
    )
    (pkg / "track.py").write_text(
        '"""Tracks of recorded audio."""\n\n'
        'class Track:\n    """One recorded track."""\n\n'
        '    def save(self, path):\n        """Save the track."""\n'
        "        if not path:\n            raise ValueError('no path')\n"
    )
    return root


def _no_floats(value: object) -> None:
    if isinstance(value, float):
        raise AssertionError(f"float in plan JSON: {value!r}")
    if isinstance(value, dict):
        for v in value.values():
            _no_floats(v)
    if isinstance(value, list):
        for v in value:
            _no_floats(v)


def test_plan_from_a_casting_costs_exactly_in_decimal() -> None:
    p = plan(CASTING, target_seconds=96)
    assert isinstance(p, Plan)
    assert p.storyboard.seconds == 96 and len(p.prompts) == len(p.costs) == len(p.storyboard.shots)
    assert p.total == Cost(Decimal(960)) and str(p.total) == "$9.60"
    assert all(isinstance(c.cents, Decimal) for c in p.costs)
    assert sum((c.cents for c in p.costs), Decimal(0)) == p.total.cents
    milk = next(i for i, s in enumerate(p.storyboard.shots) if s.cast and s.cast.metaphor is MILK)
    assert p.costs[milk] == Cost(Decimal(80))  # 8 s × $0.10, DESIGN's example
    assert p.tier is Tier.MEDIUM and all(x.cap == Tier.MEDIUM.tokens for x in p.prompts)
    assert not p.blocked, p.findings


def test_pro_at_high_resolution_is_priced_by_model_and_size() -> None:
    p = plan(CASTING, model="sora-2-pro", size="1792x1024", target_seconds=96)
    assert str(p.total) == "$48.00"
    p720 = plan(CASTING, model="sora-2-pro", size="1280x720", target_seconds=96)
    assert str(p720.total) == "$28.80"


def test_a_user_price_file_changes_the_figures(tmp_path: Path) -> None:
    text = (
        Path(PriceTable.load().file).read_text().replace('"1280x720" = 10', '"1280x720" = "12.5"')
    )
    mine = tmp_path / "prices.toml"
    mine.write_text(text)
    p = plan(CASTING, target_seconds=96, prices=mine)
    assert p.total.cents == Decimal("1200.0")
    data = json.loads(p.to_json())
    assert data["total"] == {"cents": "1200", "dollars": "12.00", "currency": "USD"}
    assert data["shots"][1]["cost"]["cents"] in {"50", "100", "150"}


def test_json_has_every_shot_field_and_no_floats() -> None:
    p = plan(CASTING, target_seconds=96)
    data = json.loads(p.to_json())
    _no_floats(data)
    assert data["id"] == p.id and data["seconds"] == 96 and data["template"] == "silent-90"
    assert data["total"] == {"cents": "960", "dollars": "9.60", "currency": "USD"}
    assert len(data["shots"]) == len(p.storyboard.shots)
    for row, prompt, shot in zip(data["shots"], p.prompts, p.storyboard.shots, strict=True):
        assert row["seconds"] == shot.seconds and row["model"] == "sora-2"
        assert row["size"] == "1280x720" and row["prompt"] == prompt.text
        assert row["tokens"] == prompt.tokens and set(row["cost"]) == {
            "cents",
            "dollars",
            "currency",
        }
    assert data["tier"] == {"name": "MEDIUM", "cap": Tier.MEDIUM.tokens}
    assert data["blocked"] is False


def test_the_id_is_a_stable_content_hash() -> None:
    a = plan(CASTING, target_seconds=96)
    b = plan(make_casting(10), target_seconds=96)
    assert a.id == b.id and len(a.id) == 16
    assert plan(CASTING, target_seconds=96, tier=Tier.HIGH).id != a.id
    assert plan(CASTING, target_seconds=96, model="sora-2-pro").id != a.id
    assert plan(CASTING, target_seconds=48).id != a.id


def test_remaining_budget_below_the_cost_blocks_the_plan() -> None:
    p = plan(CASTING, target_seconds=96, remaining=Cost(Decimal(500)))
    assert p.blocked
    over = [f for f in p.findings if f.rule == "over-budget"]
    assert over and over[0].severity == ERROR
    assert not plan(CASTING, target_seconds=96, remaining=Cost(Decimal(5000))).blocked


def test_a_real_ledgers_remaining_budget_is_used(tmp_path: Path) -> None:
    from sorafilm_nb.money.ledger import Ledger

    with Ledger(tmp_path / "ledger.sqlite3") as ledger:
        ledger.set_budget(Cost(Decimal(300)))
        p = plan(CASTING, target_seconds=96, ledger=ledger)
        assert p.remaining == Cost(Decimal(300)) and p.blocked
        ledger.set_budget(Cost(Decimal(5000)))
        assert not plan(CASTING, target_seconds=96, ledger=ledger).blocked


def test_an_unpriced_model_blocks_with_a_clear_error_and_the_rest_still_reported() -> None:
    p = plan(CASTING, model="sora-3", target_seconds=24)
    assert p.blocked and p.total == Cost.zero()
    unpriced = next(f for f in p.findings if f.rule == "unpriced")
    assert "sora-2" in unpriced.message  # names the allowed values
    assert len(p.prompts) == len(p.storyboard.shots)
    assert p.unpriced == tuple(range(len(p.storyboard.shots)))
    assert p.total_text.startswith("$0.00 + ? (") and "unpriced" in p.summary()
    data = json.loads(p.to_json())
    assert data["total_complete"] is False and all(s["cost"] is None for s in data["shots"])
    assert "| ? |" in p.to_markdown() and p.frame()["cents"].isna().all()
    assert not plan(CASTING, target_seconds=24).unpriced


def test_markdown_and_frame() -> None:
    p = plan(CASTING, target_seconds=96)
    md = p.to_markdown().replace(MD_DOLLAR, "$")  # its "$" is never TeX (markup.md_no_tex)
    assert md.startswith("# Plan for recorder")
    assert "| # | beat | s | tokens | cost | title |" in md
    assert "**Estimated cost: $9.60**" in md and md.count("```text") == len(p.prompts)
    assert "ImportError: the milk carton that will not pour" in md
    frame = p.frame()
    assert list(frame.index) == [s.id for s in p.storyboard.shots]
    assert frame["seconds"].sum() == 96
    assert sum(frame["cents"]) == Decimal(960)
    assert frame.loc["shot-01", "beat"] == "what it is for"


def test_plan_from_a_path_and_from_a_profile(tiny_repo: Path) -> None:
    p = plan(tiny_repo, "kitchen", "teaser-30")
    concepts = {s.cast.concept.name for s in p.storyboard.shots if s.cast}
    assert "ImportError" in concepts or "LoaderError" in concepts
    assert p.storyboard.casting.profile.title == "Recorder"
    profile = analyze(str(tiny_repo))
    assert plan(profile, "kitchen", "teaser-30").id == p.id
    assert plan("/nonexistent", profile=profile, template="teaser-30").id == p.id


def test_import_is_light() -> None:
    code = (
        "import sys, sorafilm_nb.story.planning, sorafilm_nb.cli.plan; "
        "print(sorted(m for m in ('pandas', 'tiktoken', 'openai', 'matplotlib') "
        "if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# -- CLI -----------------------------------------------------------------------------------


def test_cli_prints_the_table_findings_and_total(
    tiny_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["plan", "--repo", str(tiny_repo), "--seconds", "96", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "shot-01" in out and "Title card: Recorder" in out
    assert "Estimated cost: $9.60" in out and "Lint:" in out
    assert "do not change the per-second price" in out


def test_cli_json_and_out_dir(
    tiny_repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_dir = tmp_path / "out" / "plans"
    rc = main(
        [
            "plan",
            "--repo",
            str(tiny_repo),
            "--template",
            "single-12",
            "--json",
            "--budget",
            "ultra-low",
            "--out",
            str(out_dir),
        ]
    )
    assert rc == 0
    captured = capsys.readouterr()
    data = json.loads(captured.out)
    assert data["total"]["dollars"] == "1.20" and data["tier"]["name"] == "ULTRA_LOW"
    assert json.loads((out_dir / "plan.json").read_text()) == data
    written = (out_dir / "plan.md").read_text()
    assert written.startswith("# Plan for Recorder")
    assert "**Estimated cost: $1.20**" in written  # read as text: not <span>&#36;</span>1.20
    assert sorted(p.name for p in out_dir.iterdir()) == ["plan.json", "plan.md"]  # no temp left
    assert "wrote" in captured.err


def test_cli_monthly_budget_blocks_with_exit_1(
    tiny_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rc = main(["plan", "--repo", str(tiny_repo), "--seconds", "96", "--monthly-budget", "5"])
    assert rc == 1
    out = capsys.readouterr().out
    assert "over-budget" in out and "blocked" in out and "Budget this month: $5.00 left" in out


def test_cli_custom_budget_and_verbose(tiny_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc = main(
        [
            "plan",
            "--repo",
            str(tiny_repo),
            "--template",
            "teaser-30",
            "--budget",
            "130",
            "--verbose",
        ]
    )
    out = capsys.readouterr().out
    expected = plan(tiny_repo, "kitchen", "teaser-30", 130)
    assert rc == (1 if expected.blocked else 0)
    assert f"Plan {expected.id} " in out and out.count("\n== shot-") == len(expected.prompts)
    assert all(p.text in out for p in expected.prompts)
    assert "prompts ≤ 130 tokens" in out and "Other ways to make this film" in out
    assert "Actions:" in out and "all-sora-2-pro" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--budget", "cheap"], "--budget cheap: not a tier"),
        (
            ["--seconds", "200"],
            "--seconds 200: the film's length in seconds: a whole number from 4 to 120",
        ),
        (["--monthly-budget", "lots"], "amount in dollars"),
        (["--monthly-budget", "1e400"], "at most $1,000,000,000"),
    ],
)
def test_cli_bad_flags_are_usage_errors(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as info:
        main(["plan", *argv])
    assert info.value.code == 2
    assert message in capsys.readouterr().err


def test_cli_bad_data_is_a_one_line_error(
    tiny_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["plan", "--repo", str(tiny_repo), "--template", "nope-77"]) == 2
    assert "packaged: silent-90" in capsys.readouterr().err
    assert main(["plan", "--repo", str(tiny_repo), "--ledger", str(tiny_repo / "no.db")]) == 2
    assert "no ledger at" in capsys.readouterr().err
    assert not (tiny_repo / "no.db").exists()


def test_cli_help_lists_every_flag(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["plan", "--help"])
    text = capsys.readouterr().out
    for flag in (
        "--repo",
        "--theme",
        "--template",
        "--budget",
        "--model",
        "--size",
        "--seconds",
        "--json",
        "--out",
        "--dry-run",
        "--monthly-budget",
        "--verbose",
        "--ledger",
        "--prices",
        "--top",
        "ultra-low",
    ):
        assert flag in text, flag


def test_cli_reads_the_default_ledger_when_it_exists_and_never_creates_one(
    tiny_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import os

    from sorafilm_nb.money.ledger import Ledger

    path = Path(os.environ["SORAFILM_LEDGER"])  # a temp path (tests/conftest.py)
    assert main(["plan", "--repo", str(tiny_repo), "--template", "single-12"]) == 0
    assert "Budget left" not in capsys.readouterr().out and not path.exists()
    with Ledger(path) as ledger:
        ledger.set_budget(Cost(Decimal(100)))
    assert main(["plan", "--repo", str(tiny_repo), "--template", "single-12"]) == 1
    out = capsys.readouterr().out
    assert "Budget this month: $1.00 left" in out and "over-budget" in out


def test_film_command_shares_the_plan_flags_and_output(
    tiny_repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from sorafilm_nb.cli import build_parser
    from sorafilm_nb.cli.plan import format_plan, plan_from_args

    args = build_parser().parse_args(
        [
            "film",
            "--repo",
            str(tiny_repo),
            "--template",
            "single-12",
            "--budget",
            "high",
            "--out",
            str(tmp_path / "film"),
            "--dry-run",
        ]
    )
    p = plan_from_args(args)
    assert p.tier is Tier.HIGH and p.storyboard.seconds == 12
    text = format_plan(p)
    assert text.startswith(f"Plan {p.id} for Recorder") and "Estimated cost: $1.20" in text


def test_written_files_are_ordinary_files_not_0600(tmp_path: Path) -> None:
    import os
    import stat

    from sorafilm_nb.cli.plan import write_atomic

    mask = os.umask(0o022)
    try:
        write_atomic(tmp_path / "plan.md", "x\n")
    finally:
        os.umask(mask)
    assert stat.S_IMODE((tmp_path / "plan.md").stat().st_mode) == 0o644
    assert [p.name for p in tmp_path.iterdir()] == ["plan.md"]


@pytest.mark.slow
def test_the_id_is_the_same_in_other_processes_whatever_the_hash_seed() -> None:
    import os

    here = Path(__file__).parent.parent  # tests/, where story_fixtures lives
    code = (
        "from story_fixtures import make_casting; from sorafilm_nb.story.planning import plan; "
        "print(plan(make_casting(10), target_seconds=96).id)"
    )
    ids = set()
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(here)}
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
        )
        ids.add(out.stdout.strip())
    assert ids == {plan(CASTING, target_seconds=96).id}


def test_an_out_folder_that_cannot_be_one_is_a_one_line_error_before_any_work(
    tiny_repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a_file = tmp_path / "notes.txt"
    a_file.write_text("keep me\n")
    for out in (a_file, a_file / "inside"):
        for cmd in (["plan"], ["film", "--dry-run"]):
            argv = [*cmd, "--repo", str(tiny_repo), "--template", "single-12", "--out", str(out)]
            assert main(argv) == 2, argv
            captured = capsys.readouterr()
            assert "--out" in captured.err and str(out) in captured.err
            assert "Traceback" not in captured.err and captured.out == ""  # nothing planned
    assert a_file.read_text() == "keep me\n"


def test_cli_an_unpriced_model_or_size_is_bad_input_in_one_line(
    tiny_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """On the command line a model or size the price table lacks is a typo to fix (exit 2,
    one line naming the allowed values), not a plan with the same error on every shot."""
    cases = [
        (["--model", "sora-3"], "sora-2, sora-2-pro"),
        (["--size", "1792x1024"], "720x1280, 1280x720"),
        (["--model", "sora-2-pro", "--size", "100x100"], "1792x1024"),
    ]
    for flags, allowed in cases:
        for cmd in (["plan"], ["film", "--dry-run", "--out", str(tiny_repo / "never")]):
            assert main([*cmd, "--repo", str(tiny_repo), *flags]) == 2, (cmd, flags)
            captured = capsys.readouterr()
            assert captured.out == "" and allowed in captured.err, captured.err
            assert len(captured.err.strip().splitlines()) == 1, captured.err
    assert not (tiny_repo / "never").exists()
    assert main(["plan", "--repo", str(tiny_repo), "--model", "sora-2-2025-10-06"]) == 0


def test_a_repository_with_nothing_to_cast_warns_that_every_shot_is_filler(
    tmp_path: Path,
) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    p = plan(empty, template="teaser-30")
    hits = [f for f in p.findings if f.rule == "nothing-cast"]
    assert len(hits) == 1 and hits[0].severity == WARNING and not p.blocked
    assert "0 files" in hits[0].message and str(p.total) in hits[0].message
    assert "nothing-cast" in RULES
    assert not [f for f in plan(CASTING, target_seconds=24).findings if f.rule == "nothing-cast"]


# What a careless repository may hold, each bound for a prompt through its README title or
# docstrings, and what must never be written unmasked: plan.json, plan.md, the terminal.
LEAKS = {
    "key": "sk-proj-" + "A1b2C3d4E5f6G7h8I9j0K1",
    "password": "hunter2pass",
    "connection": "postgres://u:p@db.internal/x",
    "credentials": "u:p@",
    "host": "db.internal",
    "email": "alice@example.com",
    "path": "/home/alice/secret",
}


LEAKY_TITLE = " ".join(
    [
        "Vault",
        LEAKS["key"],
        "DATABASE_PASSWORD=" + LEAKS["password"],
        LEAKS["connection"],
        LEAKS["email"],
        LEAKS["path"],
    ]
)


def _leaky_repo(root: Path) -> Path:
    repo = root / "repo"
    repo.mkdir(parents=True)
    key, conn = LEAKS["key"], LEAKS["connection"]
    (repo / "README.md").write_text(
        f"# Vault {key} DATABASE_PASSWORD=hunter2pass {conn} alice@example.com "
        "/home/alice/secret\n\nA vault. Connect with " + conn + " as alice@example.com.\n",
        encoding="utf-8",
    )
    (repo / "vault.py").write_text(
        f'"""Vault: DATABASE_PASSWORD=hunter2pass, key {key}, files in /home/alice/secret."""\n'
        "\n\nclass VaultError(Exception):\n"
        f'    """Raised when {conn} refuses; write to alice@example.com."""\n'
        "\n\nclass SecretKeeper:\n"
        '    """Keeps /home/alice/secret safe."""\n\n'
        "    def open(self):\n        raise VaultError('no')\n",
        encoding="utf-8",
    )
    return repo


def test_a_plan_that_would_send_secrets_is_blocked_and_never_writes_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 11 item 2, end to end through the CLI: blocked (exit 1), the finding masked, and
    no secret in plan.json, plan.md, stdout or stderr."""
    from sorafilm_nb.cli import main

    repo, out = _leaky_repo(tmp_path), tmp_path / "out"
    argv = ["plan", "--repo", str(repo), "--out", str(out), "--template", "teaser-30"]
    # The README and docstrings no longer reach a prompt (the title card takes a name since
    # the analysis picks titles from metadata), so the secrets ride in the title, which goes
    # to the title card word for word: the path a repository's text took before.
    assert main([*argv, "--title", LEAKY_TITLE]) == 1
    printed = capsys.readouterr()
    written = {
        "stdout": printed.out,
        "stderr": printed.err,
        "plan.json": (out / "plan.json").read_text(encoding="utf-8"),
        "plan.md": (out / "plan.md").read_text(encoding="utf-8"),
    }
    for where, text in written.items():
        for what, secret in LEAKS.items():
            assert secret not in text, f"{what} unmasked in {where}"
    data = json.loads(written["plan.json"])
    assert data["blocked"] is True
    secret_findings = [f for f in data["findings"] if f["rule"] == "secret-in-prompt"]
    assert secret_findings and all(f["severity"] == ERROR for f in secret_findings)
    kinds = " ".join(f["message"] for f in secret_findings)
    for kind in ("API key", "password", "user and password", "e-mail", "local file path"):
        assert kind in kinds
    # markdown escapes the brackets of the mask ("\\[redacted\\]")
    assert (
        "[redacted]" in written["plan.md"].replace("\\", "") and "[redacted]" in written["stdout"]
    )
    # the title no longer reaches a prompt at all: it is a card this tool draws, and a card
    # is shared with the film, so the same rule blocks it there
    assert all(LEAKS["email"] not in p["prompt"] for p in data["shots"])
    assert {f["where"] for f in secret_findings} == {"card"}


def test_the_plan_object_keeps_the_real_text_and_only_its_outputs_are_masked(
    tmp_path: Path,
) -> None:
    """The Python API: plan() is blocked; the Plan keeps what lint saw, its views mask it."""
    from sorafilm_nb.story.planning import plan

    quiet = plan(_leaky_repo(tmp_path / "a"), template="teaser-30")
    for view in (quiet.to_json(), quiet.to_markdown(), quiet.shot_table()):
        assert all(secret not in view for secret in LEAKS.values())
    result = plan(_leaky_repo(tmp_path / "b"), template="teaser-30", title=LEAKY_TITLE)
    assert result.blocked
    raw = " ".join(c.text for c in result.captions)
    assert LEAKS["email"] in raw  # what lint judged, kept for the notebook's eyes
    assert LEAKS["email"] not in " ".join(p.text for p in result.prompts)
    for view in (result.to_json(), result.to_markdown(), result.shot_table()):
        assert all(secret not in view for secret in LEAKS.values())


def test_cards_are_on_the_plan_at_zero_and_the_summary_says_so() -> None:
    """Issue 12 item 6: the title and caption cards are stills made here; they take screen
    time on the planned timeline but no video seconds, and the plan prices them at $0."""
    from sorafilm_nb.story.captions import to_webvtt

    p = plan(CASTING, target_seconds=96)
    cards = p.cards()
    assert cards and cards[0].kind == "title" and cards[0].text == "recorder"
    assert p.storyboard.seconds == 96 and p.total.cents == 960  # unchanged by the cards
    assert "caption card" in p.summary() and "at $0" in p.summary()
    lower = [c for c in p.captions if c.kind == "lower-third"]
    assert [c.shot_id for c in lower] == [s.id for s in p.storyboard.shots if s.caption]
    ends = [c.end for c in p.captions]
    assert ends == sorted(ends)
    data = json.loads(p.to_json())
    assert len(data["captions"]) == len(p.captions)
    assert all(c["cost"]["cents"] == "0" for c in data["captions"])
    assert data["shots"][0]["card"] == "recorder" and data["shots"][0]["caption"]
    table = p.shot_table()
    assert "Title card: recorder" in table and "$0.00" in table
    # a card's row says its seconds on screen (it said 0, a card the film seemed to skip)
    held = f"{cards[0].seconds:g}"
    title_row = next(line for line in table.splitlines() if "Title card: recorder" in line)
    assert title_row.startswith("card") and f" {held} " in title_row and " 0 " not in title_row
    assert "video seconds; the cards are stills" in table.splitlines()[-1]
    assert f"| {held} | | $0.00 | Title card: recorder |" in p.to_markdown().replace(MD_DOLLAR, "$")
    track = to_webvtt(p.captions)
    assert track.startswith("WEBVTT") and track.count(" --> ") == len(p.captions)


def test_a_secret_in_a_docstring_blocks_through_its_caption(tmp_path: Path) -> None:
    """A caption is drawn into a film that gets shared: a docstring's secret in a gloss
    blocks the plan as it would in a prompt, and the views mask it."""
    repo = tmp_path / "repo"
    (repo / "keys").mkdir(parents=True)
    (repo / "keys" / "__init__.py").write_text(
        "class Vault:\n"
        f'    """Opens with {LEAKS["key"]} only."""\n\n'
        "    def open(self):\n        return 1\n",
        encoding="utf-8",
    )
    p = plan(repo, template="single-12")
    assert any(LEAKS["key"] in (c.text or "") for c in p.captions)
    assert p.blocked and any(f.rule == "secret-in-prompt" for f in p.findings)
    assert all(LEAKS["key"] not in v for v in (p.to_json(), p.to_markdown(), p.shot_table()))


def test_a_sandbox_ledgers_budget_never_blocks_a_plan(tmp_path: Path) -> None:
    """The sandbox books simulated runs and never refuses one for money, so its own budget
    must not block the plan either: the quickstart notebook sets $50 on it, and the sixth
    simulated film of the month was refused before a job was sent (`make demo` too)."""
    from sorafilm_nb.money.ledger import Ledger

    with Ledger(tmp_path / "sandbox.sqlite3", sandbox=True) as ledger:
        ledger.set_budget(Cost(Decimal(300)))
        p = plan(CASTING, target_seconds=96, ledger=ledger)
        assert not p.blocked
        assert "over-budget" not in {f.rule for f in p.findings}


def test_a_one_shot_plan_says_1_shot_not_1_shots() -> None:
    p = plan(CASTING, template="single-12")
    assert len(p.storyboard.shots) == 1
    assert p.summary().startswith("1 shot, ") and "1 shots" not in repr(p)
    assert plan(CASTING, target_seconds=96).summary().split(",")[0].endswith(" shots")
