"""Executing a notebook as its author would and saving it, for the saved-notebook tests
(tests/test_saved_notebook*.py, one file per notebook so that xdist runs them side by side).

The notebook is copied into a temp project (a small real repository to film, notebooks/
beside it), executed by nbclient with the widget state stored as JupyterLab stores it,
written back to disk; ``Saved`` holds the saved text and every local folder the run could
have leaked. The checks every notebook must pass live here too.

This is the one execution of each notebook in ``make test``: it also makes the check nbval
(``--nbval-lax``) made on a second execution of its own, that every cell runs without an
error (``assert_every_cell_ran``). nbval still runs them where they are for anyone who asks
(``pytest --nbval-lax notebooks``; notebooks/conftest.py isolates that run).
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from provider_fixtures import SMALL_SCALE
from vocab_fixtures import SharedVocab

from sorafilm_nb.render import probe
from sorafilm_nb.sharing import KERNEL_ARGUMENTS

REPO_ROOT = Path(__file__).resolve().parent.parent
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
# Absolute paths under the usual roots, wherever they come from (a regex, not just the
# folders below, so a leak of a folder this test did not think of is caught too).
ABSOLUTE = re.compile(r"(?<![\w.:/-])/(?:tmp|root|home|work|Users|private|var/folders)/[\w.-]")

# An IPython startup file in the kernel's own IPYTHONDIR (the temp home's): before the first
# cell, the doubles the notebook starts (connect() in 01, Simulator() in 02 and 03) draw at
# SMALL_SCALE (256x144 for 1280x720), as every other film test's do, not a user's half size.
# What is checked here is the saved text, never a pixel; drawing, encoding and burning
# captions into 640x360 clips was about a third of each notebook's CPU. A kernel can't be
# monkeypatched from here, so it sets this itself (as provider_fixtures.SMALL_CLI does for a
# CLI child); the assert keeps it from silently patching nothing if the default moves.
SMALL_DOUBLES = f"""\
from sorafilm_nb.backends import connect, simulator
defaults = simulator.Simulator.__init__.__kwdefaults__
assert defaults["render_scale"] == connect.DOUBLE_RENDER_SCALE, defaults
connect.DOUBLE_RENDER_SCALE = defaults["render_scale"] = {SMALL_SCALE}
del connect, simulator, defaults
"""


class Saved:
    """The executed notebook as saved: its text, and the folders it must not name."""

    def __init__(self, path: Path, folders: list[str]) -> None:
        self.path = path
        self.text = path.read_text(encoding="utf-8")
        self.nb = json.loads(self.text)
        self.folders = folders

    def leaks(self, text: str) -> list[str]:
        found = [f for f in self.folders if f in text]
        found += [text[max(0, m.start() - 60) : m.end() + 60] for m in ABSOLUTE.finditer(text)]
        return found


def execute_and_save(
    name: str, tmp_path_factory: pytest.TempPathFactory, vocab: SharedVocab
) -> Saved:
    # here, not at the top: every xdist worker imports this module while collecting, and
    # nbformat + nbclient (with zmq, jupyter_client) were ~0.5 s of CPU for each
    import nbformat
    from nbclient import NotebookClient

    scratch = tmp_path_factory.mktemp("saved-notebook")
    project = scratch / "pantry"
    notebooks = project / "notebooks"
    notebooks.mkdir(parents=True)
    shutil.copy(REPO_ROOT / "notebooks" / name, notebooks / name)
    # A real repository to film (REPO = ".." in the notebook): this project's ui package.
    shutil.copytree(
        REPO_ROOT / "sorafilm_nb" / "ui", project / "pantry", ignore=shutil.ignore_patterns("*.pyc")
    )
    (project / "README.md").write_text("# Pantry\n\nKeeps track of the jars.\n")
    home = scratch / "home" / "alice"
    startup = home / ".ipython" / "profile_default" / "startup"
    startup.mkdir(parents=True)
    (startup / "00-small-doubles.py").write_text(SMALL_DOUBLES)
    vocab.seed(home / ".cache" / "sorafilm")  # the session's prepared one (vocab_fixtures.py)
    folders = {
        str(scratch),
        str(scratch.resolve()),
        str(REPO_ROOT),
        os.path.expanduser("~"),  # the real home, before the kernel gets its own
    }
    env = {
        "HOME": str(home),
        "IPYTHONDIR": str(home / ".ipython"),
        "MPLCONFIGDIR": str(home / ".matplotlib"),
        "SORAFILM_CACHE_DIR": str(home / ".cache" / "sorafilm"),
        "SORAFILM_DATA_DIR": str(home / ".local" / "share" / "sorafilm"),
        "SORAFILM_LEDGER": str(home / ".local" / "share" / "sorafilm" / "ledger.sqlite3"),
    }
    dropped = (
        "SORAFILM_NOTEBOOK_OUT",  # films go to notebooks/out/, as for a user
        "SORAFILM_REPO",
        "SORAFILM_SIM_LEDGER",
        "JPY_SESSION_NAME",
        "OPENAI_API_KEY",
        "OPENAI_BASE_URL",
        "SORAFILM_API_KEY",
    )
    with pytest.MonkeyPatch.context() as mp:  # the kernel inherits this environment
        for key, value in env.items():
            mp.setenv(key, value)
        for key in dropped:
            mp.delenv(key, raising=False)
        path = notebooks / name
        nb = nbformat.read(path, as_version=4)
        NotebookClient(
            nb,
            timeout=300,
            kernel_name="python3",
            # it exits as share's kernels do: without first collecting every object (0.5-2.5 s
            # of this test's wait, ~0.7 s of CPU), which the saved text cannot show
            extra_arguments=list(KERNEL_ARGUMENTS),
            store_widget_state=True,  # what JupyterLab saves with "save widget state"
            resources={"metadata": {"path": str(notebooks)}},
        ).execute()
        nbformat.write(nb, path)
    films = list((notebooks / "out").glob("*/film.mp4"))
    assert films, "the notebook made no film"
    # the startup file took: a 1280x720 film drawn at SMALL_SCALE (not silently half size)
    sizes = {(probe(f).width, probe(f).height) for f in films}
    assert sizes == {(256, 144)}, f"the kernel's doubles drew {sizes}, not at SMALL_SCALE"
    return Saved(path, sorted(folders | {str(home)}, key=len, reverse=True))


def assert_every_cell_ran(saved: Saved) -> None:
    """Every code cell of the shipped notebook ran, in order, and none raised: what
    ``pytest --nbval-lax`` checks on these notebooks (they are saved stripped, so it compares
    no output, and no cell is marked to raise or be skipped).

    The same 300 s a cell as ``make test`` gave nbval (``timeout`` above). nbclient stops
    at a cell that raises (its allow_errors is off), so such a notebook already fails in
    ``execute_and_save`` with the cell and its traceback; this says it outright, and that
    the saved copy is the shipped notebook with nothing skipped or left unrun.
    """
    import nbformat

    shipped = nbformat.read(REPO_ROOT / "notebooks" / saved.path.name, as_version=4)
    ran = nbformat.reads(saved.text, as_version=4)
    code = [cell for cell in ran.cells if cell.cell_type == "code"]
    assert [cell.source for cell in code] == [
        cell.source for cell in shipped.cells if cell.cell_type == "code"
    ]
    assert [cell.execution_count for cell in code] == list(range(1, len(code) + 1))
    errors = [o for cell in code for o in cell.outputs if o.output_type == "error"]
    assert errors == []


def outputs(nb: dict[str, Any], *, streams: bool) -> list[Any]:
    return [
        output
        for cell in nb["cells"]
        if cell["cell_type"] == "code"
        for output in cell.get("outputs", [])
        if streams or output.get("output_type") != "stream"
    ]


def assert_names_no_local_folder(saved: Saved) -> None:
    assert saved.leaks(saved.text) == []


def assert_summary_says_where_the_film_is(saved: Saved) -> None:
    # film.summary() names the film relative to the notebook's folder: a reader who gets the
    # notebook with its out/ folder finds the film there, as the author does.
    streams = "".join(
        "".join(o.get("text", "")) for o in outputs(saved.nb, streams=True) if "text" in o
    )
    shown = re.findall(r"; film: (\S+)", streams)
    assert len(shown) == 1 and re.fullmatch(r"out/[0-9a-f]+/film\.mp4", shown[0]), streams
    assert (saved.path.parent / shown[0]).is_file()
