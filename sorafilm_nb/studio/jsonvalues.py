"""Plain JSON for the manifest: dataclasses, enums, Decimals and paths in, exact cents out.

Money is never a float here: cents go out as an int, or as a Decimal's exact string (they are
read back, checked, by folder.cents_from_json: a manifest is a file anyone can edit).
"""

from __future__ import annotations

import contextlib
import dataclasses
import enum
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..money.cost import Cost


def jsonable(obj: Any) -> Any:
    """Plain JSON data from dataclasses, enums, Decimals, paths and tuples (for the plan)."""
    if obj is None or isinstance(obj, (bool, int, str)):
        return obj
    if isinstance(obj, float):
        return obj if obj == obj and obj not in (float("inf"), float("-inf")) else str(obj)
    if isinstance(obj, Decimal):
        return cents_json(obj)
    if isinstance(obj, Cost):
        return {"cents": cents_json(obj.cents), "currency": obj.currency, "text": str(obj)}
    if isinstance(obj, enum.Enum):
        return obj.name
    if isinstance(obj, Path):
        return obj.as_posix()
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        out = {f.name: jsonable(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
        for prop in ("id", "blocked", "seconds"):  # useful derived values, when defined
            attr = getattr(type(obj), prop, None)
            if isinstance(attr, property) and prop not in out:
                # a derived value that cannot be computed is left out
                with contextlib.suppress(Exception):
                    out[prop] = jsonable(getattr(obj, prop))
        return out
    if isinstance(obj, Mapping):
        return {str(k): jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple, set, frozenset)):
        return [jsonable(v) for v in obj]
    return str(obj)


def cents_json(cents: Decimal | int | None) -> int | str | None:
    """Cents for JSON: an int when whole, else the exact Decimal as a string (never a float)."""
    if cents is None:
        return None
    d = Decimal(cents)
    return int(d) if d == d.to_integral_value() else str(d)
