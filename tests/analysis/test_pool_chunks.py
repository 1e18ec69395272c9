"""How analysis.pool splits the files between processes (issue 14), counted, not timed."""

from __future__ import annotations

from sorafilm_nb.analysis.pool import _chunks


def items(n: int, lang: str, ext: str) -> list[tuple[str, str, str]]:
    return [(f"f{i}.{ext}", "/root", lang) for i in range(n)]


def test_a_few_javascript_files_go_to_one_chunk_at_the_front() -> None:
    """Django's 22 JavaScript files among 885 Python ones: in one chunk, which a worker
    takes first, so only that process loads tree-sitter; this process takes Python chunks
    from the far end. Interleaved, every chunk had a JavaScript file or two."""
    todo = items(885, "python", "py") + items(22, "javascript", "js")
    chunks = _chunks(todo, 12)
    assert sorted(x for c in chunks for x in c) == sorted(todo)  # every file, once
    langs = [{x[2] for x in c} for c in chunks]
    assert langs[0] == {"javascript"}
    assert all(lang == {"python"} for lang in langs[1:])
    assert len(chunks) >= 12  # Python still spread over as many chunks as before


def test_one_language_is_interleaved_as_before() -> None:
    todo = items(100, "javascript", "js")
    assert _chunks(todo, 12) == [todo[i::12] for i in range(12)]
    assert _chunks(items(3, "python", "py"), 12) == [[x] for x in items(3, "python", "py")]
