"""Timing: a story template's seconds as clips the API renders (steps 1-3 of boards'
module docstring: the film's total, the units per beat, the clips of a beat). A leaf of
the storyboard: it knows templates and clip lengths, nothing of what is cast."""

from __future__ import annotations

import math

from ..datafiles import packaged
from ..errors import PlanError
from .templates import MAX_TARGET, MIN_TARGET, UNIT, StoryTemplate

__all__ = ["beat_units", "clip_range", "film_seconds", "split_units"]


def film_seconds(template: StoryTemplate, target: int, unit: int = UNIT) -> int:
    """The film's total length for a target: see the module docstring, step 1."""
    if isinstance(target, bool) or not isinstance(target, int):
        raise PlanError(f"target seconds must be a whole number, got {target!r}")
    if not MIN_TARGET <= target <= MAX_TARGET:
        raise PlanError(
            f"a film must be {MIN_TARGET} to {MAX_TARGET} seconds long, got "
            f"{target} s (the API renders 4, 8 or 12 s clips; 120 s is the most "
            "a chain of extensions reaches)"
        )
    total = unit * math.floor(target / unit + 0.5 - 1e-9)  # nearest multiple of 4, ties down
    total = max(total, unit)
    need = template.min_seconds(unit)
    if total < need:
        if need - target > unit:
            # One unit, one number (issues ux 5, faces2 1): "shortest film runs 20 s" beside
            # "ask for 16 s" read as two units (cards? video?). Both are seconds of video, and
            # the advice is the film's own length, which is a target that works.
            raise PlanError(
                f"template {template.id!r} has {len(template.beats)} beats of at least one "
                f"{unit} s clip each, so its shortest film is {need} s of video: too long for "
                f"a {target} s film (a film runs at most {unit} s over its target). Ask for "
                f"{need} s or more" + _templates_that_fit(target, template.id, unit)
            )
        total = need
    return total


def _templates_that_fit(target: int, but: str, unit: int = UNIT) -> str:
    """ ", or a template with fewer beats: 'single-12'" for the packaged templates that make
    a film of this target (never the one that did not fit)."""
    fit = [
        name
        for name in sorted(packaged("stories"))
        if name != but and StoryTemplate.load(name).min_seconds(unit) - unit <= target
    ]
    if not fit:
        return ""
    return ", or a template with fewer beats: " + " or ".join(repr(n) for n in fit)


def beat_units(template: StoryTemplate, total_seconds: int, unit: int = UNIT) -> list[int]:
    """4 s units per beat: largest remainders by share, at least one each (step 2)."""
    units = total_seconds // unit
    n = len(template.beats)
    if units < n:
        raise PlanError(f"{total_seconds} s is too short for {n} beats")
    share_sum = sum(b.share for b in template.beats)
    ideal = [b.share / share_sum * units for b in template.beats]
    got = [max(1, math.floor(x + 1e-9)) for x in ideal]
    while sum(got) < units:  # the beat furthest below its share gets the next unit
        i = max(range(n), key=lambda j: (ideal[j] - got[j], -j))
        got[i] += 1
    while sum(got) > units:  # the beat furthest above its share gives one back
        i = max((j for j in range(n) if got[j] > 1), key=lambda j: (got[j] - ideal[j], j))
        got[i] -= 1
    return got


def split_units(units: int, clips: int, most: int = 3) -> list[int]:
    """units split into clips parts of 1-``most`` units, as even as possible, longest first."""
    if not math.ceil(units / most) <= clips <= units:
        raise PlanError(f"cannot split {units} units into {clips} legal clips")
    base, extra = divmod(units, clips)
    return [base + 1] * extra + [base] * (clips - extra)


def clip_range(units: int, max_shots: int = 0, most: int = 3) -> tuple[int, int]:
    """Fewest (all 12 s) and most (mostly 8 s) clips a beat of this many units may have.

    max_shots lowers the most, never below the fewest the time needs. ``most`` is the
    longest clip in units (3 on OpenAI; 2 where 12 s is not a length; 1 where one is).
    """
    lo, hi = math.ceil(units / most), math.ceil(units / min(2, most))
    if max_shots:
        hi = max(lo, min(hi, max_shots))
    return lo, hi
