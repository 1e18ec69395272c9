"""A class's sentence from the README's section about the function that makes it.

zod's ZodString has no comment and its caption could only list members ("has email(),
url(), emoji() and uuid()"); it is what ``string()`` makes (Concept.made_by), and the
README's "## Strings" says what it is for. Apart from readme_names (its sections reader),
to stay under the module size (tests/test_module_size.py).
"""

from __future__ import annotations

import re

from .readme import _blocks, strip_markup
from .readme_names import _SENTENCE, SENTENCE_MAX, _heading_name, _sections

__all__ = ["factory_sentences"]


def factory_sentences(text: str, factories: dict[str, str], project: str = "") -> dict[str, str]:
    """Each class's sentence from the section about the function that makes it: zod's
    ZodString is what ``string()`` makes, and its README's "## Strings" says "Zod includes
    a handful of string-specific validations." (what the class is for, where its caption
    could only list members: "has email(), url(), emoji() and uuid()"). ``factories``: class
    -> the function (Concept.made_by); a heading names it as written or in the plural
    ("Strings", "BigInts", "`string`"). The project as the subject says what it offers
    through the class, said of the class without how many ("Includes string-specific
    validations."), wherever the section says it (zod's "## Numbers" says it second);
    else the section's first sentence, unless it is about the reader ("You can customize
    certain error messages when creating a number schema": nothing the class is)."""
    if not text or not factories or not project:
        return {}
    sections = {name.lower(): said for name, said in _sections(text).items()}
    offered = _offers(text, factories, project)
    out: dict[str, str] = {}
    for cls, fn in factories.items():
        low = fn.lower()
        said = sections.get(low) or sections.get(f"{low}s") or sections.get(f"{low}es") or ""
        subject, _, rest = said.partition(" ")
        opening = {w.strip(",").lower() for w in said.split()[:5]}
        if cls in offered:
            out[cls] = offered[cls]
        elif rest and not opening & _READER and subject.lower() not in _NOT_ABOUT_IT:
            out[cls] = said
    return out


def _offers(text: str, factories: dict[str, str], project: str) -> dict[str, str]:
    """Class -> the first sentence of its factory's section (up to the next heading) in
    which the project offers something ("Zod includes a handful of number-specific
    validations."), said of the class: "Includes number-specific validations."."""
    heads: dict[str, str] = {}
    for cls, fn in factories.items():
        for key in (fn.lower(), f"{fn.lower()}s", f"{fn.lower()}es"):
            heads.setdefault(key, cls)
    out: dict[str, str] = {}
    current = ""
    for kind, block in _blocks(text):
        if kind == "heading":
            name, _code = _heading_name(strip_markup(block, keep_code=True))
            current = heads.get(name.lower(), "")
        elif kind == "para" and current and current not in out:
            for sentence in _SENTENCE.split(strip_markup(block))[:3]:
                subject, _, rest = sentence.strip().partition(" ")
                offers = _OFFERS.match(rest)
                if subject.lower() == project.lower() and offers:
                    tail = _HOW_MANY.sub("", rest[offers.end() :], 1)
                    out[current] = rest[: offers.end()].capitalize() + tail[:SENTENCE_MAX]
                    break
    return out


# a sentence about the reader, not the thing ("Similarly, you can create nullable types"),
# or one that opens on a condition or an aside
_READER = frozenset({"you", "we", "i", "users", "your", "our"})
_NOT_ABOUT_IT = frozenset({"if", "when", "note", "note:", "to", "see", "for"})
# what a project does for its user through a thing: "Zod includes a handful of ...", said
# without how many (two "includes a handful of" captions in one film read as one template)
_OFFERS = re.compile(
    r"(?:includes|provides|offers|has|supports|ships|comes\s+with|contains|exposes)\s+", re.I
)
_HOW_MANY = re.compile(
    r"^(?:a\s+(?:handful|number|set|range|couple|variety|bunch)\s+of|a\s+few|some|several|"
    r"various|many|numerous)\s+",
    re.I,
)
