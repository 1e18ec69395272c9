"""Continuity between shots: which shot starts from which image.

Clips made one by one drift apart (a kitchen turns blue, the light moves). Two remedies,
wherever the model accepts image conditioning (``capabilities``: ``first_frame``):

- a film-level **look**: an image the user gives (every shot starts from it), or ``"first"``
  (a frame the studio picks from the first finished shot, ``render.poster_frame``, which
  every later shot starts from);
- **chain**: shot N+1 starts from shot N's last frame, so the film reads as one take. Shot 1
  then starts from the look image, if one was given.

Where a shot's model takes reference images at its length and size (``capabilities``: Veo 3.1,
8 s, 16:9), the look goes as a reference image instead of a first frame: the model keeps the
look's subject and style without being forced to open on that exact picture.

The plan only says which shot uses which reference (``Reference``); the studio makes the
frames and sends them. No price file lists a surcharge for image conditioning, so it is
priced as text-to-video and the plan says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..capabilities import for_model

__all__ = ["IMAGE_SUFFIXES", "Reference", "check_look", "references"]

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp")
LOOK = "look"  # Reference.source: the film's look image (given, or picked from shot 1)
PREVIOUS = "previous"  # Reference.source: the last frame of the shot before


@dataclass(frozen=True)
class Reference:
    """The image a shot starts from (its first frame) or keeps to (a reference image)."""

    kind: str  # a capabilities.CONDITIONING kind: "first_frame" or "reference_images"
    source: str  # LOOK or PREVIOUS
    shot: int | None = None  # the index of the shot the frame comes from (None: the user's)

    def describe(self, shot_ids: list[str]) -> str:
        """ "the look image", "a frame of shot-01", "the last frame of shot-03"."""
        as_ref = ", as a reference image" if self.kind == "reference_images" else ""
        if self.source == PREVIOUS and self.shot is not None:
            return f"the last frame of {shot_ids[self.shot]}{as_ref}"
        if self.shot is not None:
            return f"a frame of {shot_ids[self.shot]} (the look){as_ref}"
        return f"the look image{as_ref}"

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "source": self.source, "shot": self.shot}

    @classmethod
    def from_dict(cls, data: Any) -> Reference | None:
        if not isinstance(data, dict) or data.get("source") not in (LOOK, PREVIOUS):
            return None
        shot = data.get("shot")
        return cls(
            str(data.get("kind") or "first_frame"),
            str(data["source"]),
            shot if isinstance(shot, int) and not isinstance(shot, bool) and shot >= 0 else None,
        )


def check_look(look: str | Path | None) -> str | Path | None:
    """A look is None, "first", or an existing image file (.png, .jpg, .webp)."""
    if look is None or look == "first":
        return look
    path = Path(look).expanduser()
    if path.suffix.lower() not in IMAGE_SUFFIXES or not path.is_file():
        raise ValueError(
            f"a look is 'first' or an existing {', '.join(IMAGE_SUFFIXES)} image file, "
            f"got {str(look)!r}"
        )
    return path


def references(
    provider: str, shots: Any, look: str | Path | None, chain: bool
) -> tuple[tuple[Reference | None, ...], str]:
    """One Reference (or None) per shot, and a note for the plan ("" when nothing is asked).

    A shot whose model takes no first frame gets none, and the note says so.
    """
    shots = list(shots)
    if (look is None and not chain) or not shots:
        return tuple(None for _ in shots), ""
    out: list[Reference | None] = []
    refused: list[str] = []
    for i, shot in enumerate(shots):
        try:
            caps = for_model(provider, shot.model)
        except KeyError:
            caps = None
        # the look as a reference image where the model takes one at this length and size
        kind = "first_frame"
        if caps is not None and caps.takes("reference_images", shot.seconds, shot.size):
            kind = "reference_images"
        ref: Reference | None = None
        if chain and i > 0:
            ref = Reference("first_frame", PREVIOUS, i - 1)
        elif look == "first":
            ref = Reference(kind, LOOK, 0) if i > 0 else None
        elif look is not None:
            ref = Reference(kind, LOOK, None)
        if ref is not None and (caps is None or ref.kind not in caps.conditioning):
            refused.append(shot.model)
            ref = None
        out.append(ref)
    note = ""
    if refused:
        note = (
            f"{', '.join(sorted(set(refused)))} takes no image, so "
            f"{'--chain' if chain else '--look'} is not honoured there. "
        )
    return tuple(out), note
