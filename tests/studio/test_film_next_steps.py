"""What `sorafilm film` and `resume` tell a user whose film did not finish: the summary groups
the shots by what they need, and the lines after it say how, per kind of ending (a new-user
pass found a Runway shot rejected at create, "to retry: shot-02", and `resume --retry`
silently skipping it; the ux pass then found the summary still saying "to retry" for it)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from ui_fixtures import make_film

from sorafilm_nb.cli.film import print_film
from sorafilm_nb.studio.folder import Film


def _unfinished(folder: Path, statuses: dict[str, str]) -> Film:
    make_film(folder, (4, 4, 4))
    manifest = folder / "manifest.json"
    data = json.loads(manifest.read_text())
    for shot in data["shots"]:
        if shot["shot_id"] in statuses:
            shot.update(status=statuses[shot["shot_id"]], file=None, billed_cents=None)
            shot["error"] = "promptText must be 1 to 1000 characters (HTTP 400)"
    data["film"] = None
    manifest.write_text(json.dumps(data))
    return Film.load(folder)


def test_each_unfinished_shot_gets_the_step_that_works_for_it(tmp_path: Path) -> None:
    film = _unfinished(tmp_path / "f", {"shot-01": "failed", "shot-02": "rejected"})
    lines: list[str] = []
    args = argparse.Namespace(provider="runway", real=False, base_url=None, ledger=None)
    assert print_film(film, lines.append, args) == 1
    text = "\n".join(lines)
    # the summary: only shot-01 is retried; shot-02 says what to do instead
    assert "no film stitched; to retry: shot-01; refused as sent" in text
    assert "change the plan, or the key): shot-02" in text
    assert "to retry: shot-01, shot-02" not in text
    assert (
        f"render shot-01 again with: sorafilm resume {film.out_dir} --provider runway --retry"
        in (text)
    )
    assert "shot-02: the provider refused" in text and "new --out folder" in text
    assert "render shot-02" not in text and "shot-01: the provider" not in text


def test_a_key_the_server_refused_is_told_as_a_key_not_as_a_refused_prompt(
    tmp_path: Path,
) -> None:
    """A 401 at create (a real simulator that wants another key) leaves the shots rejected,
    the studio recording the exception's type as their error_code: the advice is to check
    the key, not to plan the film anew. cli.film matched the string "AuthError"; it now asks
    the type, so the two cannot drift apart."""
    from studio_child import make_plan

    from sorafilm_nb.backends.openai_api import OpenAIBackend
    from sorafilm_nb.backends.simulator import Simulator
    from sorafilm_nb.money.ledger import Ledger
    from sorafilm_nb.studio.runner import Studio

    with Simulator(api_key="sk-the-right-key-0123456789", job_seconds=0.05) as sim:
        url = sim.base_url
        backend = OpenAIBackend(api_key="sk-another-key-0123456789", base_url=url)
        with Ledger(tmp_path / "ledger.sqlite3", sandbox=True) as ledger:
            film = Studio(backend, ledger).run(make_plan(2, tag="auth"), tmp_path / "out")
    assert [s.status for s in film.shots] == ["rejected", "rejected"]
    lines: list[str] = []
    args = argparse.Namespace(provider="openai", real=False, base_url=url, ledger=None)
    assert print_film(film, lines.append, args) == 1
    text = "\n".join(lines)
    assert "shot-01, shot-02: the server did not accept the key" in text
    assert "OPENAI_API_KEY" in text and "the provider refused" not in text


def test_the_summary_and_the_report_group_the_shots_by_what_they_need(tmp_path: Path) -> None:
    """A failed shot is to retry, a refused one needs a changed plan, a pending one is to
    resume; the report (written from the same Film) says the same."""
    from sorafilm_nb.studio.report import report_markdown

    film = _unfinished(
        tmp_path / "f", {"shot-01": "refused", "shot-02": "in_progress", "shot-03": "lost"}
    )
    said = film.summary()
    assert said.endswith(
        "no film stitched; to retry: shot-03; refused as sent (a retry is refused again: "
        "change the plan, or the key): shot-01; to resume: shot-02"
    )
    report = report_markdown(film)
    assert "No film was stitched: not every shot succeeded. To retry: shot-03; refused" in report
    assert "to resume: shot-02." in report


def test_the_commands_follow_the_summarys_groups(tmp_path: Path) -> None:
    """The lines after the summary take its groups (report.unfinished_groups): a completed
    shot whose file is gone is "to resume" there (resume downloads it again), and print_film,
    which grouped the shots again by hand, left it out of its resume line."""
    film = _unfinished(tmp_path / "f", {"shot-01": "completed", "shot-02": "in_progress"})
    lines: list[str] = []
    args = argparse.Namespace(provider="openai", real=False, base_url=None, ledger=None)
    assert print_film(film, lines.append, args) == 1
    text = "\n".join(lines)
    assert "no film stitched; to resume: shot-01, shot-02" in text
    assert (
        "still running, unknown or not downloaded: shot-01, shot-02; "
        f"finish with: sorafilm resume {film.out_dir}"
    ) in text
