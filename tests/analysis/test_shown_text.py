"""Repository text is cleaned once, where the profile is built (analysis/assemble.build), so
that no caption, plan, subtitle, report or prompt carries a control or bidi character.

Found by an attacker review (issue 11): an ESC and a U+202E in a docstring stayed in the
caption in plan.json and plan.md (a raw ESC) and would reach film.vtt and report.md.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from control_repo import BAD, HOSTILE, KEPT, make_control_repo

from sorafilm_nb.analysis.profile import analyze
from sorafilm_nb.terminal import shown


def strings(value: object) -> list[str]:
    """Every str inside a dataclass, tuple or dict, recursively."""
    if isinstance(value, str):
        return [value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [s for f in dataclasses.fields(value) for s in strings(getattr(value, f.name))]
    if isinstance(value, (tuple, list)):
        return [s for v in value for s in strings(v)]
    if isinstance(value, dict):
        return [s for kv in value.items() for v in kv for s in strings(v)]
    return []


def test_shown_removes_what_reads_other_than_it_is_and_keeps_the_rest() -> None:
    assert shown(f"a{HOSTILE}b") == "a[2K b"
    assert shown(KEPT) == KEPT
    assert shown("one\ttwo\nthree\u2028four") == "one two three four"


def test_no_control_or_bidi_character_in_the_profile(tmp_path: Path) -> None:
    profile = analyze(make_control_repo(tmp_path / "repo"), use_cache=False)
    texts = [s for s in strings(profile) if s is not profile.root]
    found = {ch for s in texts for ch in s if ch in BAD}
    assert not found, sorted(found)
    summaries = {c.name: c.summary for c in profile.concepts}
    assert summaries["Recorder"] == f"Records[2K  things in {KEPT}."  # \r: a space
    assert KEPT in profile.description


def test_each_text_of_a_concept_is_cleaned_once(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """assemble._shown checked the lists (all(shown(m) == m ...)) and then cleaned them, so
    with clean prose and a control in a later member the first members were cleaned twice.
    A count of terminal.shown's calls, not a clock, says each text is cleaned once."""
    from sorafilm_nb.analysis import assemble
    from sorafilm_nb.analysis.concepts import Concept

    calls: list[str] = []

    def counted(text: str) -> str:
        calls.append(text)
        return shown(text)

    monkeypatch.setattr(assemble, "shown", counted)
    members = ("get", "post", "put", "del\x07ete")
    c = Concept("Client", "class", "c.py", 1, "A client.", 1.0, members=members, params=("url",))
    cleaned = assemble._shown(c)
    assert cleaned.members == ("get", "post", "put", "delete")
    assert len(calls) == 7 + len(members) + 1  # seven texts, the members, the one param


def test_the_errors_a_concept_raises_are_cleaned_as_the_errors_names_are() -> None:
    """Concept.raises holds other concepts' names, which story.causes and story.plot look up
    by the cleaned name (``error.name in c.raises``): left raw, a control in an error's name
    would stay in the profile and the fact "Till raises TillError" be lost. (Not reached from
    a scan today: the scanners end a name at such a character; this is _shown's own rule.)"""
    from sorafilm_nb.analysis import assemble
    from sorafilm_nb.analysis.concepts import Concept

    error = assemble._shown(Concept("Till\x07Error", "exception", "t.py", 1, "", 1.0))
    till = Concept("Till", "class", "t.py", 5, "A till.", 1.0, raises=("Till\x07Error",))
    assert assemble._shown(till).raises == (error.name,) == ("TillError",)


def test_a_file_name_shows_its_bidi_and_controls_as_escapes_in_the_concept_table(
    tmp_path: Path,
) -> None:
    """``file`` stays the real path (the rest opens it), so the notebook's concept table drew
    "rtl" U+202E "yp.txt.py" as "rtlyp.txt.py" reversed: a .py file shown as a .txt one. The
    frame and the table write such characters as escapes, as the terminal does."""
    from sorafilm_nb.ui import concept_table

    root = tmp_path / "repo"
    root.mkdir()
    (root / "rtl\u202eyp.txt.py").write_text('class Spoof:\n    """Looks like text."""\n')
    (root / "bell\x07.py").write_text('class Bell:\n    """Rings."""\n')
    profile = analyze(root, use_cache=False)
    files = set(profile.concepts_frame()["file"])
    assert {"rtl\\u202eyp.txt.py", "bell\\x07.py"} <= files
    html = concept_table(profile, limit=None).to_html()
    assert "\u202e" not in html and "\x07" not in html and "rtl\\u202eyp.txt.py" in html


def test_a_file_name_puts_no_control_or_bidi_character_into_captions_or_prompts(
    tmp_path: Path,
) -> None:
    """A class with nothing to say is glossed by where it lives ("a class in pkg.evil"),
    read off ``file``, the one field left raw for the reads: a file named with an escape,
    a carriage return and a U+202E put them into the caption, film.vtt, the cards and the
    manifest (found by an attacker round on untrusted repositories)."""
    from sorafilm_nb.story.casting import cast
    from sorafilm_nb.story.planning import plan

    root = tmp_path / "repo"
    (root / "pkg").mkdir(parents=True)
    (root / "pkg" / f"ev{HOSTILE}il.py").write_text(
        "class Evil:\n    def run(self): pass\n\n\nclass Other:\n    def a(self): pass\n"
    )
    (root / "pkg" / "core.py").write_text('class Engine:\n    """Runs the show."""\n')
    profile = analyze(root, use_cache=False)
    made = plan(cast(profile, "kitchen"), target_seconds=30)
    shots = made.storyboard.shots
    texts = [c.text for c in made.captions] + [p.text for p in made.prompts]
    texts += [s.caption for s in shots if s.caption]
    assert any("a class in pkg.ev" in t for t in texts)  # the gloss this is about
    found = {ch for t in texts for ch in t if ch in BAD}
    assert not found, sorted(found)
