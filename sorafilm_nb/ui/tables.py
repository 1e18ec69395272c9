"""The repository's concepts as a styled pandas table, and a widget to sort and filter it.

A pandas Styler renders everywhere (JupyterLab, nbconvert, GitHub) without a kernel, so the
table itself is a Styler; sorting is a re-render with other arguments, which the small
ConceptTable widget does from a dropdown.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ..markup import NO_TEX_CLASS, html_text

if TYPE_CHECKING:
    import pandas as pd
    from pandas.io.formats.style import Styler

    from ..analysis.profile import RepoProfile

# Columns shown, in this order, when present; the score gets a bar.
COLUMNS = ("name", "kind", "score", "file", "line", "raised", "caught", "summary")
SORTABLE = ("score", "name", "kind", "file", "raised", "caught")
_ACCENT = "#c4a070"  # the design's sepia


def concept_table(
    profile: RepoProfile,
    *,
    sort_by: str = "score",
    ascending: bool | None = None,
    kinds: Sequence[str] | None = None,
    limit: int | None = 25,
) -> Styler:
    """The profile's concepts as a styled table, sorted by ``sort_by``.

    ``ascending`` defaults to descending for numbers (the most central first) and ascending
    for text. ``kinds`` keeps only those concept kinds; ``limit`` the first N rows (None: all).
    An unknown column raises ValueError naming the sortable ones.
    """
    frame = profile.concepts_frame()  # masked, its file names printable: the one home
    if sort_by not in frame.columns:
        raise ValueError(f"cannot sort by {sort_by!r}: sortable columns are {', '.join(SORTABLE)}")
    if kinds:
        frame = frame[frame["kind"].isin(list(kinds))]
    if ascending is None:
        ascending = not _is_numeric(frame[sort_by])
    frame = frame.sort_values(sort_by, ascending=ascending, kind="stable")
    if limit is not None:
        frame = frame.head(limit)
    shown = [c for c in COLUMNS if c in frame.columns]
    frame = frame[shown].reset_index(drop=True)
    arrow = "▲" if ascending else "▼"
    # Every cell and the caption hold repository text (names, docstrings, file names, the
    # README's title): a Styler inserts both as raw HTML unless told to escape them.
    caption = (
        f"{profile.title or profile.name}: {len(frame)} of {len(profile.concepts)} concepts, "
        f"sorted by {sort_by} {arrow}"
    )
    from pandas.io.formats.style import Styler as StylerClass

    # cell_ids=False: only the cells a style rule needs (the score bars) get an id; the rest
    # were ~30 bytes of id a cell, saved three times over in a notebook (ConceptTable's
    # widget state, its output, the studio app's table)
    styler = StylerClass(frame, cell_ids=False).hide(axis="index").set_caption(html_text(caption))
    styler = styler.format(escape="html")
    formats: dict[str, Any] = {"score": "{:.2f}"}
    styler = styler.format({k: v for k, v in formats.items() if k in shown}, escape="html")
    if "score" in shown and len(frame):
        styler = styler.bar(subset=["score"], color=_ACCENT, vmin=0)
    styler = styler.set_table_styles(
        [
            {
                "selector": "caption",
                "props": "caption-side: top; text-align: left; font-weight: 600; padding: 4px 0;",
            },
            {"selector": "th", "props": "text-align: left; padding: 4px 8px;"},
            {"selector": "td", "props": "padding: 3px 8px; vertical-align: top;"},
            {"selector": "td.col7, td.col_summary", "props": "max-width: 36em;"},
        ]
    )
    styler = styler.set_table_attributes(f'class="sorafilm-concepts {NO_TEX_CLASS}"')
    return styler


def _is_numeric(series: pd.Series) -> bool:
    from pandas.api.types import is_numeric_dtype

    return bool(is_numeric_dtype(series))
