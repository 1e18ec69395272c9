"""Lint findings and the one rule catalogue: every rule's id, severity and what it checks.

A leaf of story: lint_data (which checks that a word list does not change a catalogue
rule's severity), lint and plan_lint all read the catalogue here. A finding of a catalogue
rule is made with ``finding()``, which looks its severity up, so no call site restates it.

CONTRACT: Finding is shared with planning, studio, ui/ (importable from ``lint`` too).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..capabilities import clip_seconds

ERROR = "error"  # blocks submission
WARNING = "warning"  # informs
SEVERITIES = (ERROR, WARNING)


def lengths_text(lengths: Sequence[int] | None = None) -> str:
    """The legal clip lengths as prose: "4, 8 or 12" (OpenAI's unless others are given)."""
    *head, last = map(str, clip_seconds() if lengths is None else lengths)
    return f"{', '.join(head)} or {last}" if head else last


# Rule ids with their severity and what they check: the catalogue the docs and UI show.
RULES: dict[str, tuple[str, str]] = {
    "empty-plan": (ERROR, "the storyboard has no shots"),
    "prompt-count": (ERROR, "not exactly one prompt per shot"),
    "empty-prompt": (ERROR, "a shot's prompt is empty"),
    "prompt-over-tokens": (
        WARNING,
        "a prompt is over its tier's token cap (an error beyond the margin in rules.toml)",
    ),
    "prompt-over-provider-limit": (
        ERROR,
        "a prompt is longer than its provider's model accepts (characters or tokens; "
        "data/capabilities), which the API would refuse",
    ),
    "illegal-seconds": (
        ERROR,
        f"a shot's length is not one the API accepts ({', '.join(map(str, clip_seconds()))})",
    ),
    "unknown-model": (ERROR, "a shot's model is not in the price table"),
    "illegal-size": (ERROR, "a shot's size is not offered for its model"),
    "real-person": (ERROR, "a real person's name (data/lint/people.toml)"),
    "copyrighted-character": (ERROR, "a copyrighted character (data/lint/characters.toml)"),
    "copyrighted-music": (ERROR, "copyrighted music (data/lint/music.toml)"),
    "secret-in-prompt": (ERROR, "a secret or personal data (data/lint/secrets.toml)"),
    "too-many-actions": (WARNING, "more distinct actions than the clip length holds"),
    "too-many-camera-moves": (WARNING, "more than one camera move in a shot"),
    "on-screen-text": (
        WARNING,
        "a prompt asks the video model to draw words to be read (data/lint/rules.toml [text])",
    ),
    "missing-camera": (WARNING, "no cinematography/camera line"),
    "missing-lighting": (WARNING, "no lighting line"),
    "duplicate-shot": (WARNING, "two shots have the same prompt"),
    "style-drift": (WARNING, "the style, palette or lighting block differs between shots"),
    "over-budget": (ERROR, "the plan costs more than the remaining budget"),
    "caption-too-long": (
        WARNING,
        "a caption has more words than its time on screen lets anyone read",
    ),
    "allow-ignored": (
        WARNING,
        "the repository's .sorafilm.toml allows a listed term that is not its own name (ignored)",
    ),
    "bad-project-file": (WARNING, "the repository's .sorafilm.toml could not be read (ignored)"),
    # added by plan(), which knows the prices and the casting
    "unpriced": (ERROR, "a shot's model or size has no price in the price table"),
    "nothing-cast": (WARNING, "the repository gave no concept to cast: every shot is filler"),
    "weak-fit": (
        WARNING,
        "a shot plays its concept with a gag that matches nothing it is called or does "
        "(its MATCH in `sorafilm analyze` is below the weak-fit line)",
    ),
    "short-film": (
        WARNING,
        "the film is shorter than asked: the repository has too few concepts to fill it, "
        "and no shot is paid for that shows none",
    ),
}


@dataclass(frozen=True)
class Finding:
    rule: str  # stable id, "real-person", "secret-in-prompt", ...
    severity: str  # ERROR or WARNING
    message: str
    hint: str  # how to fix it
    shot_index: int | None = None  # None for plan-wide findings
    where: str = ""  # added: "metaphor kitchen.milk-wont-pour, field gag" for library findings

    def __str__(self) -> str:
        place = f"shot {self.shot_index + 1}: " if self.shot_index is not None else ""
        if self.where:
            place = f"{self.where}: "
        return f"{self.severity.upper()} [{self.rule}] {place}{self.message}"


def finding(
    rule: str,
    message: str,
    hint: str,
    shot_index: int | None = None,
    *,
    where: str = "",
    severity: str | None = None,
) -> Finding:
    """A Finding of a catalogue rule, with the catalogue's severity.

    severity is given only where a rule's own text says it changes (a prompt far over its
    cap is an error; a theme's timing hint is only a warning, the storyboard snaps it).
    """
    return Finding(rule, severity or RULES[rule][0], message, hint, shot_index, where)


def errors(findings: Iterable[Finding]) -> tuple[Finding, ...]:
    """The findings that block submission."""
    return tuple(f for f in findings if f.severity == ERROR)
