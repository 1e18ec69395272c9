"""Exceptions a caller of sorafilm-nb may want to catch.

    SorafilmError
    ├── DataFileError        a data file (metaphors, stories, prices) is malformed
    ├── AnalysisError        the path to analyze does not exist or is not a directory
    ├── UnknownMetaphor      a metaphor id or concept name the library or casting does not hold
    ├── TokenizerError       the bundled vocabulary is missing or does not match its hash
    ├── PlanError            a storyboard cannot be built (template cannot fit the target, ...)
    ├── CostError            an amount that is not money (not finite, too large for the ledger)
    ├── PriceError           an unknown model or size, or a price that is not money
    ├── LedgerError          the ledger file is corrupt or foreign (never overwritten)
    │   ├── BudgetExceeded   a reservation would pass the month's limit; nothing was written
    │   │   └── ProjectCapExceeded  it would pass one project's cap inside a team budget
    │   ├── Disconnected     a team ledger's connection broke mid-write (re-run inside, then this)
    │   └── LedgerMissing    no ledger there yet, and the caller (a read) asked not to make one
    ├── BackendError         see sorafilm_nb.backends.base for the API error tree
    ├── FilmError            an output folder or manifest cannot be used
    ├── RenderError          ffmpeg failed or a media file could not be read
    └── ShareError           a notebook cannot be shared (missing, not a notebook, leaks a key)

SorafilmError, DataFileError, AnalysisError, PlanError and LedgerError are defined here; each
other class lives beside the code that raises it and is imported from there.
tests/test_errors_tree.py checks that this tree (with the backends' tree) names every subclass
of SorafilmError under its real parent.

Every message is meant to be read by a person: it says what was wrong and where, and never
contains an API key.
"""

from __future__ import annotations


class SorafilmError(Exception):
    """Base class for every error this package raises on purpose."""


class DataFileError(SorafilmError, ValueError):
    """A data file is malformed. The message names the file, the entry and the field."""

    def __init__(
        self, file: str, message: str, *, entry: str | None = None, field: str | None = None
    ) -> None:
        self.file = str(file)
        self.entry = entry
        self.field = field
        where = self.file
        if entry is not None:
            where += f", entry {entry!r}"
        if field is not None:
            where += f", field {field!r}"
        super().__init__(f"{where}: {message}")


class AnalysisError(SorafilmError, ValueError):
    """The repository path cannot be analyzed at all (missing, not a directory)."""


class PlanError(SorafilmError, ValueError):
    """A plan or storyboard cannot be built from the given inputs."""


class LedgerError(SorafilmError):
    """The ledger file cannot be used (corrupt, foreign, newer schema). It is never overwritten."""
