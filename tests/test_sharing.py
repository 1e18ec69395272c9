"""share(): an executed notebook becomes one offline HTML page with the film's storyboard."""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import Any

import pytest
from ui_fixtures import make_film

from sorafilm_nb.cli import share as share_command
from sorafilm_nb.sharing import (
    MissingFilmWarning,
    ShareError,
    UntrustedNotebookWarning,
    _static_outputs,
    share,
)


def _notebook(folder: Path, code: str) -> Path:
    import nbformat  # here, not at the top: every xdist worker collects this module

    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Our film\nMade on the simulator."),
        nbformat.v4.new_code_cell(code),
    ]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    path = folder / "tour.ipynb"
    nbformat.write(nb, path)
    return path


PLAYER_CODE = """\
# NBVAL_IGNORE_OUTPUT
from sorafilm_nb.ui import VideoPlayer, JobProgress
from sorafilm_nb import charts
import ipywidgets
display(ipywidgets.IntSlider())  # a plain widget: no static face, dropped from the page
display(VideoPlayer("out/film1"))
bars = JobProgress()  # displayed before the run, as the quickstart does, then moved by it
display(bars)
from types import SimpleNamespace
bars(SimpleNamespace(shot_id="shot-01", status="completed", progress=100))
charts.cumulative_spend(None)
"""


# An IPython startup file for the executing kernel: startup files run before the kernel's
# exec_lines, so the exit handler it registers runs after share's (atexit runs the last
# registered first) and sees what that did to the garbage collector.
EXIT_PROBE = """\
import atexit, gc, os, pathlib
probe = pathlib.Path(os.environ["SHARE_EXIT_PROBE"])
atexit.register(lambda: probe.write_text(str(gc.get_freeze_count())))
"""


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("share")
    make_film(folder / "out" / "film1", captions=True)
    nb = _notebook(folder, PLAYER_CODE)
    ipython = folder / "ipython"
    (ipython / "profile_default" / "startup").mkdir(parents=True)
    (ipython / "profile_default" / "startup" / "00-exit-probe.py").write_text(EXIT_PROBE)
    with pytest.MonkeyPatch.context() as mp:  # the kernel inherits this environment
        mp.setenv("IPYTHONDIR", str(ipython))
        mp.setenv("SHARE_EXIT_PROBE", str(folder / "frozen-at-exit.txt"))
        page = share(nb, folder / "pages" / "tour.html", timeout=120)
    return nb, page


def test_the_kernel_exits_without_collecting_every_object(executed: tuple[Path, Path]) -> None:
    """share waits for the kernel to exit; its garbage collector is frozen at exit (after
    every handler a cell registers), so it does not walk every module's objects first."""
    nb, _page = executed
    assert int((nb.parent / "frozen-at-exit.txt").read_text()) > 10_000


@pytest.mark.slow
def test_page_holds_prose_storyboard_posters_prompts_and_costs(executed: tuple[Path, Path]) -> None:
    _nb, page = executed
    text = page.read_text()
    assert "Made on the simulator." in text
    assert "NBVAL" not in text  # test markers are not for readers
    assert "Storyboard: plan plan-abc" in text
    assert "Shot 2: the milk won" in text  # the prompt
    assert "$0.80" in text and "$0.40" in text
    posters = re.findall(r"(?:src|poster)=[\"']data:image/jpeg;base64,", text)
    assert len(posters) >= 3  # the player's poster plus one per shot
    assert "data:image/png;base64," in text  # the chart, embedded


def test_page_shows_the_progress_bars_as_the_run_left_them(executed: tuple[Path, Path]) -> None:
    """Issue ux 4: the page said "0 of 9 shots done / shot-01 0% waiting" (the face the bars
    had when displayed) above the cell's "9/9 shots completed"."""
    _nb, page = executed
    text = page.read_text()
    assert "1 of 1 shots done" in text and "<td>shot-01</td><td>100%</td>" in text
    assert "0 of 0 shots done" not in text


@pytest.mark.slow
def test_page_is_offline_and_links_the_film(executed: tuple[Path, Path]) -> None:
    _nb, page = executed
    text = page.read_text()
    assert not re.search(r"<script[^>]+src=\"https?:", text)
    assert "widget-view+json" not in text
    assert "IntSlider(value=0" not in text  # the plain widget's text repr is not shown
    # the video is linked relative to the page, not to the notebook
    assert re.search(r"<video[^>]+src=[\"']\.\./out/film1/film\.mp4[\"']", text)
    assert (page.parent / "../out/film1/film.mp4").resolve().is_file()
    # and its captions track, beside it, shown by default
    track = re.search(r"<track[^>]*>", text)
    assert track and 'kind="captions"' in track[0] and "default" in track[0]
    assert 'src="../out/film1/film.vtt"' in track[0]
    assert "ftyp" not in text and page.stat().st_size < 400_000
    assert page.stat().st_mode & 0o044 == 0o044  # readable by others: it is meant to be shared


def test_cli_share_without_executing(
    executed: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    nb, _page = executed
    # the notebook on disk has no outputs: exported as is, with an extra film folder
    out = tmp_path / "plain.html"
    parser = argparse.ArgumentParser(prog="sorafilm")
    share_command.register(parser.add_subparsers())
    args = parser.parse_args(
        [
            "share",
            str(nb),
            "-o",
            str(out),
            "--no-execute",
            "--film",
            str(nb.parent / "out" / "film1"),
        ]
    )
    code = args.func(args)
    from sorafilm_nb.paths import shown_path

    # printed as every path is printed: relative to where the user stands when it can be
    assert code == 0 and capsys.readouterr().out.strip() == shown_path(out)
    text = out.read_text()
    assert "Storyboard: plan plan-abc" in text and "<video" not in text


def test_key_shaped_output_is_refused_and_nothing_written(tmp_path: Path) -> None:
    nb = _notebook(tmp_path, "print('sk-' + 'proj' + 'A1b2C3d4E5f6G7h8I9j0K1l2')")
    out = tmp_path / "leak.html"
    with pytest.raises(ShareError, match="shaped like an API key"):
        share(nb, out, execute=True, timeout=60)
    assert not out.exists() and not list(tmp_path.glob(".leak.html*"))


def test_missing_or_broken_notebook(tmp_path: Path) -> None:
    with pytest.raises(ShareError, match="no such notebook"):
        share(tmp_path / "nope.ipynb")
    bad = tmp_path / "bad.ipynb"
    bad.write_text("{not json")
    with pytest.raises(ShareError, match="not a readable notebook"):
        share(bad)


def test_a_bad_out_path_or_film_folder_is_refused_before_any_work(tmp_path: Path) -> None:
    """Both are checked before the notebook runs (a run can take minutes)."""
    nb = _notebook(tmp_path, "raise SystemExit('must not run')")
    a_file = tmp_path / "notes.txt"
    a_file.write_text("keep me\n")
    with pytest.raises(ShareError, match=r"notes.txt.*not a folder"):
        share(nb, a_file / "page.html", execute=True)
    with pytest.raises(ShareError, match=r"is a folder"):
        share(nb, tmp_path, execute=True)
    with pytest.raises(ShareError, match=r"no-such-film.*not a film folder"):
        share(nb, tmp_path / "page.html", execute=True, films=[tmp_path / "no-such-film"])
    assert a_file.read_text() == "keep me\n" and not (tmp_path / "page.html").exists()


def _player_output(film: Path, notebook_dir: Path) -> Any:
    """A VideoPlayer's output as Jupyter saves it: the widget view and its static face."""
    import nbformat

    from sorafilm_nb.ui import VideoPlayer

    player = VideoPlayer(film, base_dir=notebook_dir)
    data, _meta = player._repr_mimebundle_()
    return nbformat.v4.new_output("display_data", data=data)


def test_page_in_another_tree_names_no_local_folder_and_does_not_link_the_film(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The notebook and its film are in the user's home; the page is written outside it.
    # "../../home/alice/project/out/film1/film.mp4" would name the user: no link, the poster.
    home = tmp_path / "home" / "alice"
    monkeypatch.setenv("HOME", str(home))
    project = home / "project"
    film = make_film(project / "out" / "film1", (4,))
    import nbformat

    nb = _notebook(project, "display(player)")
    notebook = nbformat.read(nb, as_version=4)
    notebook.cells[1].outputs = [_player_output(film, project)]
    nbformat.write(notebook, nb)
    broken = home / "films" / "broken"  # an unreadable film folder, named in the page
    broken.mkdir(parents=True)
    (broken / "manifest.json").write_text("{not json")
    beside = tmp_path / "srv" / "other" / "broken"
    beside.mkdir(parents=True)
    (beside / "manifest.json").write_text("{not json")
    # saved by nbformat, not from Jupyter: no signature here, so shared sanitized (the
    # player's static face survives it: poster, "not linked" note, storyboard)
    with pytest.warns(UntrustedNotebookWarning):
        page = share(
            nb, tmp_path / "srv" / "pages" / "tour.html", execute=False, films=[broken, beside]
        )
    text = page.read_text()
    assert str(tmp_path) not in text and "alice" not in text
    assert "Storyboard: plan plan-abc" in text and "Shot 1: the milk won" in text
    assert not re.search(r"<video[^>]+ src=", text)
    assert "<a href" not in text.split("Storyboard")[1]
    assert text.count("Not linked: only a path naming the author") == 2  # player, storyboard
    assert re.search(r"poster=[\"']data:image/jpeg;base64,", text)  # the reader sees a frame
    assert (
        "Film at ~/films/broken could not be read: ~/films/broken/manifest.json: not valid JSON"
        in text
    )
    assert "Film at ../other/broken could not be read: ../other/broken/manifest.json" in text


def test_an_unreadable_film_only_the_disk_root_reaches_is_named_by_its_folder(
    tmp_path: Path,
) -> None:
    from sorafilm_nb.sharing import _film_section

    folder = Path("/usr/share/sorafilm-no-such-film")  # a tree apart from the page's
    shown = _film_section(folder, tmp_path / "pages")
    assert "Film at …/sorafilm-no-such-film could not be read: …/sorafilm-no-such-film/" in shown
    assert "/usr/share" not in shown


def test_a_refused_share_does_not_import_nbformat(tmp_path: Path) -> None:
    """Importing nbformat costs 1.5-4 s of CPU (jsonschema builds rfc3987_syntax's Lark
    parsers): a notebook that is not there is refused before that is paid."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from sorafilm_nb.sharing import ShareError, share\n"
        "try:\n"
        f"    share({str(tmp_path / 'missing.ipynb')!r})\n"
        "except ShareError as exc:\n"
        "    print('refused:', exc)\n"
        "print('nbformat' in sys.modules, 'jsonschema' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert "no such notebook" in done.stdout
    assert done.stdout.splitlines()[-1] == "False False", done.stdout


def _hostile_notebook(folder: Path) -> Path:
    """A notebook as a repository someone else wrote ships it: outputs saved by its author,
    a script and JavaScript among them, raw HTML and a javascript: link in its prose."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("show()")
    cell.outputs = [
        nbformat.v4.new_output(
            "display_data",
            data={
                "text/html": "<script>window.__pwned=1</script><b>hi</b>"
                "<img src='http://evil/pixel.png'><video src='//evil/v.mp4' "
                "poster='https:\\\\evil/p.jpg' controls></video><table><tr><td>1</td></tr></table>"
            },
        ),
        nbformat.v4.new_output("display_data", data={"application/javascript": "window.__pwned=1"}),
    ]
    nb.cells = [
        nbformat.v4.new_markdown_cell(
            "# Demo <img src=x onerror=window.__pwned=1> [x](javascript:alert(1))"
        ),
        cell,
    ]
    path = folder / "demo.ipynb"
    nbformat.write(nb, path)
    return path


def _live(page: Path) -> list[str]:
    from hostile_repo import live_tags

    # TeX is inert here: the page loads no MathJax (test_page_is_offline_and_links_the_film)
    return [t for t in live_tags(page.read_text()) if not t.startswith("TeX")]


def test_an_untrusted_notebooks_outputs_are_shared_inert(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`sorafilm share` of a notebook from a repository the user did not write put its
    author's saved outputs on the page as they were: a <script>, an <img onerror>, a
    javascript: link, live for whoever opened the page (JupyterLab itself runs none of it
    in a notebook it does not trust). Untrusted now means sanitized, and said."""
    monkeypatch.setenv("JUPYTER_DATA_DIR", str(tmp_path / "jupyter"))
    nb = _hostile_notebook(tmp_path)
    page = tmp_path / "page.html"
    with pytest.warns(UntrustedNotebookWarning, match="not trusted here"):
        share(nb, page, execute=False)
    assert _live(page) == []
    text = page.read_text()
    assert "<b>hi</b>" in text and "<td>1</td>" in text  # the harmless markup stays
    assert "evil/" not in text  # nothing fetched from elsewhere when the page opens


def test_a_notebook_signed_here_is_shared_as_it_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The user's own notebook (saved from Jupyter on this machine, so signed) keeps its
    outputs as they are: the sanitized export is for notebooks no one trusted here."""
    import nbformat
    from nbformat.sign import NotebookNotary

    monkeypatch.setenv("JUPYTER_DATA_DIR", str(tmp_path / "jupyter"))
    nb = _hostile_notebook(tmp_path)
    node = nbformat.read(nb, as_version=4)
    (tmp_path / "jupyter").mkdir()
    with NotebookNotary(data_dir=str(tmp_path / "jupyter")) as notary:
        notary.sign(node)
    nbformat.write(node, nb)
    page = tmp_path / "page.html"
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        share(nb, page, execute=False)
    assert "<script>" in _live(page)


def test_a_run_notebooks_markdown_is_shared_inert(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A notebook with no outputs is run before it is shared, and running it counted as
    trusting all of it: the <script> and <img onerror> its author wrote in the markdown
    went live on the page, with no warning. Running it makes its outputs; the markdown is
    still the author's, and Jupyter never trusts HTML in markdown either."""
    import nbformat

    monkeypatch.setenv("JUPYTER_DATA_DIR", str(tmp_path / "jupyter"))
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell(
            '# Demo\n\n<img src="https://evil/p.png" onerror="window.__pwned=1">\n\n'
            "<script>window.__pwned=1</script>\n\n<div><b>kept</b> words</div>"
        ),
        nbformat.v4.new_code_cell("from IPython.display import HTML\nHTML('<i>made here</i>')"),
    ]
    path = tmp_path / "demo.ipynb"
    nbformat.write(nb, path)
    page = tmp_path / "page.html"
    share(path, page)
    assert _live(page) == []
    text = page.read_text()
    assert "<b>kept</b>" in text and "<i>made here</i>" in text


@pytest.mark.parametrize(
    "url",
    [
        "https&#58;//evil.example/x.png",
        "https&colon;//evil.example/x.png",
        "ht&#9;tps://evil.example/x.png",
        "/&#9;/evil.example/x.png",
        "/\t/evil.example/x.png",
        "/\n/evil.example/x.png",
        "\x01//evil.example/x.png",
        "&#1;//evil.example/x.png",
        " \t//evil.example/x.png",
        "///evil.example/x.png",
        "/\\/evil.example/x.png",
    ],
)
def test_a_sanitized_page_fetches_nothing_from_elsewhere(url: str) -> None:
    """The scheme and host were tested on the attribute as written, and a browser reads it
    otherwise: character references decoded, a tab or line break dropped anywhere, controls
    stripped at the ends. Each of these kept its src, and the page opened told evil.example
    so. A path beside the page and a data: image stay."""
    from sorafilm_nb.sharing import inert_html

    for tag in (f'<img src="{url}">', f'<video poster="{url}"></video>'):
        assert "evil" not in inert_html(tag), tag
    kept = '<img src="film/poster.jpg"><img src="data:image/png;base64,AAAA">'
    assert inert_html(kept) == kept


def test_a_player_whose_film_is_not_beside_the_notebook_says_so_and_warns(
    tmp_path: Path,
) -> None:
    """A new user ran `jupyter nbconvert --execute --output-dir /tmp/nb` and shared the copy:
    its player's film was where the notebook ran, and the page linked "nb/out/.../film.mp4",
    which did not exist, without a word. The page now says so in the player's place, and the
    share warns, naming the film it looked for."""
    import nbformat

    ran_here = tmp_path / "project"
    film = make_film(ran_here / "out" / "film1", (4,))
    output = _player_output(film, ran_here)  # "out/film1/film.mp4", relative to ran_here
    copy_dir = tmp_path / "copy"
    copy_dir.mkdir()
    nb = _notebook(copy_dir, "display(player)")
    notebook = nbformat.read(nb, as_version=4)
    notebook.cells[1].outputs = [output]
    nbformat.write(notebook, nb)
    with (
        pytest.warns(UntrustedNotebookWarning),  # saved by nbformat: no signature here
        pytest.warns(MissingFilmWarning, match=r"out/film1/film\.mp4, not found beside"),
    ):
        page = share(nb, copy_dir / "tour.html", execute=False)
    text = page.read_text()
    assert not re.search(r"<video[^>]+ src=", text)
    assert "Not found: the film this player showed is not beside the notebook" in text
    assert "could not be read" not in text  # no storyboard section for a folder not there


@pytest.mark.parametrize("reach", ["absolute", "climbing", "linked", "too long"])
def test_an_untrusted_players_film_path_reads_nothing_outside_the_notebooks_folder(
    tmp_path: Path, reach: str
) -> None:
    """A notebook from a repository the user did not write carries its author's player
    outputs: a data-sorafilm-film naming one of the user's other films ("/home/u/films/x",
    "../films/x", or a folder the repository links there) put that film's storyboard (its
    prompts, titles, costs and frames) into the page the user shares, and a name longer
    than the system's limit stopped the share with an OSError naming the notebook's folder.
    Such a path is treated as a film not there: the page says so, and the share warns."""
    import nbformat

    private = make_film(tmp_path / "home" / "films" / "private", (4,))
    manifest = private / "manifest.json"
    manifest.write_text(manifest.read_text().replace("the milk won't pour", "PRIVATE WORDS"))
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "films").symlink_to(private.parent, target_is_directory=True)
    output = _player_output(make_film(repo / "out" / "film1", (4,)), repo)
    path = {
        "absolute": str(private / "film.mp4"),
        "climbing": "../home/films/private/film.mp4",
        "linked": "films/private/film.mp4",
        "too long": "a" * 5000 + "/film.mp4",
    }[reach]
    output.data["text/html"] = output.data["text/html"].replace("'out/film1/film.mp4'", f"'{path}'")
    assert path in output.data["text/html"]
    nb = _notebook(repo, "display(player)")
    notebook = nbformat.read(nb, as_version=4)
    notebook.cells[1].outputs = [output]
    nbformat.write(notebook, nb)
    with (
        pytest.warns(UntrustedNotebookWarning),
        pytest.warns(MissingFilmWarning, match="not found beside the notebook"),
    ):
        page = share(nb, tmp_path / "pages" / "tour.html", execute=False)
    text = page.read_text()
    assert "PRIVATE WORDS" not in text and "Storyboard: plan" not in text
    assert "Not found: the film this player showed is not beside the notebook" in text


def test_an_untrusted_players_captions_track_reads_nothing_outside_the_notebooks_folder(
    tmp_path: Path,
) -> None:
    """Its film beside the notebook, its track naming one of the user's other films'
    captions ("../home/films/private/film.vtt"): the share read that film's manifest and the
    page linked its captions. A track not below the notebook's folder is dropped."""
    import nbformat

    private = make_film(tmp_path / "home" / "films" / "private", (4,), captions=True)
    assert (private / "film.vtt").is_file()
    repo = tmp_path / "repo"
    repo.mkdir()
    output = _player_output(make_film(repo / "out" / "film1", (4,), captions=True), repo)
    face = output.data["text/html"]
    output.data["text/html"] = face.replace(
        "src='out/film1/film.vtt'", "src='../home/films/private/film.vtt'"
    )
    assert output.data["text/html"] != face
    nb = _notebook(repo, "display(player)")
    notebook = nbformat.read(nb, as_version=4)
    notebook.cells[1].outputs = [output]
    nbformat.write(notebook, nb)
    with pytest.warns(UntrustedNotebookWarning):
        page = share(nb, tmp_path / "pages" / "tour.html", execute=False)
    text = page.read_text()
    assert "private/film.vtt" not in text
    assert re.search(r"<video[^>]+ src=", text)  # its own film still plays


def test_a_player_naming_thousands_of_films_is_read_in_one_pass(tmp_path: Path) -> None:
    """A hostile notebook's player face naming 16,000 films (none there): each went over the
    whole face again (a re.sub apiece), 44 s of CPU in the share; one pass now, and each
    player still says its film is not found."""
    import time

    import nbformat

    n = 16000
    face = "".join(
        f"<div data-sorafilm-film='f{i}/film.mp4'><video src='f{i}/film.mp4'></video></div>"
        for i in range(n)
    )
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("display(player)")
    view = {"model_id": "m", "version_major": 2, "version_minor": 0}
    cell.outputs = [
        nbformat.v4.new_output(
            "display_data",
            data={"text/html": face, "application/vnd.jupyter.widget-view+json": view},
        )
    ]
    nb.cells = [cell]
    missing: list[str] = []
    start = time.process_time()
    films = _static_outputs(nb, tmp_path, tmp_path / "pages", missing, trusted=False)
    spent = time.process_time() - start
    page = nb.cells[0].outputs[0]["data"]["text/html"]
    assert films == [] and len(missing) == n
    assert page.count("Not found: the film this player showed") == n and "<video src" not in page
    assert spent < 5.0, spent  # CPU time; ~1 s (a stat of each path), 27 s before


def test_a_shot_file_linked_out_of_its_film_folder_gives_no_frame(tmp_path: Path) -> None:
    """A repository's film folder beside its notebook, whose shot-01.mp4 is a link to a video
    of the user's elsewhere (a git repository holds links): the storyboard embedded a frame of
    that video in the page the user shares. A shot is its folder's own file or has no frame."""
    import nbformat

    private = make_film(tmp_path / "home" / "videos", (4,))
    repo = tmp_path / "repo"
    film = make_film(repo / "film", (4,))
    (film / "shot-01.mp4").unlink()
    (film / "shot-01.mp4").symlink_to(private / "shot-01.mp4")
    nb = _notebook(repo, "display(player)")
    notebook = nbformat.read(nb, as_version=4)
    notebook.cells[1].outputs = [_player_output(film, repo)]
    nbformat.write(notebook, nb)
    with pytest.warns(UntrustedNotebookWarning):
        page = share(nb, repo / "tour.html", execute=False)
    board = page.read_text().split("Storyboard: plan")[1]
    assert "<img alt='shot-01'" not in board and "data:image/jpeg" not in board
    assert "<em>no frame</em>" in board
