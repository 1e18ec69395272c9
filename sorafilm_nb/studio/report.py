"""report.md: what a film folder made, what it cost, what is left of the month's budget.

Repository and server text in it (a shot's error, the film's notes) is redacted of secrets
and escaped for Markdown: the report is shown in shared notebooks and pages.
"""

from __future__ import annotations

from collections.abc import Callable

from ..markup import md_cell, md_code, md_file, md_no_tex, md_text
from ..money.cost import Cost, left_of
from ..paths import without_local_folders
from ..redact import redact
from ..terminal import shown
from .backend_names import simulated_name
from .folder import REFUSALS, RETRYABLE, Film, ShotResult

TO_RETRY = "to retry"
REFUSED_SAID = "refused as sent (a retry is refused again: change the plan, or the key)"
TO_RESUME = "to resume"


def unfinished_groups(film: Film) -> dict[str, list[ShotResult]]:
    """The shots that did not succeed, in film order, by what they need next: TO_RETRY
    (RETRYABLE: `resume --retry` renders them again as planned), REFUSED_SAID (REFUSALS:
    refused again as sent), TO_RESUME (the rest: running, unknown, or completed with the
    file gone, which `resume` downloads again). The one grouping of the summary, the report
    (left_to_do) and the commands `sorafilm film` prints (cli.film.print_film).

    Why not one "to retry" list: a new user read "to retry: shot-02" for a refused prompt,
    ran `resume --retry`, and it (rightly) did not send shot-02 again."""
    groups: dict[str, list[ShotResult]] = {TO_RETRY: [], REFUSED_SAID: [], TO_RESUME: []}
    for s in film.shots:
        if not s.ok:
            what = (
                TO_RETRY
                if s.status in RETRYABLE
                else REFUSED_SAID
                if s.status in REFUSALS
                else TO_RESUME
            )
            groups[what].append(s)
    return groups


def left_to_do(film: Film, name: Callable[[str], str] = str) -> str:
    """What the shots that did not succeed need (unfinished_groups): "to retry: shot-01;
    refused as sent (...): shot-02; to resume: shot-03". name writes a shot id (the report
    escapes it for Markdown). Film.summary() and the report both say it."""
    return "; ".join(
        f"{what}: {', '.join(name(s.shot_id) for s in shots)}"
        for what, shots in unfinished_groups(film).items()
        if shots
    )


def made_size(shot: ShotResult, backend: str) -> str:
    """A shot's size as its file has it: "animatic 640x360 (of 1280x720)" for a double's
    animatic drawn smaller than planned (the report said 1280x720 of 640x360 files), the
    planned size when the file has it or was never read."""
    from .._probe import size_label

    if shot.frame is None or shot.frame == shot.size:
        return shot.size
    return size_label(shot.frame, shot.size, animatic=simulated_name(backend))


def _shows(title: str) -> str:
    """The concept a shot shows, from its title ("HookCaller: the dish antenna swung..."):
    the table said shot-03, never what shot-03 is of."""
    name = shown(redact(title.split(": ", 1)[0] if ": " in title else title))
    return name if len(name) <= 48 else name[:47] + "…"


def report_markdown(
    film: Film,
    *,
    remaining: Cost | None = None,
    limit: Cost | None = None,
    backend: str = "",
    file: bool = False,
    sandbox: bool = False,
) -> str:
    """report.md: what was made, what it cost, what is left of the month's budget.

    A shot's error and the film's notes can carry an OSError's text, which names files by
    absolute path; the report is shown in (shared) notebooks, so those are written with the
    working directory as "." and the home folder as "~".

    file=True: for report.md, read as text: every "$" as "$" (markup.md_file).
    sandbox=True: the budget line is the sandbox ledger's, where simulated films book what
    they would cost; a new user read "$0.60 over the $5.00 limit" as money spent.
    """
    if film.about:
        lines = [f"# Film report: {md_text(film.about)}", "", f"Plan {md_text(film.plan_id)}."]
        lines.append("")
    else:
        lines = [f"# Film report: plan {md_text(film.plan_id)}", ""]
    if backend:
        lines += [f"Backend: {md_text(backend)}", ""]
    if film.film is not None:
        lines += [f"Film: {md_code(film.film.name)}, {film.length()}", ""]
    else:
        left = left_to_do(film, md_text) or "nothing to retry"
        lines += [
            f"No film was stitched: not every shot succeeded. {left[:1].upper()}{left[1:]}.",
            "",
        ]
    lines += [
        "| shot | shows | status | model | size | seconds | estimated | billed | file | note |",
        "|---|---|---|---|---|---:|---:|---:|---|---|",
    ]
    for s in film.shots:
        billed = str(s.billed) if s.billed is not None else "—"
        note = redact(without_local_folders(s.error or "")).replace("|", "/").replace("\n", " ")
        note = md_cell(note[:120])  # a server's words: shown as written, never a tag or a link
        lines.append(
            f"| {md_cell(s.shot_id)} | {md_cell(_shows(s.title))} | {md_cell(s.status)} | "
            f"{md_cell(s.model)} | "
            f"{md_cell(made_size(s, film.backend or backend))} | {s.seconds} | "
            f"{s.estimated} | {billed} | "
            f"{md_cell(s.file or '—')} | {note} |"
        )
    lines += ["", f"Estimated: {film.estimated}. Billed: {film.billed}."]
    if remaining is not None and sandbox:
        lines.append(
            f"Sandbox ledger (what simulated films would cost; no money is spent): "
            f"{left_of(remaining, limit)} this month."
        )
    elif remaining is not None:
        lines.append(f"Ledger: {left_of(remaining, limit)} this month.")  # never "$-5.20"
    elif not simulated_name(backend or film.backend):  # a sandbox's budget is not the point
        lines.append("Ledger: no monthly budget is set (`sorafilm budget set DOLLARS`).")
    for note in film.notes:
        lines.append(f"\nNote: {md_text(redact(without_local_folders(note)))}")
    text = "\n".join(lines) + "\n"
    return (
        md_file(text) if file else md_no_tex(text)
    )  # "Estimated: $0.80. Billed: $0.80." is no TeX
