"""A project's name as package registries compare names (PEP 503): "Flask" is flask,
"zope.interface" zope-interface. A leaf every stage may import: analysis writes a profile's
name in this form, the studio books spend under it, and the ledger stores this key beside
whatever spelling a job or a cap was booked under (migrations.m010) and matches caps, counts
their spend and groups reports by it: a cap on "Flask" counts the film booked as "flask"
and the spend booked as "Flask" before the studio booked the package's name."""

from __future__ import annotations

import re

__all__ = ["project_key"]

_RUNS = re.compile(r"[-_.]+")


def project_key(name: str) -> str:
    """``name`` in PEP 503's normal form: runs of "-", "_" and "." one "-", lower case."""
    return _RUNS.sub("-", name).lower()
