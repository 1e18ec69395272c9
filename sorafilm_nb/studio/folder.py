"""The Film record and its output folder: manifest.json, report.md, safe paths.

Why the manifest is written after every state change (and not once at the end): it is the
studio's memory across a crash. A kernel killed mid-poll leaves a manifest that already holds
the plan and every job id attached so far, so `Studio.resume()` polls those jobs instead of
paying for them twice. Everything in the folder is written through ``safeio`` (a temp file
renamed into place), so a crash never leaves a half-written manifest or a truncated mp4 under
its final name, and every path is built from our own shot ids, never from a string the server
sent, so a job id like "../../etc/x" cannot write outside the folder.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import stat
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, cast

from ..errors import SorafilmError
from ..money.cost import Cost, CostError, total
from ..paths import shown_path
from ..redact import redact
from ..safeio import NOFOLLOW
from ..terminal import shown
from .backend_names import simulated_name
from .jsonvalues import cents_json
from .manifest import (
    MANIFEST,
    MANIFEST_FORMAT,
    MANIFEST_VERSION,
    Manifest,
    ManifestShot,
    burned_in,
)

REPORT = "report.md"
FILM = "film.mp4"
CAPTIONS = "film.vtt"  # the film's captions as a WebVTT track, beside it
MANIFEST_MAX_BYTES = 64 << 20  # a 100-shot film's manifest is under 1 MiB

# Shot states. FINAL ones need nothing more; the others are what resume() picks up.
COMPLETED = "completed"
FAILED = "failed"  # the job ended failed (not moderation)
REFUSED = "refused"  # moderation_blocked, at create or as the job's error
EXPIRED = "expired"  # completed, but the content could no longer be downloaded
LOST = "lost"  # the job id is unknown to the server (404)
REJECTED = "rejected"  # the API refused the request itself (400/401): no job was created
FINAL_STATES = frozenset({COMPLETED, FAILED, REFUSED, EXPIRED, LOST, REJECTED})
FAILURE_STATES = FINAL_STATES - {COMPLETED}  # what a progress bar shows in red
# What a shot that did not succeed needs next, by how it ended: a failed, lost or expired job
# is rendered again as planned (`resume --retry`); a refused or rejected request would be
# refused again as sent, so it needs a changed plan (or, for a 401, the right key) instead.
RETRYABLE = frozenset({FAILED, LOST, EXPIRED})
REFUSALS = frozenset({REFUSED, REJECTED})
# "submitting": the manifest says so *before* a create is sent, so a process killed between
# sending it and recording the answer leaves a shot whose outcome resume knows is unknown.
SUBMITTING = "submitting"
PENDING_STATES = frozenset(
    {"planned", "reserved", SUBMITTING, "queued", "in_progress", "downloading", "timeout"}
    | {"unknown"}
)

_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")

log = logging.getLogger(__name__)


class FilmError(SorafilmError):
    """An output folder or manifest cannot be used (missing, foreign, unsafe, another plan)."""


# -- paths and files ------------------------------------------------------------------------


def safe_name(name: str) -> str:
    """A bare file name made only of letters, digits, '.', '_' and '-'; anything else raises.

    Used for every name that reaches the file system, including names read back from a
    manifest (which a user, or anything else, may have edited).
    """
    if not isinstance(name, str) or not _SAFE_NAME.match(name) or name in (".", ".."):
        raise FilmError(f"unsafe file name {name!r}: only letters, digits, '.', '_' and '-'")
    return name


def inside(out_dir: Path, name: str) -> Path:
    """out_dir / name, checked to stay inside out_dir after resolving links."""
    root = Path(out_dir).resolve()
    path = (root / safe_name(name)).resolve()
    if path.parent != root:
        raise FilmError(f"{name!r} would be written outside {root}")
    return path


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


# -- JSON ------------------------------------------------------------------------------------


def cents_from_json(value: Any, *, where: str) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, (bool, float)):
        raise FilmError(f"{where}: cents must be an int or a decimal string, got {value!r}")
    try:
        cents = Decimal(str(value))
    except InvalidOperation:
        raise FilmError(f"{where}: not an amount of cents: {value!r}") from None
    try:  # Cost's own rule, asked here: later it would fail without naming the manifest
        Cost(cents)
    except CostError as exc:
        raise FilmError(f"{where}: not an amount of cents a job can cost: {exc}") from None
    return cents


# -- records -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ShotResult:
    """One shot of a film as it stands: where its job is, what it cost, where its file is."""

    shot_id: str  # "shot-01"
    index: int  # 0-based
    status: str
    job_id: str | None
    seconds: int
    model: str
    size: str
    prompt: str
    estimated: Cost
    billed: Cost | None = None
    file: str | None = None  # a bare file name inside the film folder
    sha256: str | None = None
    error: str | None = None
    error_code: str | None = None
    reservation_id: str | None = None
    title: str = ""
    beat: str = ""
    duration_s: float | None = None  # read back from the mp4
    # the file's own WIDTHxHEIGHT, read back with its duration: a double's animatic is drawn
    # smaller than the size planned (640x360 of 1280x720); None when unread or from before
    frame: str | None = None
    history: tuple[Mapping[str, Any], ...] = ()  # earlier attempts (draft before final)
    caption: str = ""  # the story's gloss, shown as a lower third over the shot
    card: str = ""  # a caption card shown before the shot (no video seconds)
    card_s: float = 0.0  # how long the card holds the screen

    @property
    def ok(self) -> bool:
        return self.status == COMPLETED and self.file is not None

    def __repr__(self) -> str:  # the prompt is .prompt; one line says where the shot is
        cost = self.billed if self.billed is not None else f"est. {self.estimated}"
        where = self.file or self.job_id or "not submitted"
        err = f", {self.error_code or 'error'}" if self.error and not self.ok else ""
        return (
            f"ShotResult({self.shot_id}, {self.status}, {self.seconds} s, {self.model} at "
            f"{self.size}, {cost}, {where}{err})"
        )

    def to_json(self) -> ManifestShot:
        return {
            "shot_id": self.shot_id,
            "index": self.index,
            "title": self.title,
            "beat": self.beat,
            "status": self.status,
            "job_id": self.job_id,
            "reservation_id": self.reservation_id,
            "seconds": self.seconds,
            "model": self.model,
            "size": self.size,
            "prompt": self.prompt,
            "currency": self.estimated.currency,
            "estimated_cents": cents_json(self.estimated.cents),
            "billed_cents": None if self.billed is None else cents_json(self.billed.cents),
            "file": self.file,
            "sha256": self.sha256,
            "duration_s": self.duration_s,
            "frame": self.frame,
            "error": self.error,
            "error_code": self.error_code,
            "history": [dict(h) for h in self.history],
            "caption": self.caption,
            "card": self.card,
            "card_s": self.card_s,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any], *, where: str) -> ShotResult:
        def req(name: str, kind: type | tuple[type, ...]) -> Any:
            if name not in data:
                raise FilmError(f"{where}: missing field {name!r}")
            value = data[name]
            if not isinstance(value, kind) or (isinstance(value, bool) and kind is int):
                raise FilmError(f"{where}: field {name!r} has the wrong type: {value!r}")
            return value

        def opt(name: str, kind: type | tuple[type, ...]) -> Any:
            value = data.get(name)
            if value is not None and not isinstance(value, kind):
                raise FilmError(f"{where}: field {name!r} has the wrong type: {value!r}")
            return value

        currency = data.get("currency", "USD")
        est = cents_from_json(data.get("estimated_cents"), where=f"{where}, estimated_cents")
        billed = cents_from_json(data.get("billed_cents"), where=f"{where}, billed_cents")
        file = opt("file", str)
        if file is not None:
            safe_name(file)
        shot_id = safe_name(req("shot_id", str))
        return cls(
            shot_id=shot_id,
            index=req("index", int),
            status=req("status", str),
            job_id=opt("job_id", str),
            seconds=req("seconds", int),
            model=req("model", str),
            size=req("size", str),
            prompt=req("prompt", str),
            estimated=Cost(est if est is not None else Decimal(0), currency),
            billed=None if billed is None else Cost(billed, currency),
            file=file,
            sha256=opt("sha256", str),
            error=opt("error", str),
            error_code=opt("error_code", str),
            reservation_id=None
            if data.get("reservation_id") is None
            else str(data["reservation_id"]),
            title=opt("title", str) or "",
            beat=opt("beat", str) or "",
            duration_s=opt("duration_s", (int, float)),
            frame=opt("frame", str),
            history=tuple(opt("history", list) or ()),
            caption=opt("caption", str) or "",
            card=opt("card", str) or "",
            card_s=float(opt("card_s", (int, float)) or 0.0),
        )


@dataclass(frozen=True)
class Film:
    """A film folder as it stands: the shots, the stitched film (when all shots succeeded)."""

    out_dir: Path
    film: Path | None  # film.mp4, or None until every shot has succeeded
    shots: tuple[ShotResult, ...]
    billed: Cost  # sum of what the shots were billed
    manifest: Path
    plan_id: str
    duration_s: float | None = None  # the stitched film's duration, read back
    report: Path | None = None
    notes: tuple[str, ...] = ()  # problems worth telling (duration mismatch, resume hints)
    backend: str = ""  # the manifest's backend (recorded_name): "simulator", "veo", ...
    captions: Path | None = None  # film.vtt, the captions on the film's timeline
    # the captions are burned into film.mp4 too (see _cut); False for a manifest from before
    # burning existed (manifest.burned_in), whose film is clean
    lower_thirds: bool = True
    # what the folder's shots had been billed when this run began (a resumed folder: a
    # re-run `sorafilm film`, `sorafilm resume`); None for a film made from nothing
    billed_before: Cost | None = None
    # what the film is of, as its plan says: "pluggy · space · teaser-30" (the report's title;
    # "plan 3f7b9bd3add7e744" alone told a new user nothing). Repository text: escape it.
    about: str = ""

    @property
    def ok(self) -> bool:
        return self.film is not None and all(s.ok for s in self.shots)

    def length(self) -> str:
        """The film's running time, as the report and the player say it: "97 s (88 s of
        video, 9 s of cards)". The film runs its video seconds and its caption cards' (stills,
        no video seconds): the report said 97 s where the player's 88 s counted video alone.
        Before a film is stitched, the shots' video seconds."""
        video = sum(s.seconds for s in self.shots)
        if self.duration_s is None:
            return f"{video} s of video"
        whole = f"{round(self.duration_s, 1):g} s"
        cards = self.duration_s - video
        if cards < 0.5:  # no cards (the stitch keeps a film within its tolerance)
            return whole
        return f"{whole} ({video} s of video, {round(cards, 1):g} s of cards)"

    def __repr__(self) -> str:  # every shot's prompt would make this thousands of characters
        # the folder as shown_path() writes it: a notebook that shows the Film is shared
        done = sum(1 for s in self.shots if s.ok)
        film = self.film.name if self.film is not None else "no film yet"
        return (
            f"Film({shown_path(self.out_dir)!r}, {done}/{len(self.shots)} shots, "
            f"billed {self.billed}, {film}, plan {self.plan_id})"
        )

    @property
    def film_as_named(self) -> Path | None:
        """film.mp4 in the folder as the caller named it: ``film`` is resolved, and a linked
        out/ should still read (and be served by Jupyter) as out/; None without a film."""
        if self.film is None:
            return None
        named = Path(self.out_dir) / self.film.name
        return named if named.is_file() else self.film

    @property
    def unfinished(self) -> tuple[str, ...]:
        """The ids of the shots that did not succeed: to retry, to resume, or refused as sent
        (report.unfinished_groups tells them apart). Named ``retry`` until 2026-12, which a
        refused shot is not (`resume --retry` does not send it again)."""
        return tuple(s.shot_id for s in self.shots if not s.ok)

    @property
    def estimated(self) -> Cost:
        return total((s.estimated for s in self.shots), self.billed.currency)

    def summary(self) -> str:
        """One line: shots done, the bill, and where the film is or what to retry.

        The notebooks print it, so the film is named as shown_path() writes it: relative to
        the working directory (the notebook's folder), else from "~", never by the absolute
        path into the author's home folder.
        """
        done = sum(1 for s in self.shots if s.ok)
        # the simulator's bill is booked in the sandbox ledger; say so, or "$8.80" reads real
        sim = " (simulated, no real money)" if simulated_name(self.backend) else ""
        head = f"{done}/{len(self.shots)} shots completed, billed {self.billed}{sim}"
        before = self.billed_before
        if before is not None and before.cents > 0:  # a resumed folder: "billed" read as now
            new = self.billed - before
            head += (
                ", all of it before this run: nothing new was billed"
                if new.cents == 0
                else f", {new} of it in this run"
            )
        if self.film is not None:
            return f"{head}; film: {shown_path(self.film_as_named or self.film)}"
        if self.unfinished:
            from .report import left_to_do

            return f"{head}; no film stitched; {left_to_do(self)}"
        return head

    def _repr_markdown_(self) -> str:  # a notebook shows the report, not a dataclass dump
        from .report import report_markdown

        return report_markdown(self)

    @classmethod
    def load(cls, out_dir: str | os.PathLike[str]) -> Film:
        """Read a film folder's manifest.json back into a Film (nothing is contacted)."""
        folder = Path(out_dir)
        data = read_manifest(folder)
        return film_from_manifest(folder, data)


# -- manifest --------------------------------------------------------------------------------


def read_manifest(out_dir: Path) -> Manifest:
    """The manifest as a dict, validated enough that the studio can act on it: the header
    here; each shot entry by ShotResult.from_json, which also reads older manifests that lack
    some of ManifestShot's keys."""
    path = Path(out_dir) / MANIFEST
    try:  # never through a link, never a FIFO or device planted under the name
        fd = os.open(path, os.O_RDONLY | NOFOLLOW | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as fh:
            if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
                raise FilmError(f"{path}: not a plain file")
            text = fh.read(MANIFEST_MAX_BYTES + 1).decode("utf-8", "replace")
    except FileNotFoundError:
        raise FilmError(f"{path}: no manifest here; is {out_dir} a film folder?") from None
    except OSError as exc:
        # os.path.islink: a name the system refuses (too long) fails lstat too, and
        # Path.is_symlink raised that OSError out of share (a player's hostile track path)
        if os.path.islink(path):
            raise FilmError(
                f"{path} is a symbolic link; a film's manifest is its own file"
            ) from None
        raise FilmError(f"{path}: cannot read: {exc.strerror}") from None
    if len(text) > MANIFEST_MAX_BYTES:
        raise FilmError(f"{path}: larger than {MANIFEST_MAX_BYTES} bytes; not a manifest")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FilmError(f"{path}: not valid JSON: {exc}") from None
    if not isinstance(data, dict) or data.get("format") != MANIFEST_FORMAT:
        raise FilmError(f"{path}: not a sorafilm manifest (no format={MANIFEST_FORMAT!r})")
    version = data.get("version")
    if not isinstance(version, int) or version > MANIFEST_VERSION:
        raise FilmError(
            f"{path}: manifest version {version!r} is newer than this sorafilm "
            f"understands ({MANIFEST_VERSION}); upgrade sorafilm-nb"
        )
    if not isinstance(data.get("plan_id"), str) or not isinstance(data.get("shots"), list):
        raise FilmError(f"{path}: missing plan_id or shots")
    return cast(Manifest, data)  # the header checked above; the shots by shots_from_manifest


def shots_from_manifest(out_dir: Path, data: Mapping[str, Any]) -> list[ShotResult]:
    path = Path(out_dir) / MANIFEST
    shots: list[ShotResult] = []
    for i, entry in enumerate(data["shots"]):
        if not isinstance(entry, dict):
            raise FilmError(f"{path}: shots[{i}] is not an object")
        shots.append(ShotResult.from_json(entry, where=f"{path}, shots[{i}]"))
    return shots


def billed_of(shots: Sequence[ShotResult]) -> Cost:
    """What the shots were billed, in their currency (the first shot's estimate's; USD for
    none): a Film's bill, and what a resumed folder had been billed before the run."""
    currency = shots[0].estimated.currency if shots else "USD"
    return total((s.billed for s in shots if s.billed is not None), currency)


def film_from_manifest(out_dir: Path, data: Mapping[str, Any]) -> Film:
    folder = Path(out_dir)
    shots = shots_from_manifest(folder, data)
    billed = billed_of(shots)
    film_name = data.get("film")
    film = None
    if film_name is not None:
        film = inside(folder, film_name)
        if not film.is_file():
            film = None
    report = folder / REPORT
    captions = None
    if film is not None and data.get("captions") is not None:
        captions = inside(folder, str(data["captions"]))
        captions = captions if captions.is_file() else None
    return Film(
        out_dir=folder,
        film=film,
        shots=tuple(shots),
        billed=billed,
        manifest=folder / MANIFEST,
        plan_id=data["plan_id"],
        duration_s=data.get("film_duration_s"),
        report=report if report.is_file() else None,
        notes=tuple(data.get("notes") or ()),
        backend=str(data.get("backend") or ""),
        captions=captions,
        lower_thirds=burned_in(data),
        about=_about(data.get("plan")),
    )


def _about(plan: Any) -> str:
    """ "pluggy · space · teaser-30" from the plan a manifest keeps (Plan.to_json), or ""."""
    if not isinstance(plan, Mapping):
        return ""
    repo = plan.get("repo")
    name = repo.get("title") or repo.get("name") if isinstance(repo, Mapping) else None
    parts = (name, plan.get("theme"), plan.get("template"))
    # a manifest is a file anyone may have written: its text is shown cleaned and redacted
    return shown(redact(" · ".join(str(x) for x in parts if isinstance(x, str) and x.strip())))


# The temp files a writer leaves in a film folder when killed: safeio's one shape
# (.NAME.HEX.partial[.ext]: downloads, stitches, manifest.json, report.md, ffmpeg's concat
# list), and the older shapes of versions before safeio.
_LEFTOVER = re.compile(
    r"^\.(?:[A-Za-z0-9][A-Za-z0-9._-]*\.partial(?:\.[a-z0-9]+)?"
    r"|(?:manifest\.json|report\.md)\.[A-Za-z0-9_]+\.tmp"
    r"|concat\.[A-Za-z0-9_]+\.txt)$"
)


def sweep_leftovers(folder: Path) -> None:
    """Remove the temp files a killed process left in the film folder.

    A SIGKILL mid-download runs no cleanup, so its half-written temp file stays. Called with
    the folder lock held: no live writer can own one of these files then.
    """
    for path in folder.iterdir():
        if _LEFTOVER.match(path.name) and path.is_file() and not path.is_symlink():
            try:
                path.unlink()
                log.info("removed %s, left by an interrupted run", path.name)
            except OSError as exc:
                log.warning("could not remove %s: %s", path.name, exc)
