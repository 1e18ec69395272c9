"""Theme files: reading a MetaphorLibrary from TOML, with `extends` and validation.

A theme is a TOML file (packaged ones live in sorafilm_nb/data/metaphors/; the format is
documented at the top of kitchen.toml): a [theme] table (id, title, optional extends), a
[style] table and [[metaphor]] entries. A theme that extends another inherits its style (its
own keys override) and metaphors (its own are added; one with an existing id replaces it).
Every error is a DataFileError naming the file, the entry and the field, and every metaphor,
from a file or from code, obeys the same rules (``metaphor_rules.check_metaphor``).
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..datafiles import field, load_toml, packaged, str_list
from ..errors import DataFileError
from .metaphor_rules import ID_PATTERN as _ID
from .metaphor_rules import check_metaphor, default_polarity
from .metaphors import (
    BEATS,
    MAX_TEXT,
    MatchRule,
    Metaphor,
    MetaphorLibrary,
    Style,
)

_THEME_KEYS = {"id", "title", "extends"}
_STYLE_KEYS = {
    "name",
    "look",
    "palette",
    "setting",
    "protagonist",
    "lighting",
    "sound",
    "dialogue",
    "sound_by_beat",
    "audio",
}
_METAPHOR_KEYS = {
    "id",
    "matches",
    "gag",
    "props",
    "beat",
    "seconds",
    "tone",
    "actions",
    "roles",
    "polarity",
    "scene",
}
_MATCH_KEYS = {"kinds", "names", "words"}


def themes() -> tuple[str, ...]:
    """The ids of the packaged themes ("heist", "kitchen", "space")."""
    return tuple(packaged("metaphors"))


def load(
    theme_or_path: str | Path = "kitchen", *, extra: Iterable[str | Path] = ()
) -> MetaphorLibrary:
    """A packaged theme by id or a theme file by path, plus extra mappings files (see
    MetaphorLibrary.load)."""
    library = _load_theme(str(theme_or_path), chain=())
    for path in extra:
        library = library.merged(_read_metaphors(Path(path)), str(path))
    return library


def _unknown_keys(
    table: Mapping[str, Any], allowed: set[str], *, file: str, entry: str | None, where: str = ""
) -> None:
    extra = sorted(set(table) - allowed)
    if extra:
        raise DataFileError(
            file,
            f"unknown key{'s' if len(extra) > 1 else ''} "
            f"{', '.join(map(repr, extra))}{where}; allowed: "
            f"{', '.join(sorted(allowed))}",
            entry=entry,
            field=extra[0],
        )


def _text(
    table: Mapping[str, Any], name: str, *, file: str, entry: str | None, default: str | None = None
) -> str:
    value = field(
        table, name, str, file=file, entry=entry, default=default if default is not None else ...
    )
    value = " ".join(value.split())
    if not value and default is None:
        raise DataFileError(file, "must not be empty", entry=entry, field=name)
    if len(value) > MAX_TEXT:
        raise DataFileError(
            file,
            f"{len(value)} characters, at most {MAX_TEXT}: a video "
            "model follows short, concrete lines best",
            entry=entry,
            field=name,
        )
    return value


def _texts(
    table: Mapping[str, Any], name: str, *, file: str, entry: str | None, lo: int, hi: int
) -> tuple[str, ...]:
    values = str_list(table, name, file=file, entry=entry, default=() if lo == 0 else None)
    if (values or lo) and not lo <= len(values) <= hi:
        raise DataFileError(
            file, f"has {len(values)} items, expected {lo}-{hi}", entry=entry, field=name
        )
    out = tuple(" ".join(v.split()) for v in values)
    for v in out:
        if not v:
            raise DataFileError(file, "contains an empty string", entry=entry, field=name)
        if len(v) > MAX_TEXT:
            raise DataFileError(
                file,
                f"an item is {len(v)} characters, at most {MAX_TEXT}",
                entry=entry,
                field=name,
            )
    return out


def _theme_id(value: str, *, file: str, entry: str | None, name: str) -> str:
    if not _ID.match(value):
        raise DataFileError(
            file,
            f"{value!r} is not a valid id: lower-case letters, digits and . _ - only",
            entry=entry,
            field=name,
        )
    return value


def _parse_style(table: Any, *, file: str, base: Style | None) -> Style:
    if not isinstance(table, dict):
        raise DataFileError(file, f"expected a table, got {type(table).__name__}", entry="style")
    _unknown_keys(table, _STYLE_KEYS, file=file, entry="style")
    values: dict[str, Any] = {}
    # audio = false: a silent theme. Its films are made without audio where the model can
    # leave it out, and their prompts carry no sound line (see prompts.sound_for), so it
    # needs no `sound`. Inherited like every other style key.
    values["audio"] = field(
        table, "audio", bool, file=file, entry="style", default=base.audio if base else True
    )
    for key in ("name", "look", "setting", "protagonist", "lighting", "sound"):
        if base is not None and key not in table:
            values[key] = getattr(base, key)
        elif key == "sound" and not values["audio"]:
            values[key] = _text(table, key, file=file, entry="style", default="")
        else:
            values[key] = _text(table, key, file=file, entry="style")
    if base is not None and "palette" not in table:
        values["palette"] = base.palette
    else:
        values["palette"] = _texts(table, "palette", file=file, entry="style", lo=3, hi=5)
    values["dialogue"] = (
        _text(table, "dialogue", file=file, entry="style", default="")
        if "dialogue" in table or base is None
        else base.dialogue
    )
    if "sound_by_beat" in table or base is None:
        values["sound_by_beat"] = _sound_by_beat(table, file=file)
    else:
        values["sound_by_beat"] = base.sound_by_beat
    return Style(**values)


def _sound_by_beat(table: Mapping[str, Any], *, file: str) -> tuple[tuple[str, str], ...]:
    """[style] sound_by_beat = { "error cascade" = "...", ... }: keys are story beats."""
    raw = field(table, "sound_by_beat", dict, file=file, entry="style", default={})
    out = []
    for beat in raw:
        if beat not in BEATS:
            raise DataFileError(
                file,
                f"unknown beat {beat!r}; known: {', '.join(BEATS)}",
                entry="style",
                field=f"sound_by_beat.{beat}",
            )
        out.append((beat, _text(raw, beat, file=file, entry="style")))
    return tuple(out)


def _parse_metaphor(raw: Any, index: int, *, file: str) -> Metaphor:
    entry = f"metaphor #{index + 1}"
    if not isinstance(raw, dict):
        raise DataFileError(file, f"expected a table, got {type(raw).__name__}", entry=entry)
    if isinstance(raw.get("id"), str) and raw["id"]:
        entry = raw["id"]
    _unknown_keys(raw, _METAPHOR_KEYS, file=file, entry=entry)
    mid = _theme_id(
        field(raw, "id", str, file=file, entry=entry), file=file, entry=entry, name="id"
    )
    matches = field(raw, "matches", dict, file=file, entry=entry, default={})
    _unknown_keys(matches, _MATCH_KEYS, file=file, entry=entry, where=" in matches")
    rule = MatchRule(
        kinds=_match_list(matches, "kinds", file=file, entry=entry),
        names=_match_list(matches, "names", file=file, entry=entry),
        words=tuple(w.lower() for w in _match_list(matches, "words", file=file, entry=entry)),
    )
    m = Metaphor(
        id=mid,
        matches=rule,
        gag=_text(raw, "gag", file=file, entry=entry),
        props=_texts(raw, "props", file=file, entry=entry, lo=1, hi=8),
        beat=field(raw, "beat", str, file=file, entry=entry),
        seconds=field(raw, "seconds", int, file=file, entry=entry),
        tone=_text(raw, "tone", file=file, entry=entry),
        actions=_texts(raw, "actions", file=file, entry=entry, lo=0, hi=4),
        roles=tuple(w.lower() for w in str_list(raw, "roles", file=file, entry=entry, default=())),
        polarity=field(
            raw, "polarity", str, file=file, entry=entry, default=default_polarity(rule)
        ),
        scene=_text(raw, "scene", file=file, entry=entry, default=""),
    )
    check_metaphor(m, file=file, entry=entry)
    return m


def _match_list(matches: Mapping[str, Any], name: str, *, file: str, entry: str) -> tuple[str, ...]:
    """A list in the matches table; errors call the field "matches.<name>" like the rest."""
    try:
        return str_list(matches, name, file=file, entry=entry, default=())
    except DataFileError as exc:
        where = f"{exc.file}, entry {exc.entry!r}, field {exc.field!r}: "
        message = str(exc)[len(where) :] if str(exc).startswith(where) else str(exc)
        raise DataFileError(file, message, entry=entry, field=f"matches.{name}") from None


def _read_metaphors(
    path: Path, *, allowed_top: Iterable[str] = ("metaphor",)
) -> tuple[Metaphor, ...]:
    """The [[metaphor]] entries of a mappings file (ids unique within it)."""
    data = load_toml(path)
    return _metaphors_of(data, file=str(path), allowed_top=set(allowed_top))


def _metaphors_of(
    data: Mapping[str, Any], *, file: str, allowed_top: set[str]
) -> tuple[Metaphor, ...]:
    extra = sorted(set(data) - allowed_top)
    if extra:
        hint = (
            " (a mappings file holds [[metaphor]] entries only; to change the style, "
            "write a theme with `extends`)"
            if allowed_top == {"metaphor"}
            else ""
        )
        raise DataFileError(file, f"unknown top-level key {extra[0]!r}{hint}", field=extra[0])
    raw = data.get("metaphor", [])
    if not isinstance(raw, list):
        raise DataFileError(
            file, "expected [[metaphor]] entries (an array of tables)", field="metaphor"
        )
    out = tuple(_parse_metaphor(r, i, file=file) for i, r in enumerate(raw))
    seen: dict[str, int] = {}
    for i, m in enumerate(out):
        if m.id in seen:
            raise DataFileError(
                file,
                f"duplicate id (metaphor #{seen[m.id] + 1} and #{i + 1})",
                entry=m.id,
                field="id",
            )
        seen[m.id] = i
    return out


def _looks_like_path(theme_or_path: str) -> bool:
    return theme_or_path.endswith(".toml") or "/" in theme_or_path or "\\" in theme_or_path


def _resolve(theme_or_path: str) -> tuple[Path, bool]:
    """(file, is_packaged) for a theme id or a path."""
    themes = packaged("metaphors")
    looks_like_path = _looks_like_path(theme_or_path)
    if not looks_like_path and theme_or_path in themes:
        return themes[theme_or_path], True
    path = Path(theme_or_path).expanduser()
    if looks_like_path or path.is_file():
        return path, False
    raise DataFileError(
        theme_or_path,
        f"no packaged theme of that name and no such file; packaged themes: {', '.join(themes)}",
    )


def _load_theme(theme_or_path: str, *, chain: tuple[str, ...]) -> MetaphorLibrary:
    path, is_packaged = _resolve(theme_or_path)
    if is_packaged:
        return _load_packaged(str(path), path.stat().st_mtime_ns)
    return _parse_theme(path, chain=chain)


@functools.lru_cache(maxsize=16)
def _load_packaged(path: str, mtime_ns: int) -> MetaphorLibrary:
    """Packaged themes are parsed once per process (keyed by mtime, so edits show up), and
    what the parse made is remembered between processes (_remembered)."""
    return _remembered(Path(path))


# A packaged theme as parsed and checked, remembered as JSON under the user cache dir's
# data/ (beside datafiles' parsed TOML): rebuilding its ~170 Metaphor objects from the
# plain values takes ~2 ms, parsing and checking them again ~16 ms of every plan (issue 14).
# The file is named by a digest of the theme file's text, its path and the source of the
# code that parses and checks it (this module, metaphors, metaphor_rules, datafiles) and the
# clip lengths and concept kinds the checks read, so an edited theme or rule is parsed afresh;
# JSON, not pickle, as datafiles says.
THEME_CACHE_FORMAT = 1
_PARSER_SOURCES = ("themes.py", "metaphors.py", "metaphor_rules.py", "../datafiles.py")


def _remembered(path: Path) -> MetaphorLibrary:
    """_parse_theme(path), from the cache file when one was made from the same text by the
    same code, else parsed (and remembered when nothing else went into it: no extends).
    The cache itself is datafiles' (remembered_path, recall, remember)."""
    from ..datafiles import recall, remember, remembered_path

    try:
        key = _theme_key(path)
    except (OSError, UnicodeDecodeError):  # unreadable: the parse says why, as before
        return _parse_theme(path, chain=())
    where = remembered_path(f"theme-{key}.json")
    data = recall(where)
    if data is not None:
        try:
            return _library_from(data, key)
        except (TypeError, KeyError, AttributeError):
            pass  # not ours (any JSON value): parse (and remember) again
    library = _parse_theme(path, chain=())
    if library.source == str(path):  # its own metaphors only, nothing merged in
        remember(where, _library_json(library, key))
    return library


def _theme_key(path: Path) -> str:
    import hashlib

    h = hashlib.blake2b(digest_size=16)
    h.update(f"{THEME_CACHE_FORMAT}\0{path}\0".encode("utf-8", "surrogateescape"))
    h.update(path.read_bytes())
    here = Path(__file__).parent
    for name in _PARSER_SOURCES:
        h.update(b"\0" + (here / name).read_bytes())
    # what the checks read from outside those sources (metaphor_rules: the clip lengths a
    # gag may ask for, the concept kinds it may play): a change to either checks again
    from .metaphor_rules import CONCEPT_KINDS, clip_seconds

    h.update(repr((tuple(clip_seconds()), tuple(CONCEPT_KINDS))).encode())
    return h.hexdigest()


def _library_json(library: MetaphorLibrary, key: str) -> dict[str, Any]:
    from dataclasses import asdict

    return {"key": key, **asdict(library)}


def _tuples(value: Any) -> Any:
    """JSON's lists back to the tuples every field of these records holds."""
    if isinstance(value, list):
        return tuple(_tuples(v) for v in value)
    return value


def _record(kind: type[Any], values: dict[str, Any]) -> Any:
    """kind(**values), lists made tuples, built as the dataclass's __init__ would (its
    fields' values in the instance's __dict__: ~170 frozen Metaphors through __init__ cost
    ~2 ms). A TypeError when values are not exactly kind's fields."""
    if values.keys() != kind.__dataclass_fields__.keys() or "__post_init__" in vars(kind):
        return kind(**{k: _tuples(v) for k, v in values.items()})
    made = object.__new__(kind)
    made.__dict__.update(
        {k: tuple(map(_tuples, v)) if type(v) is list else v for k, v in values.items()}
    )
    return made


def _library_from(data: dict[str, Any], key: str) -> MetaphorLibrary:
    """The MetaphorLibrary _library_json wrote (a KeyError or TypeError when it is not)."""
    if data.pop("key") != key:
        raise KeyError("key")
    style = _record(Style, data.pop("style"))
    metaphors = []
    for m in data.pop("metaphors"):
        m["matches"] = _record(MatchRule, m["matches"])
        metaphors.append(_record(Metaphor, m))
    return MetaphorLibrary(style=style, metaphors=tuple(metaphors), **data)


def _parse_theme(path: Path, *, chain: tuple[str, ...]) -> MetaphorLibrary:
    file = str(path)
    data = load_toml(path)
    theme = data.get("theme")
    if not isinstance(theme, dict):
        hint = (
            "; to add these metaphors to a packaged theme, start the file with [theme] and "
            'id = "mine", title = "Mine", extends = "kitchen" (or MetaphorLibrary.load('
            '"kitchen", extra=[file]) in Python)'
            if "metaphor" in data
            else ""
        )
        raise DataFileError(file, "missing [theme] table (id, title)" + hint, entry="theme")
    _unknown_keys(theme, _THEME_KEYS, file=file, entry="theme")
    tid = _theme_id(
        field(theme, "id", str, file=file, entry="theme"), file=file, entry="theme", name="id"
    )
    packaged_stem = path.stem if path.parent == Path(str(packaged_dir())) else None
    if packaged_stem is not None and tid != packaged_stem:
        raise DataFileError(
            file,
            f"theme id {tid!r} must equal the file name {packaged_stem!r}",
            entry="theme",
            field="id",
        )
    title = _text(theme, "title", file=file, entry="theme")
    base: MetaphorLibrary | None = None
    parent = field(theme, "extends", str, file=file, entry="theme", default="")
    if parent:
        ref = parent
        if _looks_like_path(parent) and not Path(parent).expanduser().is_absolute():
            # relative to the file that says it, as a user expects, not to the working folder
            ref = str(path.parent / parent)
        if os.path.abspath(ref) in {os.path.abspath(f) for f in (*chain, file)}:
            raise DataFileError(
                file,
                f"extends {parent!r} in a loop ({' -> '.join((*chain, file, parent))})",
                entry="theme",
                field="extends",
            )
        try:
            base = _load_theme(ref, chain=(*chain, file))
        except DataFileError as exc:
            if exc.file == ref:  # the name itself is wrong: say so from this file
                raise DataFileError(
                    file, str(exc).split(": ", 1)[-1], entry="theme", field="extends"
                ) from None
            raise
    if "style" in data:
        style = _parse_style(data["style"], file=file, base=base.style if base else None)
    elif base is not None:
        style = base.style
    else:
        raise DataFileError(file, "missing [style] table", entry="style")
    metaphors = _metaphors_of(data, file=file, allowed_top={"theme", "style", "metaphor"})
    if base is not None:
        return replace(base.merged(metaphors, file), theme=tid, title=title, style=style)
    return MetaphorLibrary(theme=tid, title=title, style=style, metaphors=metaphors, source=file)


def packaged_dir() -> Path:
    """Where the packaged themes live (sorafilm_nb/data/metaphors)."""
    from ..datafiles import data_dir

    return data_dir() / "metaphors"
