"""How to get the project (RepoProfile.install, the closing card's line): "pip install Flask"
or "npm install @acme/kit" from the packaging metadata, and only for a package the project
says is published (a PKG-INFO naming it, or the README's own install command for it), never
for a name that every pyproject.toml or package.json has to carry.

Each test writes a small repository in a tmp dir and reads it through analyze()."""

from __future__ import annotations

import json
import resource
from pathlib import Path

import pytest

from sorafilm_nb.analysis.concepts import RepoProfile
from sorafilm_nb.analysis.profile import analyze
from sorafilm_nb.analysis.project import Metadata, install_line

PYPROJECT = '[project]\nname = "Kit"\nversion = "1.0"\n'
PKG_INFO = "Metadata-Version: 2.1\nName: Kit\nVersion: 1.0\n\n# Kit\n\npip install other\n"


def repo(root: Path, readme: str = "# Kit\n\nKit makes kits.\n", **meta: str) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "README.md").write_text(readme, encoding="utf-8")
    (root / "kit.py").write_text('def run():\n    """Run the kit."""\n', encoding="utf-8")
    for name, text in meta.items():
        (root / name.replace("_", ".").replace(".INFO", "-INFO")).write_text(text, encoding="utf-8")
    return root


def said(root: Path) -> str:
    """The install line of the repository at root, as its README.md says it."""
    return install_line(Metadata(root), (root / "README.md").read_text())


def test_an_sdist_names_its_package_so_the_film_says_how_to_get_it(tmp_path: Path) -> None:
    """The eval's Python sources are sdists from PyPI: their PKG-INFO is the published
    metadata, even where the README gives no install command (Flask's, attrs')."""
    root = repo(tmp_path / "sdist", pyproject_toml=PYPROJECT, PKG_INFO=PKG_INFO)
    profile = analyze(root, use_cache=False)
    assert profile.install == "pip install Kit"
    assert RepoProfile.from_json(profile.to_json()).install == "pip install Kit"
    # requests' setup.py names no literal name (name=about["__title__"]): the PKG-INFO does
    bare = repo(tmp_path / "bare", PKG_INFO=PKG_INFO.replace("Kit", "kit_tools"))
    assert analyze(bare, use_cache=False).install == "pip install kit_tools"


def test_the_readmes_own_install_command_says_it_is_published(tmp_path: Path) -> None:
    for command in ("pip install -U kit", "python -m pip install Kit", "uv add kit"):
        root = repo(
            tmp_path / command.replace(" ", "_"),
            f"# Kit\n\n    $ {command}\n",
            pyproject_toml=PYPROJECT,
        )
        assert said(root) == "pip install Kit", command
    scoped = repo(
        tmp_path / "npm",
        "# kit\n\n```sh\nnpm i --save @acme/kit\n```\n",
        package_json=json.dumps({"name": "@acme/kit", "version": "1.0.0"}),
    )
    # the scope is part of what npm installs (the title keeps only "kit")
    profile = analyze(scoped, use_cache=False)
    assert (profile.title, profile.install) == ("kit", "npm install @acme/kit")


def test_a_name_nobody_says_is_published_gets_no_install_line(tmp_path: Path) -> None:
    """Every pyproject.toml needs a name (this repository's is sorafilm-nb, installed from a
    clone): a film telling viewers to `pip install` it sends them to whatever someone
    registers under that name."""
    plain = repo(tmp_path / "plain", pyproject_toml=PYPROJECT)
    assert analyze(plain, use_cache=False).install == ""
    other = repo(tmp_path / "other", "# Kit\n\npip install kit-cli\n", pyproject_toml=PYPROJECT)
    assert analyze(other, use_cache=False).install == ""  # another package's command
    wrong = repo(
        tmp_path / "wrong", pyproject_toml=PYPROJECT, PKG_INFO=PKG_INFO.replace("Kit", "Kat")
    )
    assert analyze(wrong, use_cache=False).install == ""  # a PKG-INFO of another name
    nothing = repo(tmp_path / "nothing", "# Kit\n\npip install kit\n")
    assert analyze(nothing, use_cache=False).install == ""  # no metadata names a package


def test_a_package_marked_private_is_never_published(tmp_path: Path) -> None:
    app = repo(
        tmp_path / "app",
        "# kit\n\nnpm install kit\n",
        package_json=json.dumps({"name": "kit", "private": True}),
    )
    assert analyze(app, use_cache=False).install == ""
    internal = PYPROJECT + 'classifiers = ["Private :: Do Not Upload"]\n'
    tool = repo(
        tmp_path / "tool", "# Kit\n\npip install kit\n", pyproject_toml=internal, PKG_INFO=PKG_INFO
    )
    assert analyze(tool, use_cache=False).install == ""


def test_a_hostile_readme_costs_no_more_than_reading_it(tmp_path: Path) -> None:
    """2 MB of install commands each followed by a run of spaces and a near-miss: the pattern
    never backtracks over the spaces more than once per command (CPU time, not wall)."""
    root = repo(tmp_path / "hostile", pyproject_toml=PYPROJECT)
    readme = ("pip install -U -q" + " " * 5000 + "kitten\n") * 380
    assert len(readme) > 1_900_000
    before = resource.getrusage(resource.RUSAGE_SELF).ru_utime
    assert install_line(Metadata(root), readme) == ""
    assert resource.getrusage(resource.RUSAGE_SELF).ru_utime - before < 2.0


def test_only_a_name_npm_accepts_is_ever_said_to_install(tmp_path: Path) -> None:
    """npm refuses a name that is not URL-safe ASCII (validate-npm-package-name), yet the rule
    here took any letter (``\\w`` is Unicode): "rеact" with a Cyrillic "е", whose README said
    ``npm install rеact``, closed its film on "npm install rеact", a name that reads as React
    and installs whatever a squatter published. An option ("--global": npm installs the
    viewer's current folder) or a "~name" (the shell's home folder of a user) is no package
    either. None of them is a name, so no line and no title from it."""
    for name in ("rеact", "@evil/rеact", "@еvil/react", "--global", "-g", "~root", "@~x/y"):
        root = repo(
            tmp_path / str(len(list(tmp_path.iterdir()))),
            f"# kit\n\n```sh\nnpm install {name}\n```\n",
            package_json=json.dumps({"name": name, "version": "1.0.0"}),
        )
        profile = analyze(root, use_cache=False)
        assert profile.install == "", name
        assert name.rsplit("/", 1)[-1] not in profile.title, name
    # what npm accepts still is: old capitals, dots, a scope
    for name in ("JSONStream", "lodash.merge", "@acme/film-kit", "a~b"):
        root = repo(
            tmp_path / str(len(list(tmp_path.iterdir()))),
            f"# kit\n\nnpm install {name}\n",
            package_json=json.dumps({"name": name}),
        )
        assert said(root) == f"npm install {name}"


def test_a_build_reads_each_metadata_file_once_and_parses_it_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """flask's build read pyproject.toml five times and parsed it four (its name, its
    summary, twice for its install line), and an npm package's package.json was read ten
    times: one analysis reads each metadata file once (project.Metadata) and parses it at
    most once. Counted, not timed; the real analyze()."""
    import tomllib

    from sorafilm_nb.analysis import project

    root = repo(
        tmp_path / "both",
        "# Kit\n\npip install kit\n",
        pyproject_toml=PYPROJECT,
        package_json=json.dumps({"name": "kit", "main": "index.js", "description": "Kits."}),
        PKG_INFO=PKG_INFO,
    )
    (root / "index.js").write_text("module.exports = function kit() {}\n", encoding="utf-8")
    opened: list[str] = []
    parsed: list[str] = []
    real_open, real_loads = project.open_inside, tomllib.loads

    def open_inside(where: str, rel: str) -> tuple[int, object]:
        opened.append(rel)
        return real_open(where, rel)

    def loads(text: str) -> dict[str, object]:
        parsed.append(text)
        return real_loads(text)

    monkeypatch.setattr(project, "open_inside", open_inside)
    monkeypatch.setattr(tomllib, "loads", loads)
    profile = analyze(root, use_cache=False)
    assert profile.install == "pip install Kit"
    metadata = [rel for rel in opened if rel in project.METADATA_FILES]
    assert sorted(metadata) == sorted(project.METADATA_FILES), opened
    assert len(parsed) == 1
