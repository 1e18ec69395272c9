"""What stands below what users call (analysis.standing): a runtime twin's copies of the
originals' names (tenacity/asyncio/retry.py beside tenacity/retry.py) and abstract bases
(tenacity's retry_base), each on a small repository written in a tmp dir."""

from __future__ import annotations

from pathlib import Path

from sorafilm_nb.analysis.profile import analyze
from sorafilm_nb.analysis.standing import ABSTRACT_PENALTY, abstract_bases


def write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _checks(base: str, doc: str) -> str:
    """Classes of checks over base (whose own definition the caller writes)."""
    return "".join(
        f'class check_{n}({base}):\n    """{doc} {n}."""\n\n    def __call__(self, state):\n'
        "        return True\n\n"
        for n in ("result", "error", "any")
    )


def nag_repo(root: Path, readme: str) -> Path:
    """A retrying package: checks on an abstract base in nag/checks.py, the same names again
    on an async base in nag/asyncio/checks.py, and code that names them all."""
    write(
        root,
        "nag/__init__.py",
        "from .checks import check_base, check_result, check_error, check_any\n"
        "from .asyncio import AsyncNagger\n"
        '__all__ = ["check_base", "check_result", "check_error", "check_any", "AsyncNagger"]\n',
    )
    write(
        root,
        "nag/checks.py",
        "import abc\n\n"
        'class check_base(abc.ABC):\n    """Abstract base class for checks."""\n\n'
        "    @abc.abstractmethod\n    def __call__(self, state):\n        pass\n\n"
        + _checks("check_base", "Nag again on"),
    )
    write(
        root,
        "nag/asyncio/__init__.py",
        "from .checks import check_result, check_error, check_any\n\n"
        'class AsyncNagger:\n    """Nags coroutines."""\n',
    )
    write(
        root,
        "nag/asyncio/checks.py",
        "from nag import check_base\n\n"
        'class async_check_base(check_base):\n    """Abstract base class for async checks."""\n\n'
        + _checks("async_check_base", "Nag a coroutine again on"),
    )
    for i in range(4):
        write(
            root,
            f"tests/test_{i}.py",
            "from nag import check_base, check_result, check_error, check_any\n"
            "def test():\n    assert check_result()\n",
        )
    write(root, "README.md", readme)
    return root


def test_a_runtime_twin_does_not_stand_in_for_the_originals(tmp_path: Path) -> None:
    prof = analyze(nag_repo(tmp_path / "nag", "# nag\n\nNags.\n"), use_cache=False)
    files = {c.name: c.file for c in prof.concepts if c.kind == "class"}
    # the copies tied with the originals and won by the path's order ("asyncio/" < "checks")
    for name in ("check_result", "check_error", "check_any"):
        assert files[name] == "nag/checks.py", (name, files[name])
    assert sum(c.name == "check_result" for c in prof.concepts) == 1
    assert files["AsyncNagger"] == "nag/asyncio/__init__.py"  # a twin's own name stays


def test_an_abstract_base_stands_below_what_users_call(tmp_path: Path) -> None:
    readme = "# nag\n\n```python\nfrom nag import check_result\n\ncheck_result()\n```\n"
    prof = analyze(nag_repo(tmp_path / "nag", readme), use_cache=False)
    classes = [c.name for c in prof.concepts if c.kind == "class"]
    # every check subclasses it, so it shared their references and out-scored them
    assert classes.index("check_base") > classes.index("check_any"), classes
    assert classes.index("check_base") > classes.index("check_error"), classes


def _row(name: str, bases: tuple[str, ...] = (), in_readme: bool = False) -> tuple[object, ...]:
    """An api_pass row (rank.Raw and its five API fields) of a class scored 10."""
    return ("class", name, "pkg/m.py", 1, "", 10.0, 0, 0, "python", bases, 1, 3, True, True,
            in_readme, 0 if in_readme else -1, False)  # fmt: skip


def test_only_an_abstract_base_no_example_uses_loses_a_point() -> None:
    """pydantic's BaseModel, which the README's example subclasses; a base the docs' examples
    use; a Base-named class nothing subclasses (no base of anything): none loses a point."""
    rows = [
        _row("BaseModel", in_readme=True),
        _row("BaseLoader"),
        _row("BaseLonely"),
        _row("strategy", ("abc.ABC",)),
        _row("retry_base"),
    ]
    bases_of = {"RootModel": {"BaseModel"}, "DictLoader": {"BaseLoader"}, "a": {"strategy"}}
    bases_of["retry_if"] = {"retry_base"}
    got = {r[1]: r[5] for r in abstract_bases(rows, bases_of, {"BaseLoader": 2})}
    assert got == {
        "BaseModel": 10.0,
        "BaseLoader": 10.0,
        "BaseLonely": 10.0,
        "strategy": 10.0 - ABSTRACT_PENALTY,
        "retry_base": 10.0 - ABSTRACT_PENALTY,
    }
