"""VideoPlayer: the finished film, by reference, with its shots beside it (click to jump).

Why not ipywidgets.Video: it holds the mp4's bytes in the widget state, and a notebook that
also keeps the output would store the film twice, base64-inflated (1.33×). Here the model
holds only a path (the browser fetches the file from Jupyter's file server) and a small
poster frame as a data URI (a few tens of kB), so a saved notebook stays small and a reader
without the film still sees its first picture. The front end (ES module + CSS) lives in the
top-level widgets/ folder and ships in the wheel as sorafilm_nb/_widgets.

The widget's state is saved into the .ipynb, and notebooks are shared, so it holds no local
absolute path: only the film's path relative to the notebook's folder, which is also what
lets a reader who gets the notebook with its out/ folder play the film. The front end turns
it into a URL itself, from the notebook's own path that JupyterLab's widget manager knows.
A film that no relative path can name without spelling out the author's folders (outside
the notebook's tree, up to the filesystem root or into the home folder) is not linked.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from . import require_widgets

require_widgets()

import anywidget  # noqa: E402
import traitlets  # noqa: E402

from ..markup import NO_TEX_CLASS, html_template  # noqa: E402
from ..paths import notebook_relative, shown_path  # noqa: E402
from ._looks import look  # noqa: E402
from .posters import poster_data_uri  # noqa: E402


def widgets_dir() -> Path:
    """The packaged front-end files, or the repository's widgets/ folder in a checkout."""
    import sorafilm_nb

    package = Path(sorafilm_nb.__file__).resolve().parent
    packaged = package / "_widgets"
    if (packaged / "player.js").is_file():
        return packaged
    return package.parent / "widgets"


def _load_film(film: Any) -> Any:
    if isinstance(film, (str, os.PathLike)):
        from ..studio.folder import Film

        return Film.load(film)
    return film


def shot_rows(film: Any) -> list[dict[str, Any]]:
    """The player's shot list: start time, length, title, prompt and cost of each shot.

    A shot starts after every caption card before it: a card is a still of its own in the
    stitched film (screen time, no video seconds), held as long as captions.card_hold says.
    """
    from ..story.captions import card_hold
    from ..studio.report import made_size

    rows = []
    start = 0.0
    for shot in film.shots:
        card = getattr(shot, "card", "")
        if card:
            start += card_hold(card, getattr(shot, "card_s", 0.0))
        length = shot.duration_s if shot.duration_s else float(shot.seconds)
        cost = shot.billed if shot.billed is not None else shot.estimated
        rows.append(
            {
                "id": shot.shot_id,
                "index": shot.index,
                "title": shot.title or shot.shot_id,
                "beat": shot.beat,
                "start": round(start, 3),
                "seconds": shot.seconds,
                "model": shot.model,
                "size": made_size(shot, getattr(film, "backend", "")),
                "prompt": shot.prompt,
                "cost": str(cost),
                "billed": shot.billed is not None,
                "status": shot.status,
            }
        )
        start += length
    return rows


NOT_LINKED = (
    "The film is not linked: it lies outside this notebook's folder, and a saved notebook "
    "must not hold the author's local paths. Keep films under the notebook's folder "
    "(e.g. out/) to play them here."
)


class VideoPlayer(anywidget.AnyWidget):
    """The film with its shot list; state holds a relative path and a poster, never the video
    bytes and never a local absolute path (the state is saved into the shared notebook).

    ``VideoPlayer(film)`` takes a Film (from Studio.run or Film.load) or a film folder.
    ``base_dir`` is the notebook's folder (default: the kernel's working directory, which
    Jupyter sets to the notebook's folder): the film's relative path is taken from there.
    """

    _esm = widgets_dir() / "player.js"
    _css = widgets_dir() / "player.css"

    # Everything synced is saved into the .ipynb: no local absolute path here, ever.
    src_path = traitlets.Unicode("").tag(sync=True)  # relative to the notebook's folder
    src_url = traitlets.Unicode("").tag(sync=True)  # an explicit URL overrides it
    note = traitlets.Unicode("").tag(sync=True)  # why there is no src_path, if there is none
    captions_path = traitlets.Unicode("").tag(sync=True)  # film.vtt, relative like src_path
    # the track is on by default unless the film already shows its captions as burned-in
    # lower thirds: both at once would print every caption twice
    captions_shown = traitlets.Bool(True).tag(sync=True)
    poster = traitlets.Unicode("").tag(sync=True)  # data:image/jpeg;base64,...
    title = traitlets.Unicode("").tag(sync=True)
    shots = traitlets.List(traitlets.Dict()).tag(sync=True)
    seek_shot = traitlets.Int(-1).tag(sync=True)

    def __init__(
        self,
        film: Any,
        *,
        base_dir: str | os.PathLike[str] | None = None,
        src_url: str = "",
        title: str | None = None,
    ) -> None:
        film = _load_film(film)
        if film.film is None:
            raise ValueError(
                f"no film to play in {shown_path(film.out_dir)}: not every shot succeeded "
                f"({film.summary()})"
            )
        video = Path(film.film)
        base = Path(base_dir) if base_dir is not None else Path.cwd()
        # as named, not resolved: the notebook's server sees a linked out/ as out/
        src_path = notebook_relative(film.film_as_named, base)
        rows = shot_rows(film)
        captions = getattr(film, "captions", None)
        captions_path = ""
        if src_path and captions is not None:  # beside the film, named as the film is
            captions_path = notebook_relative(Path(film.film_as_named).parent / captions.name, base)
        at = min(rows[0]["seconds"] / 2, 2.0) if rows else 1.0
        super().__init__(
            src_path=src_path,
            src_url=src_url,
            captions_path=captions_path or "",
            captions_shown=not film.lower_thirds,
            note="" if src_path or src_url else NOT_LINKED,
            poster=poster_data_uri(video, at=at),
            title=title if title is not None else _film_title(film),
            shots=rows,
            **look(anywidget.AnyWidget),
        )
        self.film = film  # in the kernel only: never synced, never saved
        self.add_class("sorafilm-player")

    def __repr__(self) -> str:
        return f"VideoPlayer({self.src_path!r}, {len(self.shots)} shots)"

    def seek(self, shot: int | str) -> None:
        """Jump the player to a shot (by index or id), as a click on the list does."""
        ids = [row["id"] for row in self.shots]
        index = ids.index(shot) if isinstance(shot, str) else int(shot)
        if not 0 <= index < len(ids):
            raise IndexError(f"no shot {shot!r}; shots: {', '.join(ids)}")
        self.seek_shot = -1
        self.seek_shot = index

    def static_html(self) -> str:
        """A <video> with the poster and the shot list: for renderers without widgets."""
        return static_player_html(
            src=self.src_url or self.src_path,
            poster=self.poster,
            title=self.title,
            shots=self.shots,
            note=self.note,
            captions=self.captions_path if self.src_path else "",
            captions_shown=self.captions_shown,
        )

    def _repr_html_(self) -> str:
        return self.static_html()

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        bundle = super()._repr_mimebundle_(**kwargs)
        data, meta = bundle if isinstance(bundle, tuple) else (bundle, {})
        data = dict(data or {})
        data["text/html"] = self.static_html()
        return data, meta


def _film_title(film: Any) -> str:
    """The player's headline: the film's running time as the report says it (Film.length:
    cards included; the player said 88 s of a 97 s film)."""
    return f"{len(film.shots)} shots · {film.length()} · billed {film.billed}"


_STATIC_PLAYER = """\
<div class='sorafilm-player-static {{ no_tex }}'\
{% if src %} data-sorafilm-film='{{ src }}'{% endif %}>\
<div><b>{{ title }}</b></div>\
<video controls preload='none' style='max-width:640px;width:100%' poster='{{ poster }}'\
{% if src %} src='{{ src }}'{% endif %}>\
{% if captions %}<track kind='captions'{% if captions_shown %} default{% endif %} srclang='en' \
label='Captions' src='{{ captions }}'>{% endif %}</video>\
{% if note %}<div><small>{{ note }}</small></div>{% endif %}\
<ol style='list-style:none;padding-left:0'>\
{% for s in shots %}<li><b>{{ clock(s.start) }}</b> {{ s.title }} \
<small>({{ s.seconds }} s, {{ s.model }} {{ s.size }}, {{ s.cost }})</small>\
<details><summary>prompt</summary><pre style='white-space:pre-wrap'>{{ s.prompt }}</pre>\
</details></li>{% endfor %}</ol></div>"""


def static_player_html(
    *,
    src: str,
    poster: str,
    title: str,
    shots: list[dict[str, Any]],
    note: str = "",
    captions: str = "",
    captions_shown: bool = True,
) -> str:
    """The player as plain HTML (poster embedded, video by reference, prompts and costs).

    Built from an autoescaping template: titles and prompts carry repository text. Without a
    src (a film the notebook must not link) there is no src and no data-sorafilm-film
    attribute, only the poster and the note: share() reads that attribute to find the film's
    folder, and an empty one would point it at the notebook's. A poster that is not a data
    URI of an image is left out: the attribute is the widget's state, which a notebook file
    can hold anything in.
    """
    rows = [{"model": "", "size": "", **s} for s in shots]
    return html_template(_STATIC_PLAYER).render(
        src=src,
        poster=poster if poster.startswith("data:image/") else "",
        title=title,
        note=note,
        captions=captions if src else "",
        captions_shown=captions_shown,
        shots=rows,
        clock=_clock,
        no_tex=NO_TEX_CLASS,
    )


def _clock(seconds: float) -> str:
    s = int(seconds)
    return f"{s // 60}:{s % 60:02d}"
