"""A real little package to analyze, with more concepts than cast()'s default 8: the films
whose 8 s clips (Veo, Runway) need the cast to grow (planning._grown, film_casting)."""

from __future__ import annotations

from pathlib import Path

#: (name, kind, docstring): a package's public API, enough concepts for an 11-clip film
TOOLS_API = [
    ("fetch", "def", "Download a page over HTTP and return its body."),
    ("store", "def", "Save a record to the disk cache."),
    ("retry", "def", "Call a function again until it succeeds or the attempts run out."),
    ("parse", "def", "Split a document into its sections."),
    ("render", "def", "Draw a chart of the numbers as an image."),
    ("schedule", "def", "Run a job every morning at a fixed time."),
    ("merge", "def", "Join two sorted lists into one sorted list."),
    ("validate", "def", "Check that a form has every required field filled."),
    ("compress", "def", "Shrink a file with gzip before it is sent."),
    ("encrypt", "def", "Lock a message with a secret key."),
    ("Queue", "class", "A line of jobs waiting their turn, first in first out."),
    ("Timer", "class", "Measures how long a block of code takes."),
    ("Mailer", "class", "Sends email through an SMTP server."),
    ("Inventory", "class", "Counts the items on each shelf of a store."),
]


def tools_package(
    root: Path, api: list[tuple[str, str, str]] | None = None, *, errors: bool = True
) -> Path:
    """A real package whose README's example uses its first names (what analyze reads);
    ``errors=False``: a project without errors of its own (no ToolError, nothing raised)."""
    api = TOOLS_API if api is None else api
    pkg = root / "tools"
    pkg.mkdir(parents=True)
    names = [n for n, _, _ in api]
    (root / "README.md").write_text(
        "# Tools\n\nSmall tools for busy programs.\n\n```python\nimport tools\n\n"
        f"tools.{api[0][0]}('x')\n```\n"
    )
    body = [f'"""Tools: small tools for busy programs."""\n\n__all__ = {names!r}\n']
    if errors:
        body.append('\nclass ToolError(Exception):\n    """A tool could not finish its job."""\n')
    for name, kind, doc in api:
        if kind == "class":
            body.append(f'\nclass {name}:\n    """{doc}"""\n\n    def run(self):\n        pass\n')
        else:
            fail = "    if not value:\n        raise ToolError(value)\n" if errors else ""
            body.append(f'\ndef {name}(value):\n    """{doc}"""\n{fail}    return value\n')
    (pkg / "__init__.py").write_text("".join(body))
    return root
