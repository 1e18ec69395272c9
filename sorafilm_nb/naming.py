"""A project's name as package registries compare names (PEP 503): "Flask" is flask,
"zope.interface" zope-interface. A leaf every stage may import: analysis writes a profile's
name in this form, and the ledger books spend and matches project caps in it, so a cap set
on "Flask" is the cap of the film booked as "flask" (caps compare names exactly)."""

from __future__ import annotations

import re

__all__ = ["project_key"]

_RUNS = re.compile(r"[-_.]+")


def project_key(name: str) -> str:
    """``name`` in PEP 503's normal form: runs of "-", "_" and "." one "-", lower case."""
    return _RUNS.sub("-", name).lower()
