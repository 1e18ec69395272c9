"""Story templates: the beats of a film and each one's share of the running time.

A template is a TOML file (packaged ones in sorafilm_nb/data/stories/): an id, a title, a
natural length, an optional closing card and [[beat]] tables (name, purpose, share, its role
in the story, the concept kinds it features, a camera line, the card that opens it, and what
an uncast shot of it shows and says). Loading validates it; every error is a
DataFileError naming the file, the beat and the field. ``boards`` times a template into
shots; the time is counted in units of the shortest clip the API renders.

CONTRACT (shared with boards, prompts, planning, studio, ui/): Beat and StoryTemplate.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..analysis.profile import CONCEPT_KINDS
from ..capabilities import clip_seconds
from ..datafiles import field, load_toml, packaged, str_list
from ..errors import DataFileError
from .plot import ROLES

LEGAL_SECONDS = clip_seconds()  # what POST /videos accepts: (4, 8, 12), from capabilities
UNIT = LEGAL_SECONDS[0]  # every legal length is 1, 2 or 3 of these (tests check it)
MIN_TARGET = 4
MAX_TARGET = 120  # the most a film of extensions can reach (6 × 20 s); beyond it is a mistake
SHARE_TOLERANCE = 0.01
# What a title card says: the name and what the project is for, the README's one-line
# promise ("Flask: a lightweight WSGI web application framework"; the name alone when the
# README promises nothing). A film whose title card was the name alone said what the package
# does only in its last shot, 80 s in.
TITLE_CARD = "{promise}"


@dataclass(frozen=True)
class Beat:
    name: str  # "the attempt and error cascade"
    purpose: str
    share: float  # share of the running time, the template's shares sum to 1
    features: tuple[str, ...] = ()  # concept kinds this beat features ("exception", ...)
    camera: str = ""  # a default camera line for the beat's shots
    # Added (defaults keep the contract): words of Metaphor.beat that belong here, whether the
    # beat opens with a title shot, and what an uncast shot of the beat shows.
    keys: tuple[str, ...] = ()
    title_card: bool = False  # the beat's card is the title card (TITLE_CARD)
    scene: str = ""
    actions: tuple[str, ...] = ()
    caption: str = ""  # the lower third of an uncast shot ("{tools}"): see card_facts.facts
    captions: tuple[str, ...] = ()  # one per filler in turn, when the file gives a list
    max_shots: int = 0  # at most this many clips when the time allows (0: no limit)
    role: str = ""  # its part in the story (plot.ROLES); "" files concepts by kind
    card: str = ""  # a caption card before the beat's first shot (no video seconds)
    # its name in a film with no trouble before it (an overcome beat called "the rescue" on
    # Flask.route, in a film with no error, read oddly): boards.storyboard renames it there
    calm_name: str = ""

    @property
    def intertitle(self) -> str:  # the old name of caption
        return self.caption


@dataclass(frozen=True)
class StoryTemplate:
    id: str  # "silent-90"
    title: str
    target_seconds: int  # the natural length
    beats: tuple[Beat, ...]
    source: str = ""
    end_card: str = ""  # a caption card after the last shot ("{closing}": name, how to get it)

    @classmethod
    def load(cls, id_or_path: str | Path) -> StoryTemplate:
        """A packaged template by id ("silent-90") or a TOML file by path.

        Errors (DataFileError) name the file, the beat and the field.
        """
        name = str(id_or_path)
        shipped = packaged("stories")
        if name in shipped:
            path = shipped[name]
        else:
            path = Path(name).expanduser()
            if not path.is_file():
                raise DataFileError(
                    name,
                    "no such story template file, and not a packaged template; packaged: "
                    + ", ".join(sorted(shipped)),
                )
        st = path.stat()
        return _load_cached(str(path), st.st_mtime_ns, st.st_size)

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, file: str = "<dict>") -> StoryTemplate:
        """Validate a parsed template (the TOML's top-level table)."""
        _no_unknown(
            data, {"id", "title", "target_seconds", "beat", "description", "end_card"}, file, None
        )
        tid = field(data, "id", str, file=file)
        if not re.fullmatch(r"[a-z0-9][a-z0-9._-]*", tid):
            raise DataFileError(
                file, "an id is lower-case letters, digits, '.', '_' or '-'", field="id"
            )
        title = field(data, "title", str, file=file)
        target = field(data, "target_seconds", int, file=file)
        if not MIN_TARGET <= target <= MAX_TARGET:
            raise DataFileError(
                file,
                f"must be between {MIN_TARGET} and {MAX_TARGET} seconds, got {target}",
                field="target_seconds",
            )
        raw_beats = field(data, "beat", list, file=file)
        if not raw_beats:
            raise DataFileError(file, "a template needs at least one [[beat]]", field="beat")
        beats: list[Beat] = []
        for i, raw in enumerate(raw_beats):
            entry = f"beat {i + 1}"
            if not isinstance(raw, dict):
                raise DataFileError(file, "expected a [[beat]] table", entry=entry)
            beats.append(_beat(raw, file=file, entry=entry))
        names = [b.name for b in beats]
        for i, b in enumerate(beats):
            if names.index(b.name) != i:
                raise DataFileError(
                    file, "two beats have this name", entry=f"beat {i + 1}", field="name"
                )
        total = sum(b.share for b in beats)
        if abs(total - 1.0) > SHARE_TOLERANCE:
            raise DataFileError(
                file,
                f"the beats' shares sum to {total:.3f}, not 1 (± {SHARE_TOLERANCE})",
                field="share",
            )
        end_card = field(data, "end_card", str, file=file, default="").strip()
        return cls(tid, title, target, tuple(beats), source=file, end_card=end_card)

    def min_seconds(self, unit: int = UNIT) -> int:
        """The shortest film this template makes: one shortest clip (4 s) per beat."""
        return unit * len(self.beats)

    def __repr__(self) -> str:  # one line, not every beat's purpose, scene and actions
        names = ", ".join(b.name for b in self.beats)
        text = f"StoryTemplate({self.id!r}, {self.target_seconds} s, {len(self.beats)} beats: "
        return text + (names if len(names) <= 200 else names[:199] + "…") + ")"


@lru_cache(maxsize=32)
def _load_cached(path: str, mtime_ns: int, size: int) -> StoryTemplate:
    """Parsed once per file version: plan() is called again and again from a notebook."""
    return StoryTemplate.from_dict(load_toml(path), file=path)


def _no_unknown(table: dict[str, Any], known: set[str], file: str, entry: str | None) -> None:
    for key in table:
        if key not in known:
            raise DataFileError(
                file, f"unknown field (known: {', '.join(sorted(known))})", entry=entry, field=key
            )


def _beat(raw: dict[str, Any], *, file: str, entry: str) -> Beat:
    name = field(raw, "name", str, file=file, entry=entry).strip()
    if not name:
        raise DataFileError(file, "a beat needs a name", entry=entry, field="name")
    entry = f"{entry} ({name})"
    _no_unknown(
        raw,
        {
            "name",
            "purpose",
            "share",
            "features",
            "camera",
            "keys",
            "title_card",
            "scene",
            "actions",
            "intertitle",
            "caption",
            "max_shots",
            "role",
            "card",
            "calm_name",
        },
        file,
        entry,
    )
    share = float(field(raw, "share", float, file=file, entry=entry))
    if not 0 < share <= 1:
        raise DataFileError(
            file, f"must be above 0 and at most 1, got {share}", entry=entry, field="share"
        )
    features = str_list(raw, "features", file=file, entry=entry, default=())
    for kind in features:
        if kind not in CONCEPT_KINDS:
            raise DataFileError(
                file,
                f"unknown concept kind {kind!r}; known: {', '.join(CONCEPT_KINDS)}",
                entry=entry,
                field="features",
            )
    max_shots = field(raw, "max_shots", int, file=file, entry=entry, default=0)
    if max_shots < 0:
        raise DataFileError(
            file,
            f"must be 0 (no limit) or a number of shots, got {max_shots}",
            entry=entry,
            field="max_shots",
        )
    role = field(raw, "role", str, file=file, entry=entry, default="").strip()
    if role and role not in ROLES:
        raise DataFileError(
            file, f"unknown role {role!r}; known: {', '.join(ROLES)}", entry=entry, field="role"
        )
    if "caption" in raw and "intertitle" in raw:
        raise DataFileError(
            file,
            "give caption or its old name intertitle, not both",
            entry=entry,
            field="intertitle",
        )
    key = "caption" if "caption" in raw else "intertitle"
    said = raw.get(key, "")
    lines = (said,) if isinstance(said, str) else str_list(raw, key, file=file, entry=entry)
    lines = tuple(x for x in lines if x.strip())
    title_card = field(raw, "title_card", bool, file=file, entry=entry, default=False)
    card = field(raw, "card", str, file=file, entry=entry, default="").strip()
    return Beat(
        name=name,
        purpose=field(raw, "purpose", str, file=file, entry=entry),
        share=share,
        features=features,
        camera=field(raw, "camera", str, file=file, entry=entry),
        keys=tuple(k.lower() for k in str_list(raw, "keys", file=file, entry=entry, default=())),
        title_card=title_card,
        scene=field(raw, "scene", str, file=file, entry=entry, default=""),
        actions=str_list(raw, "actions", file=file, entry=entry, default=()),
        caption=lines[0] if lines else "",
        captions=lines,
        max_shots=max_shots,
        role=role,
        card=card or (TITLE_CARD if title_card else ""),
        calm_name=field(raw, "calm_name", str, file=file, entry=entry, default="").strip(),
    )
