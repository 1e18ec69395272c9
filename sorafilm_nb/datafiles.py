"""Loading the TOML data files (themes, story templates, prices, lint word lists).

Data lives in files, not code, so users can add their own; a malformed file must say which
file, which entry and which field is wrong (DataFileError), never raise a bare KeyError.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from types import ModuleType
from typing import Any, TypeVar

from .errors import DataFileError

T = TypeVar("T")


def tomllib_module() -> ModuleType:
    """tomllib (tomli before 3.11), imported at first use: a warm plan finds every data file
    already parsed (loads below), and importing the parser costs ~4 ms (issue 14)."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib
    return tomllib


def toml_error() -> type[ValueError]:
    """tomllib.TOMLDecodeError, for ``except toml_error():`` (an except clause's expression
    is evaluated only when an exception reaches it, so the parser is still not imported)."""
    error: type[ValueError] = tomllib_module().TOMLDecodeError
    return error


def data_dir() -> Path:
    """The package's own data folder (sorafilm_nb/data).

    Beside this file when the package is a folder (always, installed or not): the same path
    importlib.resources gives, without its readers, which cost a plan 2-10 ms at first use
    (issue 14); importlib.resources otherwise (a zipped package)."""
    here = Path(__file__).parent / "data"
    if here.is_dir():
        return here
    from importlib import resources

    return Path(str(resources.files("sorafilm_nb") / "data"))


def packaged(kind: str) -> dict[str, Path]:
    """Packaged data files of one kind ("metaphors", "stories", "lint"): stem -> path."""
    folder = data_dir() / kind
    return {p.stem: p for p in sorted(folder.glob("*.toml"))}


def load_toml(path: str | Path) -> dict[str, Any]:
    """Parse a TOML file; a syntax error or unreadable file becomes a DataFileError.

    What tomllib made of a text is remembered as JSON under the user cache dir, named by a
    digest of the text (issue 14: tomllib, pure Python, takes 25-50 ms of every `sorafilm
    plan` for the themes, templates, prices and lint lists; json.loads, in C, a tenth of
    that). JSON, not pickle: a tampered cache file can change data, as editing the TOML can,
    but never run code. A value JSON cannot hold exactly (a date) is simply not remembered.
    """
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DataFileError(str(p), "file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise DataFileError(str(p), f"cannot read: {exc}") from None
    try:
        return loads(text)
    except toml_error() as exc:
        raise DataFileError(str(p), f"not valid TOML: {exc}") from None


def loads(text: str) -> dict[str, Any]:
    """tomllib.loads(text), remembered as load_toml says (for a loader with errors of its
    own: it raises tomllib.TOMLDecodeError, as tomllib.loads does)."""
    where = _parsed_path(text)
    data = recall(where)
    if isinstance(data, dict) and data.get("toml") == text:
        return data["data"]  # else not remembered yet or not ours: parse (and remember) again
    parsed: dict[str, Any] = tomllib_module().loads(text)
    # remembered when JSON gives exactly it back (not a date; not a float that is nan)
    remember(where, {"toml": text, "data": parsed}, exact=lambda back: back["data"] == parsed)
    return parsed


PARSED_FORMAT = 1


def _parsed_path(text: str) -> Path:
    key = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
    tag = f"{PARSED_FORMAT}-py{sys.version_info[0]}{sys.version_info[1]}"
    return remembered_path(f"{key}-{tag}.json")


# -- what a parse made, remembered between processes -----------------------------------------
# The one home of the cache both this module's TOML and story.themes' checked themes use:
# JSON files under the user cache dir's data/, each named by a digest of everything that went
# into it, written without fsync, and only advice: a reader checks the value is its own and
# parses again when it is not, so a lost, torn or foreign file costs a parse, never an error.


def remembered_path(name: str) -> Path:
    """Where a parse named name (a digest of its inputs) is remembered."""
    from .paths import default_cache_dir

    return default_cache_dir() / "data" / name


def recall(path: Path) -> Any:
    """The JSON value remembered at path; None when none is (missing, unreadable, no JSON)."""
    try:
        with open(path, "rb") as fh:
            return json.loads(fh.read())
    except (OSError, ValueError):
        return None


def remember(path: Path, value: Any, *, exact: Callable[[Any], bool] | None = None) -> None:
    """Write value as JSON at path for recall(), when exact (given the value as JSON gives it
    back) says nothing was lost. A failed write is no error: the next run parses again."""
    try:
        blob = json.dumps(value, ensure_ascii=False)
        if exact is not None and not exact(json.loads(blob)):
            return
        from .safeio import write_bytes

        path.parent.mkdir(parents=True, exist_ok=True)
        write_bytes(path, blob.encode("utf-8"), durable=False)  # checked on read: no fsync
    except (TypeError, ValueError, OSError):  # a date, or a read-only cache dir
        pass


def field(
    table: Mapping[str, Any],
    name: str,
    kind: type[T] | tuple[type, ...],
    *,
    file: str | Path,
    entry: str | None = None,
    default: Any = ...,
) -> T:
    """table[name], checked to be of kind; errors name the file, the entry and the field.

    bool is not accepted where int or float is asked (TOML's true is not a number), and an
    int is accepted where a float is asked.
    """
    if name not in table:
        if default is not ...:
            return default
        raise DataFileError(str(file), "missing required field", entry=entry, field=name)
    value = table[name]
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if float in kinds and int not in kinds:
        kinds = (*kinds, int)
    ok = isinstance(value, kinds) and not (isinstance(value, bool) and bool not in kinds)
    if not ok:
        wanted = " or ".join(k.__name__ for k in kinds)
        raise DataFileError(
            str(file),
            f"expected {wanted}, got {type(value).__name__} {value!r}",
            entry=entry,
            field=name,
        )
    return value


def str_list(
    table: Mapping[str, Any],
    name: str,
    *,
    file: str | Path,
    entry: str | None = None,
    default: tuple[str, ...] | None = None,
) -> tuple[str, ...]:
    """A list of strings field, as a tuple."""
    value = field(
        table,
        name,
        list,
        file=file,
        entry=entry,
        default=list(default) if default is not None else ...,
    )
    for item in value:
        if not isinstance(item, str):
            raise DataFileError(
                str(file), f"expected a list of strings, found {item!r}", entry=entry, field=name
            )
    return tuple(value)
