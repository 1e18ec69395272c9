"""The package's shape: light import, pinned public API, conda env in sync with pyproject."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10 (supported): the same parser, from PyPI
    import tomli as tomllib

import sorafilm_nb

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("ipywidgets", "matplotlib", "pandas", "openai", "IPython", "tiktoken")


def test_import_is_light() -> None:
    code = (
        "import sys, sorafilm_nb, sorafilm_nb.cli;"
        f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"import sorafilm_nb pulled in: {out.stdout.strip()}"


def test_public_api_is_pinned() -> None:
    assert sorafilm_nb.__all__ == sorted(
        [
            "BudgetExceeded",
            "CastEntry",
            "Casting",
            "Concept",
            "Cost",
            "Film",
            "Ledger",
            "Metaphor",
            "MetaphorLibrary",
            "Plan",
            "PriceTable",
            "RepoProfile",
            "ScanWarning",
            "Shot",
            "ShotProgress",
            "Simulator",
            "StoryTemplate",
            "Storyboard",
            "Studio",
            "Tier",
            "analyze",
            "cast",
            "plan",
            "share",
            "storyboard",
        ]
    )


def test_functions_named_like_their_module_stay_functions() -> None:
    """`sf.plan` is the function even after `sorafilm_nb.story.planning` was imported."""
    code = (
        "import sorafilm_nb.story.planning, sorafilm_nb.sharing, sorafilm_nb as sf;"
        "from sorafilm_nb.story.planning import Plan;"
        "print(callable(sf.plan), callable(sf.share), sf.plan.__module__, Plan.__name__)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["True", "True", "sorafilm_nb.story.planning", "Plan"]


def test_every_public_name_resolves() -> None:
    for name in sorafilm_nb.__all__:
        value = getattr(sorafilm_nb, name)
        assert getattr(value, "__name__", name) == name, name


def test_unknown_attribute_is_an_attribute_error() -> None:
    try:
        sorafilm_nb.no_such_thing  # noqa: B018
    except AttributeError as exc:
        assert "no_such_thing" in str(exc)
    else:  # pragma: no cover
        raise AssertionError("expected AttributeError")


def _names(reqs: list[str]) -> list[str]:
    return sorted(r.replace(" ", "") for r in reqs)


def test_environment_yml_matches_pyproject() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = list(project["dependencies"])
    for extra in ("notebook", "dev"):
        wanted += project["optional-dependencies"][extra]
    import yaml  # here, not at the top: every xdist worker collects this module

    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    conda_pip = [r for r in pip_section if r != "-e ."]
    assert _names(conda_pip) == _names(wanted)


def test_ci_runs_the_readme_test_command() -> None:
    assert "make test" in (ROOT / ".ci" / "run").read_text()
    readme = (ROOT / "README.md").read_text()
    first_screen = "\n".join(readme.splitlines()[:40])
    assert "make demo" in first_screen and "make test" in first_screen
