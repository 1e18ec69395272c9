"""Issue 14: counts stay exactly tiktoken's while a re-plan never loads the tokenizer.

The reference is tiktoken's own loading path (get_encoding, fed the bundled file through its
cache dir), built independently of tokens.py; the memo, the prepared vocabulary and the bound
are each checked against it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sorafilm_nb.story import tokens

ROOT = Path(__file__).resolve().parents[2]


def _every_packaged_prompt() -> list[str]:
    """Every prompt and prompt piece of this repository's films: 3 themes x 3 templates x
    5 tiers (several hundred distinct texts)."""
    from sorafilm_nb.analysis.profile import RepoProfile, analyze
    from sorafilm_nb.story.casting import Casting
    from sorafilm_nb.story.planning import plan
    from sorafilm_nb.story.prompts import pieces

    profile = analyze(ROOT)
    texts: set[str] = set()
    for theme in ("kitchen", "space", "heist"):
        # a theme casts the profile once: the template and the tier come after the casting
        read: RepoProfile | Casting = profile
        for template in ("silent-90", "teaser-30", "single-12"):
            for tier in ("ultra-low", "low", "medium", "high", "standard"):
                made = plan(read, theme, template, tier)
                read = made.storyboard.casting
                for p in made.prompts:
                    texts.add(p.text)
                    texts.update(pieces(p.sections))
    return sorted(texts)


@pytest.mark.slow  # 45 plans of this repository
def test_counts_of_every_packaged_prompt_equal_tiktokens_fresh_and_remembered(
    reference,  # type: ignore[no-untyped-def]
) -> None:
    texts = _every_packaged_prompt()
    assert len(texts) > 250  # fewer distinct cuts since MEDIUM keeps the look (290)
    want = [len(reference.encode_ordinary(t)) for t in texts]
    assert tokens.count_many(texts) == want  # counted now (or remembered while planning)
    tokens.save_counts()
    tokens._memos.clear()  # as a new process: the counts come from the file
    assert [tokens.count_tokens(t) for t in texts] == want
    loads = tokens.loads
    assert tokens.count_many(texts) == want
    assert tokens.loads == loads  # nothing was counted again


@pytest.mark.slow  # tiktoken loaded, 200 examples
def test_counts_of_any_text_equal_tiktokens_and_the_bound_holds(reference) -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    @settings(max_examples=200, deadline=None)
    @given(st.lists(st.text(max_size=300), min_size=1, max_size=8))
    def check(texts: list[str]) -> None:
        want = [len(reference.encode_ordinary(t)) for t in texts]
        assert tokens.count_many(texts) == want
        assert tokens.count_many(texts) == want  # the remembered path
        for text, n in zip(texts, want, strict=True):
            assert n <= tokens.upper_bound(text)
            assert tokens.fits(text, n) and not tokens.fits(text, n - 1)

    check()


@pytest.mark.slow  # prepares the vocabulary twice
def test_the_prepared_vocabulary_is_the_bundles_and_a_tampered_one_is_refused(
    own_vocab: Path,
) -> None:
    from sorafilm_nb.story import bpe

    spec = tokens.encoding_spec()
    ranks = spec["mergeable_ranks"]
    made = {"pattern": spec["pat_str"], "tokenizer": tokens.tokenizer_id()}
    blob = bpe.prepare_vocab(ranks, tokens.O200K_SHA256, **made)
    assert blob is not None
    vocab = bpe.Vocab(blob, tokens.O200K_SHA256)
    assert vocab.ranks() == ranks
    assert (vocab.pattern, vocab.tokenizer) == (made["pattern"], made["tokenizer"])
    flipped = bytearray(blob)
    flipped[-5] ^= 1
    with pytest.raises(bpe.VocabError, match="does not match its sha256"):
        bpe.Vocab(bytes(flipped), tokens.O200K_SHA256)
    with pytest.raises(bpe.VocabError, match="another file"):
        bpe.Vocab(blob, "00" * 32)
    with pytest.raises(bpe.VocabError, match="header"):
        bpe.Vocab(b"pickle? no", tokens.O200K_SHA256)
    # encoding() writes the prepared file, then reads it back; a damaged one is rebuilt
    path = own_vocab  # none yet: this test makes and damages its own
    assert path == tokens.vocab_path() and not path.exists()
    tokens.encoding.cache_clear()
    assert tokens.encoding().encode_ordinary("hello world") == [24912, 2375]
    assert path.read_bytes() == blob
    path.write_bytes(bytes(flipped))
    tokens.encoding.cache_clear()
    assert tokens.encoding().encode_ordinary("hello world") == [24912, 2375]
    assert path.read_bytes() == blob
    # one made under another tiktoken (its pattern may differ) is stale: rebuilt too
    stale = bpe.prepare_vocab(ranks, tokens.O200K_SHA256, pattern=r"\S+", tokenizer="0" * 24)
    assert stale is not None
    path.write_bytes(stale)
    assert tokens.prepared_vocab().pattern == spec["pat_str"]  # type: ignore[union-attr]
    assert path.read_bytes() == blob


def test_a_foreign_or_damaged_memo_is_ignored_not_trusted(
    reference,  # type: ignore[no-untyped-def]
) -> None:
    text = "Style: 1920s silent-film comedy, warm sepia."
    want = len(reference.encode_ordinary(text))
    tokens.count_tokens(text)
    tokens.save_counts()
    # this test's memo: _memos holds every cache dir this process counted in, and its first
    # was an earlier test's (its file gone with that test's dir), so the damage was written
    # where this count never reads
    path = tokens._memo().path
    data = json.loads(path.read_text())
    assert text not in path.read_text()  # digests only, never the prompt
    for bad in (
        {**data, "counts": dict.fromkeys(data["counts"], 1), "tokenizer": "another"},
        {**data, "counts": dict.fromkeys(data["counts"], "1")},
        {**data, "counts": dict.fromkeys(data["counts"], -1)},
    ):
        path.write_text(json.dumps(bad))
        tokens._memos.clear()
        assert tokens.count_tokens(text) == want
    path.write_text("{not json")
    tokens._memos.clear()
    assert tokens.count_tokens(text) == want


def _child(code: str, cache: Path) -> dict:
    env = {**os.environ, "SORAFILM_CACHE_DIR": str(cache), "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


REPORT = (
    "import json, sys; from sorafilm_nb.story import tokens;"
    " print(json.dumps({'loads': tokens.loads, 'tiktoken': 'tiktoken' in sys.modules,"
    " 'result': result}))"
)


def test_short_prompts_far_below_the_cap_never_load_the_tokenizer(tmp_path: Path) -> None:
    code = (
        "from sorafilm_nb.story.tokens import fits;"
        " result = [fits('Style: silent film.', 180), fits('x' * 180, 180)];" + REPORT
    )
    got = _child(code, tmp_path / "cache")
    assert got == {"loads": 0, "tiktoken": False, "result": [True, True]}
    # the bound cannot tell for a long text: then the exact count decides, by story/bpe.py
    # over the prepared vocabulary (made on this first run through tiktoken_ext's module, so
    # tiktoken is imported, but its Encoding is never built)
    code = "from sorafilm_nb.story.tokens import fits; result = [fits('x ' * 200, 180)];"
    got = _child(code + REPORT, tmp_path / "cache")
    assert got == {"loads": 0, "tiktoken": True, "result": [False]}
    got = _child(code + REPORT, tmp_path / "cache")  # prepared: tiktoken is not even imported
    assert got == {"loads": 0, "tiktoken": False, "result": [False]}
    # a text the fast counter does not take (CJK) is counted by tiktoken itself
    code = "from sorafilm_nb.story.tokens import fits; result = [fits('日本語 ' * 100, 180)];"
    got = _child(code + REPORT, tmp_path / "cache")
    assert got == {"loads": 1, "tiktoken": True, "result": [False]}


def test_plans_never_build_tiktokens_encoding_and_a_second_one_counts_nothing(
    tmp_path: Path,
) -> None:
    code = (
        f"from sorafilm_nb.story.planning import plan; p = plan({str(ROOT)!r});"
        " from sorafilm_nb.story import tokens as t;"
        " result = [[s.tokens, s.tokens_before] for s in p.prompts]"
        " + [t.counter.cache_info().currsize];"
    )
    cache = tmp_path / "cache"
    (cache / "tokens").mkdir(parents=True)
    tokens.prepared_vocab()  # the vocabulary file of a machine that counted before
    shutil.copy(tokens.vocab_path(), cache / "tokens")
    first = _child(code + REPORT, cache)
    second = _child(code + REPORT, cache)
    # the first plan counts with story/bpe.py: tiktoken is not imported, let alone built
    assert first["loads"] == 0 and not first["tiktoken"] and first["result"][-1] == 1
    # the second finds every count remembered: not even the counter is made
    assert second == {**first, "result": [*first["result"][:-1], 0]}
