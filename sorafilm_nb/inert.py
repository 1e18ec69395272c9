"""What a shared page may carry of a notebook: whether Jupyter trusts it here, and its HTML
made inert when not (no script, no handler, no URL a browser would follow off the page).

Apart from sharing.py, which builds the page: this is the rule for hostile input (a notebook
from a repository the user did not write), kept where it can be read whole.
"""

from __future__ import annotations

import html
import os
import re
from typing import Any

# Outputs whose content a browser runs or renders as markup.
_LIVE_MIME = ("text/html", "text/markdown", "application/javascript", "image/svg+xml")


def signed(nb: Any) -> bool:
    """Whether Jupyter trusts the notebook here: its outputs were made or seen by this user
    (a notebook saved from Jupyter is signed with the user's secret), as JupyterLab decides
    before it renders a notebook's HTML and runs its JavaScript.

    Why: a notebook from a repository the user did not write (a hostile one's
    ``examples/demo.ipynb``) carries outputs its author wrote, ``<script>`` included, and
    the page put them live in front of whoever opened it. A machine with no Jupyter secret
    has signed nothing, and asking would create one: untrusted, without asking."""
    from jupyter_core.paths import jupyter_data_dir
    from nbformat.sign import NotebookNotary

    # the data folder named outright: the notary's default asks a JupyterApp singleton,
    # which a kernel run earlier in this process may have set up with another folder
    data = jupyter_data_dir()
    secret, db = os.path.join(data, "notebook_secret"), os.path.join(data, "nbsignatures.db")
    if not (os.path.isfile(secret) and os.path.isfile(db)):
        return False
    try:
        with NotebookNotary(data_dir=data, secret_file=secret, db_file=db) as notary:
            return bool(notary.check_signature(nb))
    except Exception:  # a locked or damaged signature store: trust nothing
        return False


def live(nb: Any) -> bool:
    """Whether the notebook holds an output a sanitized export changes (markup, a script).
    Its markdown is sanitized whether trusted or not, so trust changes nothing there."""
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if any(mime in (output.get("data") or {}) for mime in _LIVE_MIME):
                return True
    return False


# What a sanitized page keeps of a notebook's HTML (its markdown, its text/html outputs):
# what prose, tables, pandas frames, images and our players' static faces are made of.
_INERT_TAGS = frozenset(
    {"a", "abbr", "b", "blockquote", "br", "caption", "code", "col", "colgroup", "dd"}
    | {"del", "details", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3"}
    | {"h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q"}
    | {"s", "samp", "small", "source", "span", "strong", "sub", "summary", "sup", "table"}
    | {"tbody", "td", "tfoot", "th", "thead", "tr", "track", "u", "ul", "var", "video"}
)
_INERT_ATTRIBUTES = frozenset(
    {"alt", "align", "class", "colspan", "controls", "default", "height", "href", "id"}
    | {"kind", "label", "open", "poster", "preload", "rowspan", "scope", "src", "srclang"}
    | {"title", "type", "width"}
)


def _inert_attribute(tag: str, name: str, value: str) -> bool:
    """An attribute a sanitized page keeps: none that runs (on*), styles or frames. What the
    page loads by itself (src, poster) is a data: image or a path beside the page, never
    another server (the page opens offline, and a fetch would tell someone it was opened);
    a link (href) is the reader's to follow, and no data: one. bleach checks every URL's
    scheme besides.

    The URL is read as a browser reads it (_browser_url): a scheme or a host written with a
    character reference ("https&#58;//"), a tab inside ("/&#9;/evil") or a control
    character before it ("\\x01//evil") was taken for a path and fetched from elsewhere."""
    if name not in _INERT_ATTRIBUTES:
        return False
    url = _browser_url(value)
    if name in ("src", "poster"):
        if url.startswith("data:"):
            return tag in ("img", "video") and url.startswith("data:image/")
        from urllib.parse import urlsplit

        try:
            parts = urlsplit(url)
        except ValueError:  # "//[evil": a host urlsplit cannot read is still a host
            return False
        # "///evil": urlsplit reads no host, a browser skips every slash to one
        return not parts.scheme and not parts.netloc and not url.startswith("//")
    return not (name == "href" and url.startswith("data:"))


_URL_EDGE = "".join(map(chr, range(0x21)))  # C0 controls and space: stripped at both ends


def _browser_url(value: str) -> str:
    """value as the URL a browser fetches (WHATWG URL parsing): character references read,
    tabs and line breaks dropped wherever they stand, controls and spaces stripped at both
    ends, a backslash read as a slash; lower case, for the scheme tests."""
    url = re.sub(r"[\t\r\n]", "", html.unescape(value)).strip(_URL_EDGE)
    return url.lower().replace("\\", "/")


def inert_html(html_text: object) -> str:
    """A notebook's HTML as a sanitized page shows it: the tags and attributes above kept,
    anything else (a script, an iframe, an event handler, a javascript: link, a style)
    written as text. Why not nbconvert's own clean_html: it keeps a dozen inline tags, so a
    pandas frame, an image, a paragraph or a player's poster turned into its HTML source."""
    import bleach

    text = html_text.decode() if isinstance(html_text, bytes) else str(html_text)
    return str(
        bleach.clean(
            text,
            tags=_INERT_TAGS,
            attributes=_inert_attribute,
            protocols=frozenset({"http", "https", "mailto", "data"}),
        )
    )
