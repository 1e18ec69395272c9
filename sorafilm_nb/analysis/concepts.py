"""The analysis's output: Concept, ScanWarning and RepoProfile, plain frozen records.

CONTRACT (shared with story/, ui/ and the CLI): fields may be added (with defaults); existing
ones keep their names and meaning. analyze() (analysis.profile) builds them; a RepoProfile
round-trips through JSON (the cache) and shows itself as a pandas table.
"""

from __future__ import annotations

import json
from dataclasses import MISSING, dataclass, field, fields
from typing import TYPE_CHECKING, Any

from ..errors import AnalysisError

if TYPE_CHECKING:
    import pandas as pd

# Concept.kind values
CONCEPT_KINDS = ("class", "exception", "function", "module", "theme")


@dataclass(frozen=True)
class Concept:
    """One thing found in the code that a shot can be about.

    kind is one of CONCEPT_KINDS: "exception" covers exception classes defined in the repo
    (never built-ins or a dependency's, however often raised); "theme" is a weighted docstring
    keyword; a method a README example calls is a "function" named ``Owner.method``.
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
    methods: int = 0  # classes: methods defined in the class body
    refs: int = 0  # other files that name it (modules: import it; themes: docstrings using it)
    # what the project tells its users (analysis/public.py); score already counts them
    public: bool = True  # not _private, not only in a _private module
    exported: bool = False  # in __all__, re-exported by the top __init__, or a JS entry export
    in_readme: bool = False  # a README code example uses it
    readme_order: int = -1  # 0-based order of first use in the README's examples; -1: unused
    decorator: bool = False  # a README example uses it as a decorator (@app.route)
    # the README's own sentence about it (under a heading naming it, else a sentence naming
    # it as code near its start), plain text: what a caption says when the docstring does not
    readme_sentence: str = ""
    # what a caller passes to it, when it has nothing else to say (no docstring, no README
    # sentence): the required parameter names of its definition or constructor, in order
    # (analysis.signature); a caption can say "built from a method and a URL"
    params: tuple[str, ...] = ()
    # the function a user calls to make it, when the code says so (zod's ``string`` is
    # ``ZodString.create``): "ZodString: what string() returns"
    made_by: str = ""
    # and the other way round, on that function: the class it returns ("string: returns a
    # ZodString")
    makes: str = ""
    # a class with nothing else to say: the public methods (``email()``) and properties
    # (``shape``) of its body that set it apart from the other subclasses of its base in its
    # file (analysis.signature), first few in order: "ZodString: has email(), url(), ..."
    members: tuple[str, ...] = ()
    # the first call of it in a README example, as written on its line, cut short
    # (analysis.readme_names.example_calls): where two concepts have the same to say
    # ("takes a key and options"), what the example passes tells them apart ("'port'")
    readme_call: str = ""
    # a class or module with no docstring sentence of its own: the first sentence of each of
    # its documented public members' comments, "name: sentence" ("get url: Get request
    # URL.", "command: Define a command."), in order (analysis.doc_members): what it does
    member_docs: tuple[str, ...] = ()
    # classes and functions: the project's errors it raises, its own raise sites and those of
    # the project classes it is built on (analysis.raisers): the story tells "Ledger raises
    # LedgerError" from this, never from the words two names share
    raises: tuple[str, ...] = ()

    def __repr__(self) -> str:
        """The dataclass's repr, every credential in it masked (redact): a notebook shows a
        concept (``profile.top(3)``) as this, and saves it with the notebook, and a
        docstring's key was in it as written. The fields keep the text: lint must see it."""
        from ..redact import redact

        shown = ", ".join(f"{f.name}={getattr(self, f.name)!r}" for f in fields(self))
        return redact(f"Concept({shown})")


@dataclass(frozen=True)
class ScanWarning:
    """A file that was skipped or only partly read, and why (never a crash)."""

    file: str
    reason: str


@dataclass(frozen=True)
class RepoProfile:
    """Everything the later steps need to know about a repository; JSON round-trips."""

    root: str
    name: str  # the published name, else the README's, else the directory; PEP 503 form
    title: str  # the published name (README casing), else README title, else the directory
    description: str  # README first paragraph, else ""
    concepts: tuple[Concept, ...]  # sorted by score, highest first
    files_scanned: int
    warnings: tuple[ScanWarning, ...] = ()
    themes: tuple[tuple[str, float], ...] = ()  # docstring keyword -> weight, highest first
    languages: tuple[tuple[str, int], ...] = ()  # language -> files
    tagline: str = ""  # the README's one-line promise (first sentence, <= 120 chars) or metadata's
    stats: dict[str, Any] = field(default_factory=dict, compare=False)
    # how to get it: "pip install Flask", "npm install zod"; "" unless the project says it
    # is published (analysis.project.install_line); the closing card says it (added field)
    install: str = ""
    # how a program starts using it, as the README's first JavaScript example writes it
    # ("const Koa = require('koa')"; analysis.entry_line), "" elsewhere: the tools card
    # says it, the closing card says install (added field)
    entry: str = ""

    def __repr__(self) -> str:
        # The default dataclass repr of a real profile runs to ~180,000 characters: the first
        # thing a notebook shows. The full data is in concepts_frame() and to_json().
        return (
            f"RepoProfile({self.name!r}, {self.files_scanned} files, "
            f"{len(self.concepts)} concepts, {len(self.warnings)} warnings)"
        )

    def top(self, n: int = 12, kinds: tuple[str, ...] | None = None) -> tuple[Concept, ...]:
        """The n highest-scoring concepts, optionally of the given kinds only."""
        chosen = [c for c in self.concepts if kinds is None or c.kind in kinds]
        return tuple(chosen[:n])

    def concepts_frame(self) -> pd.DataFrame:
        """The concepts as a pandas DataFrame, best first (pandas is imported here, lazily),
        every text masked (redact.masked): a notebook shows the frame, and saves it with
        the notebook, so a docstring's key would ride along in the .ipynb. The file column
        writes a control or bidi character of a file's name as an escape
        (terminal.printable): "rtl\\u202eyp.txt.py" was drawn as "rtlyp.txt.py" reversed, a
        .py file shown as a .txt one (the rest of a concept's text was cleaned by assemble)."""
        import pandas as pd

        from ..redact import masked
        from ..terminal import printable

        rows = [[masked(getattr(c, name)) for name in FRAME_COLUMNS] for c in self.concepts]
        frame = pd.DataFrame(rows, columns=list(FRAME_COLUMNS))
        frame["file"] = frame["file"].map(printable)
        frame["bases"] = frame["bases"].map(", ".join)  # one readable cell, not a tuple
        return frame

    def to_json(self) -> str:
        """A JSON document from which from_json() rebuilds an equal profile."""
        doc = {f.name: getattr(self, f.name) for f in fields(self)}
        doc["concepts"] = [{f: getattr(c, f) for f in _CONCEPT_FIELDS} for c in self.concepts]
        doc["warnings"] = [{"file": w.file, "reason": w.reason} for w in self.warnings]
        return json.dumps(doc, ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> RepoProfile:
        """The profile to_json() wrote; a malformed document raises AnalysisError."""
        try:
            d = json.loads(text)
            return cls(
                root=d["root"],
                name=d["name"],
                title=d["title"],
                description=d["description"],
                concepts=tuple(map(_concept, d["concepts"])),
                files_scanned=d["files_scanned"],
                warnings=tuple(ScanWarning(**w) for w in d.get("warnings", ())),
                themes=tuple((str(w), float(x)) for w, x in d.get("themes", ())),
                languages=tuple((str(k), int(n)) for k, n in d.get("languages", ())),
                tagline=str(d.get("tagline", "")),
                stats=dict(d.get("stats", {})),
                install=str(d.get("install", "")),
                entry=str(d.get("entry", "")),
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise AnalysisError(f"not a RepoProfile JSON document: {exc}") from None


_CONCEPT_FIELDS = tuple(f.name for f in fields(Concept))
_CONCEPT_DEFAULTS = {f.name: f.default for f in fields(Concept) if f.default is not MISSING}
_CONCEPT_REQUIRED = frozenset(_CONCEPT_FIELDS) - _CONCEPT_DEFAULTS.keys()
_CONCEPT_KNOWN = frozenset(_CONCEPT_FIELDS)


def _concept(c: dict[str, Any]) -> Concept:
    """Concept(**c) with words, bases, params, members and raises as tuples. A stored profile has
    hundreds (Django's 601), and a frozen dataclass's __init__ sets each of 19 fields through
    object.__setattr__: half of a warm analyze()'s from_json (issue 14). A dict with exactly
    the known fields (the required ones among them) fills the instance's __dict__ directly,
    as __init__ would (Concept has no __post_init__); anything else goes through __init__,
    which raises the TypeError from_json reports."""
    keys = c.keys()
    if not (_CONCEPT_REQUIRED <= keys <= _CONCEPT_KNOWN):
        return Concept(
            **{
                **c,
                "words": tuple(c.get("words", ())),
                "bases": tuple(c.get("bases", ())),
                "params": tuple(c.get("params", ())),
                "members": tuple(c.get("members", ())),
                "member_docs": tuple(c.get("member_docs", ())),
                "raises": tuple(c.get("raises", ())),
            }
        )
    concept = object.__new__(Concept)
    fields_of = concept.__dict__
    fields_of.update(_CONCEPT_DEFAULTS)
    fields_of.update(c)
    fields_of["words"] = tuple(c.get("words", ()))
    fields_of["bases"] = tuple(c.get("bases", ()))
    fields_of["params"] = tuple(c.get("params", ()))
    fields_of["members"] = tuple(c.get("members", ()))
    fields_of["member_docs"] = tuple(c.get("member_docs", ()))
    fields_of["raises"] = tuple(c.get("raises", ()))
    return concept


FRAME_COLUMNS = (
    "name",
    "kind",
    "file",
    "line",
    "score",
    "raised",
    "caught",
    "refs",  # other files that name it
    "methods",  # classes: methods in the class body
    "bases",  # classes: base classes, comma-separated
    "language",
    "summary",
)
