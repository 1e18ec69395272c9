"""Share a notebook as one self-contained HTML page, for people without Jupyter.

What the page holds: the notebook's prose, code and outputs (nbconvert's "lab" template,
CSS inlined, charts as embedded PNGs), then, for each film the notebook shows, a storyboard:
one small poster frame per shot, its beat, title, length, model, size, estimated and billed
cost, and the full prompt. Widgets cannot run without a kernel, so each sorafilm widget's
static HTML fallback (which the widgets put in their own output bundles) replaces it, as it
stood when the notebook was saved where the widget keeps it in its saved state (progress bars
move after they are displayed), and plain widgets without one are dropped. No script is
loaded from a CDN (no require.js, MathJax, or widget manager), so the page opens offline. The
film itself stays a file referenced by a relative path, never embedded: a 30 MB mp4 does not
belong inside a web page.

The page is meant to be passed around, so it names no local folder (sorafilm_nb.paths): a
film only the author's absolute path reaches (page and film in different trees, "../../.."
up to the root or down through the home folder) is shown by its poster, not linked, and an
unreadable film folder is named relative to the page, from "~", or by its own name.

A notebook not trusted here (not run by the share, nor signed: inert.signed; a repository's,
its outputs its author's words) is shared with its HTML made inert and reaches only films below
its own folder, links resolved (_beside); a player whose film is not there says "Not found" in
its place and the share warns naming it. A storyboard's poster frames come from the film
folder's own shot files only (studio.folder.inside).
"""

from __future__ import annotations

import contextlib
import html
import os
import re
import sys
import tempfile
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from .errors import SorafilmError
from .inert import inert_html, live, signed
from .markup import html_template, html_text, safe_html
from .paths import notebook_relative, replace_folders, shown_path, without_local_folders
from .redact import redact
from .terminal import printable

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
_FILM_ATTR = re.compile(r"data-sorafilm-film='([^']*)'")
# a film's src in a player's face; groups: the space before a video's src, the path, the
# video's end (with its captions track) when it ends there
_VIDEO_SRC = re.compile(r"( ?)src='([^']*)'(>(?:<track[^>]*>)?</video>)?")
# the player's captions track (ui/player.py's static template): film.vtt beside the film;
# groups: the tag's start, " default" when shown, the rest up to src, the path, the end
_TRACK = re.compile(r"(<track kind='captions')( default)?([^>]* src=')([^']*)('>)")
SHOT_POSTER_WIDTH = 320
NOT_FOUND = (
    "Not found: the film this player showed is not beside the notebook (it was run in another "
    "folder, or the film was deleted)."
)
NOT_LINKED = (
    "Not linked: only a path naming the author's own folders reaches the film from this "
    "page; save the page beside the film's folder (or in a folder above it) to link it."
)

_TEMPLATE = """{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block markdowncell scoped -%}{{ super() | clean_html }}{%- endblock markdowncell -%}
{%- block body_footer -%}
{{ resources.sorafilm_appendix }}
{{ super() }}
{%- endblock body_footer -%}
"""

_CSS = """<style>
.sorafilm-share { max-width: 1100px; margin: 2em auto; padding: 0 1em;
  font-family: var(--jp-ui-font-family, system-ui, sans-serif); }
.sorafilm-share table { border-collapse: collapse; width: 100%; }
.sorafilm-share th, .sorafilm-share td { border-bottom: 1px solid #ddd; padding: 6px;
  vertical-align: top; text-align: left; }
.sorafilm-share td.num { text-align: right; white-space: nowrap; }
.sorafilm-share img { max-width: 320px; border-radius: 3px; }
.sorafilm-share pre { white-space: pre-wrap; font-size: 0.85em; margin: 0; }
</style>"""


class ShareError(SorafilmError):
    """The notebook cannot be shared (missing, not a notebook, would leak a key)."""


def share(
    notebook: str | os.PathLike[str],
    out: str | os.PathLike[str] | None = None,
    *,
    execute: bool | None = None,
    films: list[str | os.PathLike[str]] | None = None,
    timeout: int = 600,
    on_progress: Callable[[str], object] | None = None,
) -> Path:
    """Export ``notebook`` to a self-contained HTML page at ``out`` and return its path.

    execute: run the notebook first (None: only when no code cell has outputs, as in the
    committed, stripped notebooks). films: film folders to add a storyboard for, besides the
    ones the notebook's players show. Nothing is written if the page would contain something
    shaped like an API key. on_progress, if given, is told which cell runs ("cell 3 of 12").
    """
    src = Path(notebook)
    if not src.is_file():
        raise ShareError(f"{src}: no such notebook")
    target = Path(out) if out is not None else src.with_suffix(".html")
    _check_target(target)
    for f in films or []:
        if not (Path(f) / "manifest.json").is_file():
            raise ShareError(f"{f}: not a film folder (no manifest.json there)")
    # after the checks: importing nbformat imports jsonschema, whose format checkers build
    # rfc3987_syntax's Lark parsers (1.5-4 s of CPU), not worth paying to say "no such file"
    import nbformat

    try:
        nb = nbformat.read(src, as_version=4)
    except Exception as exc:  # nbformat raises several kinds for a broken file
        raise ShareError(f"{src}: not a readable notebook: {exc}") from None
    if execute is None:
        execute = not any(c.get("outputs") for c in nb.cells if c.cell_type == "code")
    if execute:
        _execute(nb, src.parent, timeout, on_progress)
    # Trust is for outputs only: running the notebook here made them, or Jupyter signed
    # them. The HTML in its markdown is the author's, whoever ran it, and is always shared
    # sanitized (_TEMPLATE), as Jupyter never trusts it either.
    trusted = execute or signed(nb)
    missing: list[str] = []
    film_paths = _static_outputs(nb, src.parent, target.parent, missing, trusted=trusted)
    if missing:
        import warnings

        names = ", ".join(printable(m) for m in missing[:3]) + (", ..." if missing[3:] else "")
        warnings.warn(
            MissingFilmWarning(
                f"{src}: its player shows {names}, not found beside the notebook (was it run "
                "in another folder?); the page says so in the film's place. Share the "
                "notebook where it ran, or add a film's storyboard with --film DIR"
            ),
            stacklevel=2,
        )
    if not trusted and live(nb):
        import warnings

        warnings.warn(
            UntrustedNotebookWarning(
                f"{src} is not trusted here (Jupyter holds no signature of it from this "
                "machine): its HTML and JavaScript outputs are shared sanitized; run it "
                "(--execute) or open and save it in Jupyter to share them as they are"
            ),
            stacklevel=2,
        )
    folders = [Path(f) for f in films or []]
    for rel in film_paths:
        folder = (src.parent / rel).parent
        if folder not in folders:
            folders.append(folder)
    appendix = "".join(_film_section(f, target.parent) for f in folders)
    body = _render(nb, appendix, src.stem, sanitize=not trusted)
    if redact(body) != body:
        raise ShareError(
            f"{src}: the exported page would contain something shaped like an "
            "API key or credential; clear that output and try again. Nothing written."
        )
    try:
        _atomic_write(target, body)
    except OSError as exc:
        raise ShareError(f"cannot write {target}: {exc.strerror or exc}") from None
    return target


# What the kernel process itself says on its stderr (not a cell's output, which goes into the
# notebook) that means nothing to the person sharing: loopback TCP is how every local kernel
# talks, and the Jupyter warning about it would read like a security problem of theirs.
_KERNEL_NOISE = ("Kernel is running over TCP without encryption",)

# Run by the kernel as it starts (IPython's exec_lines: no cell, no execution count, no name
# left in the notebook's namespace): at exit, the cyclic garbage collector is frozen first.
# A kernel told to shut down otherwise spends its last 0.5-2.5 s (about 0.7 s of CPU with
# pandas, matplotlib and the OpenAI SDK loaded) collecting every module's objects one by one,
# while the share waits for it to go. Nothing is lost: the atexit handlers and
# weakref.finalize callbacks (the simulator's temp folders, a ledger's connection) still run,
# and the objects freed at exit are freed by the process ending. Registered before any cell
# runs, so every handler a cell registers runs before it.
KERNEL_ARGUMENTS = (
    "--IPKernelApp.exec_lines="
    "import atexit as _atexit, gc as _gc; _atexit.register(_gc.freeze); del _atexit, _gc",
)


def _execute(
    nb: Any, cwd: Path, timeout: int, on_progress: Callable[[str], object] | None = None
) -> None:
    from nbclient import NotebookClient

    code = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]

    def started(cell: Any, cell_index: int, **_: Any) -> None:
        if on_progress is not None and cell_index in code:
            on_progress(f"cell {code.index(cell_index) + 1} of {len(code)}")

    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        extra_arguments=list(KERNEL_ARGUMENTS),
        resources={"metadata": {"path": str(cwd)}},
        on_cell_start=started,
    )
    # The kernel's own log goes to a file, not the terminal; what is not known noise is
    # passed on afterwards (a kernel that dies says why there).
    with tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace") as log:
        try:
            client.execute(stderr=log)
        finally:
            log.seek(0)
            for line in log:
                if line.strip() and not any(noise in line for noise in _KERNEL_NOISE):
                    sys.stderr.write(line)


def _static_outputs(
    nb: Any, nb_dir: Path, out_dir: Path, missing: list[str], *, trusted: bool
) -> list[str]:
    """Replace widget views by their static HTML; return the films the players showed.

    A player's video path is relative to the notebook; it is rewritten relative to the page.
    One that is not beside the notebook (a copy run elsewhere, the film folder deleted, or
    for a notebook not trusted here, outside its folder: _beside) is added to missing, and
    the page says so where the player was, never a dead link.
    """
    films: list[str] = []
    saved = nb.metadata.get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {})
    states = saved.get("state", {}) if isinstance(saved, dict) else {}
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        # nbval's cell markers are for the test run, not for the reader
        cell.source = "\n".join(
            line for line in cell.source.splitlines() if not line.strip().startswith("# NBVAL_")
        )
        kept = []
        for output in cell.get("outputs", []):
            data = output.get("data")
            if data is None or WIDGET_MIME not in data:
                kept.append(output)
                continue
            if "text/html" not in data:
                continue  # a plain widget with no static face: nothing to show without a kernel
            view = data.pop(WIDGET_MIME)
            page_html = data["text/html"]
            if isinstance(page_html, list):
                page_html = "".join(page_html)
            page_html = _latest_face(states, view) or page_html
            said: dict[str, tuple[str, str]] = {}  # a film as written -> its src, or a note
            for old in dict.fromkeys(_FILM_ATTR.findall(page_html)):  # escaped by its template
                rel = html.unescape(old)
                if not _beside(nb_dir, rel, trusted=trusted):  # run elsewhere (into /tmp)
                    missing.append(rel)
                    said[old] = ("", NOT_FOUND)
                    continue
                films.append(rel)
                moved = notebook_relative(nb_dir / rel, out_dir)
                # not moved: only the author's whole path would reach it: the poster, no link
                said[old] = (html_text(moved), "") if moved else ("", NOT_LINKED)
            if said:
                page_html = _VIDEO_SRC.sub(partial(_placed, said=said), page_html)
            page_html = _TRACK.sub(
                lambda m: _moved_track(m, nb_dir, out_dir, trusted=trusted), page_html
            )
            data["text/html"] = page_html
            data.pop("text/plain", None)
            kept.append(output)
        cell["outputs"] = kept
    nb.metadata.pop("widgets", None)
    return films


def _placed(m: re.Match[str], said: dict[str, tuple[str, str]]) -> str:
    """A _VIDEO_SRC match as the page writes it: the film's src moved relative to the page,
    or, in the player's place, the note why it is not linked (its captions track goes too).

    Why one pass over the face for all its films: a pass for each (a re.sub, a replace) made
    a hostile notebook's player naming 16,000 films cost 44 s of CPU in the share."""
    src, note = said.get(m[2], ("", ""))
    if src:
        return f"{m[1]}src='{src}'{m[3] or ''}"
    if note and m[1] and m[3]:
        return f"></video><div><small>{html_text(note)}</small></div>"
    return m[0]


def _beside(nb_dir: Path, rel: str, *, trusted: bool) -> bool:
    """Whether a player's film ``rel`` is a file the page may show and storyboard. A
    notebook not trusted here (a repository's, its outputs its author's words) reaches only
    below its own folder, links resolved: its player naming "/home/u/films/x/film.mp4",
    "../films/x/film.mp4" or a folder the repository links there put the user's other film
    (its prompts, costs and frames) into the page the user shares. A name the system
    refuses (longer than its limit) is no film there either; it stopped the share."""
    path = nb_dir / rel
    try:
        if not trusted:
            path = path.resolve()
            if not path.is_relative_to(nb_dir.resolve()):
                return False
        return path.is_file()
    except (OSError, RuntimeError):  # a name too long, a loop of links
        return False


def _latest_face(states: Any, view: Any) -> str:
    """The widget's static face as it stood when the notebook was saved, when it keeps one
    in its state (ui.JobProgress.static_html); "" for the bundle's own. The bundle's text/html
    was made at display time: progress bars displayed before a run said "0 of 9 shots done"
    on a page whose next line said "9/9 shots completed"."""
    model = view.get("model_id") if isinstance(view, dict) else None
    entry = states.get(model) if isinstance(states, dict) and isinstance(model, str) else None
    state = entry.get("state") if isinstance(entry, dict) else None
    face = state.get("static_html") if isinstance(state, dict) else None
    return face if isinstance(face, str) else ""


def _moved_track(m: re.Match[str], nb_dir: Path, out_dir: Path, *, trusted: bool) -> str:
    """The captions track pointed at from the page, as the film is; dropped if only the
    author's whole path would reach it. On by default unless the film folder's manifest says
    its captions are burned in as it stands now (the notebook's saved output may predate a
    restitch, or come from a player that read an older manifest as burned).

    A notebook not trusted here reaches only below its own folder, as its films (_beside):
    its player's track naming "../films/x/film.vtt" read that film's manifest and linked
    the user's other film's captions from the page the user shares."""
    rel = html.unescape(m[4])
    if not trusted and not _beside(nb_dir, rel, trusted=False):
        return ""
    vtt = nb_dir / rel
    moved = notebook_relative(vtt, out_dir)
    if not moved:
        return ""
    shown = m[2] or ""
    from .studio.folder import FilmError, read_manifest
    from .studio.manifest import burned_in

    with contextlib.suppress(FilmError):  # not readable here: as the notebook showed it
        shown = "" if burned_in(read_manifest(vtt.parent)) else " default"
    return f"{m[1]}{shown}{m[3]}{html_text(moved)}{m[5]}"


_UNREADABLE = """\
<section class='sorafilm-share'><p>Film at {{ name }} could not be read: {{ why }}</p></section>"""

_STORYBOARD = """\
{{ css }}<section class='sorafilm-share'><h2>Storyboard: plan {{ film.plan_id }}</h2>\
{% if link %}<p>The film: <a href='{{ link }}'>{{ link }}</a> ({{ duration }} s)</p>\
{% elif film.film %}<p>The film: {{ film.film.name }} ({{ duration }} s). {{ not_linked }}</p>\
{% endif %}<p>{{ film.shots|length }} shots, {{ seconds }} s; estimated {{ film.estimated }}, \
billed {{ film.billed }}.</p><table><thead><tr><th>frame</th><th>shot</th><th>length</th>\
<th>estimated<br>billed</th><th>prompt</th></tr></thead><tbody>\
{% for r in rows %}<tr><td>{% if r.poster %}<img alt='{{ r.shot.shot_id }}' src='{{ r.poster }}'>\
{% elif r.no_frame %}<em>no frame</em>{% endif %}</td><td><b>{{ r.shot.shot_id }}</b><br>\
{{ r.shot.title }}<br><small>{{ r.shot.beat }}</small></td><td class='num'>\
{{ r.shot.seconds }} s<br>{{ r.shot.model }}<br>{{ r.shot.size }}</td><td class='num'>\
{{ r.shot.estimated }}<br>{{ r.billed }}<br><small>{{ r.shot.status }}</small></td>\
<td><pre>{{ r.shot.prompt }}</pre></td></tr>{% endfor %}</tbody></table></section>"""


def _film_section(folder: Path, out_dir: Path) -> str:
    """The storyboard of one film folder: a poster, the numbers and the prompt per shot.

    Built from autoescaping templates: titles, beats, prompts and a server's error text come
    from a repository or a server, and the page is opened by people who trust it.
    """
    from .studio.folder import Film, FilmError, inside
    from .ui.posters import poster_data_uri

    try:
        film = Film.load(folder)
    except FilmError as exc:
        name = _page_name(folder, out_dir)
        # the error names the folder as it was reached (maybe absolute): as named here
        forms = {os.path.abspath(folder), os.path.realpath(folder), str(folder)}
        text = replace_folders(str(exc), [(f, name) for f in sorted(forms, key=len)[::-1]])
        why = without_local_folders(text, base=out_dir)
        return html_template(_UNREADABLE).render(name=name, why=why)
    rows = []
    for shot in film.shots:
        poster, no_frame = "", False
        if shot.file and (folder / shot.file).is_file():
            try:
                # links resolved: a repository's shot-01.mp4 linked to a video of the user's
                # elsewhere put a frame of it in the page; a shot is its folder's own file
                own = inside(folder, shot.file)
                poster = poster_data_uri(own, at=shot.seconds / 2, width=SHOT_POSTER_WIDTH)
            except (OSError, ValueError, FilmError):
                no_frame = True
        billed = str(shot.billed) if shot.billed is not None else "—"
        rows.append({"shot": shot, "poster": poster, "no_frame": no_frame, "billed": billed})
    link = notebook_relative(folder / film.film.name, out_dir) if film.film is not None else ""
    return html_template(_STORYBOARD).render(
        css=safe_html(_CSS),
        film=film,
        link=link,
        duration=f"{film.duration_s or 0:.1f}",
        not_linked=NOT_LINKED,
        seconds=sum(s.seconds for s in film.shots),
        rows=rows,
    )


def _page_name(folder: Path, out_dir: Path) -> str:
    """A folder as the page names it: relative to the page (climbing too: the film folder
    beside the page is found from it, as a link is), else from "~", else only its own name
    (a whole absolute path tells a reader nothing and the author's disk layout)."""
    name = notebook_relative(folder, out_dir) or shown_path(folder, out_dir)
    return name if not os.path.isabs(name) else f"…/{Path(os.path.abspath(folder)).name}"


class UntrustedNotebookWarning(UserWarning):
    """A notebook no one trusted on this machine was shared with its HTML made inert."""


class MissingFilmWarning(UserWarning):
    """A notebook's player shows a film that is not beside the notebook (it was run in
    another folder: nbconvert --execute into /tmp writes its films where it ran)."""


def _render(nb: Any, appendix: str, title: str, *, sanitize: bool = False) -> str:
    """The page; sanitize: the notebook's outputs made inert (inert_html: no script, no
    event handler, no javascript: link), for a notebook not trusted here. Its markdown
    cells are made inert always (_TEMPLATE)."""
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        template_name="lab",
        embed_images=True,
        sanitize_html=sanitize,
        filters={"clean_html": inert_html},
        extra_loaders=[DictLoader({"sorafilm_share.html.j2": _TEMPLATE})],
        template_file="sorafilm_share.html.j2",
    )
    nb.metadata.setdefault("title", title)
    body, _ = exporter.from_notebook_node(
        nb, resources={"sorafilm_appendix": appendix, "metadata": {"name": title}}
    )
    return body


def _check_target(target: Path) -> None:
    """The page's path, checked before the notebook runs: not a folder, not under a file."""
    if target.is_dir():
        raise ShareError(f"{target} is a folder; give the page's file name (page.html)")
    probe = target.parent
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    if not probe.is_dir():
        raise ShareError(f"cannot write {target}: {probe} is a file, not a folder")


def _atomic_write(path: Path, text: str) -> None:
    from .safeio import write_text  # a page to share: an ordinary file, like any the user writes

    write_text(path, text)
