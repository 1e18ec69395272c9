"""Read a code repository into a RepoProfile: the concepts a film can be made of.

CONTRACT (shared with metaphors.py, story.py, ui/): the dataclasses below are the interface.
Fields may be added (with defaults); existing ones keep their names and meaning.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

# Concept.kind values
CONCEPT_KINDS = ("class", "exception", "function", "module", "theme")


@dataclass(frozen=True)
class Concept:
    """One thing found in the code that a shot can be about.

    kind is one of CONCEPT_KINDS: "exception" covers exception classes defined in the repo and
    exceptions raised or caught there (builtins included: ImportError caught 3 times is a
    concept); "theme" is a weighted docstring keyword.
    """

    name: str
    kind: str
    file: str  # posix path relative to the repo root ("" for themes spread over many files)
    line: int  # 1-based; 0 when not tied to one line
    summary: str  # one line: docstring summary, or what was counted ("raised 4×, caught 3×")
    score: float  # higher = more central (used, imported, documented)
    raised: int = 0
    caught: int = 0
    words: tuple[str, ...] = ()  # lower-case keywords from names and docstrings, for matching
    language: str = "python"
    bases: tuple[str, ...] = ()


@dataclass(frozen=True)
class ScanWarning:
    """A file that was skipped or only partly read, and why (never a crash)."""

    file: str
    reason: str


@dataclass(frozen=True)
class RepoProfile:
    """Everything the later steps need to know about a repository; JSON round-trips."""

    root: str
    name: str
    title: str  # README title, else the directory name
    description: str  # README first paragraph, else ""
    concepts: tuple[Concept, ...]  # sorted by score, highest first
    files_scanned: int
    warnings: tuple[ScanWarning, ...] = ()
    themes: tuple[tuple[str, float], ...] = ()  # docstring keyword -> weight, highest first
    languages: tuple[tuple[str, int], ...] = ()  # language -> files
    stats: dict[str, Any] = field(default_factory=dict, compare=False)

    def top(self, n: int = 12, kinds: tuple[str, ...] | None = None) -> tuple[Concept, ...]:
        """The n highest-scoring concepts, optionally of the given kinds only."""
        chosen = [c for c in self.concepts if kinds is None or c.kind in kinds]
        return tuple(chosen[:n])

    def concepts_frame(self) -> pd.DataFrame:  # pragma: no cover - implemented by issue 2
        raise NotImplementedError

    def to_json(self) -> str:  # pragma: no cover - implemented by issue 2
        raise NotImplementedError

    @classmethod
    def from_json(cls, text: str) -> RepoProfile:  # pragma: no cover - implemented by issue 2
        raise NotImplementedError


def analyze(path: str, *, cache_dir: str | None = None, use_cache: bool = True) -> RepoProfile:
    """Scan the repository at path into a RepoProfile (see the module docstring)."""
    raise NotImplementedError  # pragma: no cover - implemented by issue 2
