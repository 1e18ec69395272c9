"""Ranking rules of issue 12 (round 2), each on a small repository written in a tmp dir: what
users touch outweighs what the implementation touches; JavaScript classes and functions handed
out as the module itself; chained calls on the package's entry export."""

from __future__ import annotations

from pathlib import Path

from sorafilm_nb.analysis.profile import analyze


def write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def names(prof) -> list[str]:  # type: ignore[no-untyped-def]
    return [c.name for c in prof.concepts]


# ------------------------------------------------------- users' references vs the package's own


def plumbing_repo(root: Path) -> Path:
    """``Stream`` is the implementation's type annotation in six of the package's modules;
    ``Loader`` is what three test files use. Both are exported, neither is in the README."""
    write(
        root,
        "pkg/__init__.py",
        "from .types import Stream\nfrom .load import Loader\n__all__ = ['Stream', 'Loader']\n",
    )
    write(root, "pkg/types.py", 'class Stream:\n    """A byte stream."""\n')
    write(root, "pkg/load.py", 'class Loader:\n    """Loads templates."""\n')
    for i in range(6):
        write(
            root,
            f"pkg/mod{i}.py",
            "from .types import Stream\n\n"
            f"def step{i}(s: Stream) -> Stream:\n    return s\n",
        )
    for i in range(3):
        write(
            root,
            f"tests/test_load{i}.py",
            "import pkg\n\n"
            f"def test_{i}():\n    assert pkg.Loader()\n",
        )
    write(root, "README.md", "# pkg\n\nA package.\n")
    return root


def test_what_users_touch_outweighs_what_the_implementation_touches(tmp_path: Path) -> None:
    order = names(analyze(plumbing_repo(tmp_path), use_cache=False))
    assert order.index("Loader") < order.index("Stream"), order


def test_without_shipped_user_code_the_package_references_are_all_there_is(
    tmp_path: Path,
) -> None:
    root = plumbing_repo(tmp_path)
    for i in range(3):
        (root / f"tests/test_load{i}.py").unlink()
    order = names(analyze(root, use_cache=False))
    assert order.index("Stream") < order.index("Loader"), order
