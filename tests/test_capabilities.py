"""The capability model is the one home of each provider's models, sizes and lengths: the
price tables, the simulator and the storyboard all take them from it."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from sorafilm_nb import capabilities
from sorafilm_nb.backends import _sim_state
from sorafilm_nb.errors import DataFileError
from sorafilm_nb.money.prices import PRICES_ENV, PriceError, PriceTable, default_path


def test_clip_lengths_follow_the_model_and_size() -> None:
    assert capabilities.clip_lengths("openai") == (4, 8, 12)
    assert capabilities.clip_lengths("openai", "sora-2-pro", "1792x1024") == (4, 8, 12)
    assert capabilities.clip_lengths("veo", "veo-3.1-generate-preview", "1280x720") == (4, 8)
    assert capabilities.clip_lengths("veo", "veo-3.1-generate-preview", "1920x1080") == (8,)
    assert capabilities.clip_lengths("runway", "gen4.5", "1280x720") == (4, 8)
    for provider in capabilities.PROVIDERS:
        for model in capabilities.models(provider):
            caps = capabilities.for_model(provider, model)
            for size in caps.sizes:
                lengths = capabilities.clip_lengths(provider, model, size)
                assert set(lengths) <= set(caps.allowed_seconds(size))
                assert lengths == tuple(lengths[0] * k for k in range(1, len(lengths) + 1))


def test_defaults_and_providers() -> None:
    assert capabilities.default_model("openai") == "sora-2"
    assert capabilities.default_model("veo") == "veo-3.1-generate-preview"
    assert capabilities.default_model("runway") == "gen4.5"
    assert capabilities.provider_of("sora-2-pro-2025-10-06") == "openai"
    assert capabilities.provider_of("gen4.5") == "runway"
    assert capabilities.provider_of("nope") is None
    with pytest.raises(ValueError, match="unknown provider"):
        capabilities.load("sora")


def test_dated_snapshot_rule() -> None:
    assert capabilities.same_model("sora-2-2025-12-08", "sora-2")
    assert capabilities.same_model("sora-2", "sora-2-pro-2025-10-06") is False
    assert capabilities.base_model("sora-2-pro-2025-10-06") == "sora-2-pro"
    assert capabilities.base_model("veo-3.1-generate-preview") == "veo-3.1-generate-preview"


def test_a_dated_snapshot_has_its_models_prompt_limit_and_audio_rule() -> None:
    """A server pins "sora-2" to "sora-2-2025-10-06" (listed) or to a later date the file
    does not list yet; either is the same model, so the compressor fits it to the same limit
    and the studio sends (and prices) its audio the same way. Every provider's models, with
    the snapshots its file lists and one it does not."""
    checked = 0
    for provider in capabilities.PROVIDERS:
        listed = [
            name
            for name, caps in capabilities.load(provider).items()
            if name != caps.model and capabilities.SNAPSHOT_RE.match(name)
        ]
        for model in capabilities.models(provider):
            snapshots = [n for n in listed if capabilities.base_model(n) == model]
            for snapshot in [*snapshots, f"{model}-2026-11-30"]:
                assert capabilities.lookup(provider, snapshot) == capabilities.for_model(
                    provider, model
                )
                limits = capabilities.prompt_limits(provider, model)
                assert limits != (None, None)  # every model publishes one (or it proves nothing)
                assert capabilities.prompt_limits(provider, snapshot) == limits, snapshot
                for audio in (True, False):
                    assert capabilities.sent_silent(
                        provider, snapshot, audio
                    ) == capabilities.sent_silent(provider, model, audio), snapshot
                checked += 1
    assert capabilities.sent_silent("veo", "veo-3.1-generate-preview-2026-11-30", False)
    assert capabilities.prompt_limits("openai", "sora-2-2026-11-30") == (32000, None)
    assert capabilities.prompt_limits("runway", "gen4.5-2026-11-30") == (1000, None)
    assert capabilities.lookup("openai", "sora-3-2026-11-30") is None
    assert capabilities.prompt_limits("openai", "nope") == (None, None)
    assert checked >= 9  # 3 listed OpenAI snapshots + one unlisted per model


def test_the_simulator_accepts_exactly_what_capabilities_list() -> None:
    assert _sim_state.SECONDS == ("4", "8", "12")
    assert _sim_state.EXTENSION_SECONDS == ("4", "8", "12", "16", "20")
    for model, caps in capabilities.load("openai").items():
        for size in capabilities.api_sizes("openai"):
            body = {"prompt": "p", "model": model, "seconds": "8", "size": size}
            if size in caps.sizes:
                assert _sim_state.check_create(body)[3] == size
            else:
                with pytest.raises(_sim_state.ApiError, match="size"):
                    _sim_state.check_create(body)
    with pytest.raises(_sim_state.ApiError, match="Supported values are: 4, 8, 12"):
        _sim_state.check_create({"prompt": "p", "model": "sora-2", "seconds": "6"})


def test_each_provider_has_a_dated_price_file_whose_sizes_it_renders() -> None:
    for provider in capabilities.PROVIDERS:
        table = PriceTable.load(provider=provider)
        assert table.provider == provider and table.source and table.date
        assert Path(table.file) == default_path(provider).resolve()
        for model in table.models:
            caps = capabilities.for_model(provider, model)
            assert set(table.sizes(model)) <= set(caps.sizes)
    # Veo's 1080p sizes are priced: the size check asks the capability model, not OpenAI's
    assert PriceTable.load(provider="veo").offers("veo-3.1-generate-preview", "1920x1080")


def _file(tmp_path: Path, provider: str, size: str) -> Path:
    path = tmp_path / f"{provider}.toml"
    path.write_text(
        f'provider = "{provider}"\nsource = "x"\nas_of = "2026-12"\n'
        f'[cents_per_second."{capabilities.default_model(provider)}"]\n"{size}" = 40\n'
    )
    return path


def test_a_size_the_provider_never_renders_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match="veo's API accepts only the sizes"):
        PriceTable.load(_file(tmp_path, "veo", "1792x1024"))
    with pytest.raises(DataFileError, match="Videos API accepts only"):
        PriceTable.load(_file(tmp_path, "openai", "1920x1080"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert PriceTable.load(_file(tmp_path, "veo", "1080x1920")).provider == "veo"


def test_a_price_file_for_another_provider_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mine = _file(tmp_path, "openai", "1280x720")
    monkeypatch.setenv(PRICES_ENV, str(mine))
    assert PriceTable.load().file == str(mine.resolve())
    with pytest.raises(PriceError, match=r"\$SORAFILM_PRICES .* prices openai's models, not veo"):
        PriceTable.load(provider="veo")
    with pytest.raises(PriceError, match="not runway's"):
        PriceTable.load(mine, provider="runway")
    monkeypatch.delenv(PRICES_ENV)
    assert PriceTable.load(provider="runway").provider == "runway"


def test_reference_images_are_held_to_their_own_lengths_and_sizes() -> None:
    """Veo 3.1 takes the look as a reference image only at 8 s and 16:9 (Google's model page);
    a model without reference images never does; frames follow the model's own rules."""
    veo = capabilities.for_model("veo", "veo-3.1-generate-preview")
    assert veo.takes("reference_images", 8, "1280x720")
    assert veo.takes("reference_images", 8, "1920x1080")
    assert not veo.takes("reference_images", 4, "1280x720")
    assert not veo.takes("reference_images", 8, "720x1280")
    assert veo.takes("first_frame", 4, "1280x720") and not veo.takes("first_frame", 5, "1280x720")
    fast = capabilities.for_model("veo", "veo-3.1-fast-generate-preview")
    assert not fast.takes("reference_images", 8, "1280x720")
    runway = capabilities.for_model("runway", "gen4.5")
    assert runway.takes("first_frame", 7, "1280x720")
    assert not runway.takes("reference_images", 8, "1280x720")


def test_prompt_length_counts_a_lone_surrogate_as_one_code_unit() -> None:
    """Text from a scanned repository may hold lone surrogates (names decoded with
    surrogateescape); counting must not raise (compress, plan lint and Runway's create all
    count), and UTF-16 counts such a unit once, an emoji twice."""
    from sorafilm_nb.capabilities import prompt_length

    assert prompt_length("a\udcffb") == 3
    assert prompt_length("a\U0001f600") == 3
    assert prompt_length("plain") == 5
