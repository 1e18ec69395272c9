"""redact: the one home for what a secret looks like and how it is masked."""

from __future__ import annotations

import pytest

from sorafilm_nb.redact import MASK, find, redact

KEYS = [
    "sk-proj-" + "A1b2C3d4E5f6G7h8I9j0",
    "ghp_" + "a" * 36,
    "AKIA" + "ABCDEFGHIJKLMNOP",
    "AIza" + "x" * 35,
    "key_" + "0123456789abcdef0123456789abcdef",
    "xoxb-" + "1234567890-abcdef",
]


@pytest.mark.parametrize("key", KEYS)
def test_every_credential_shape_is_masked_wherever_it_stands(key: str) -> None:
    text = f"error: the server said ({key}) twice: {key}."
    out = redact(text)
    assert key not in out and out.count(MASK) == 2
    assert out.startswith("error: the server said (")


def test_the_value_of_a_secret_environment_variable_is_masked_whatever_its_shape(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("RUNWAYML_API_SECRET", "plain-words-nobody-would-flag")
    assert redact("echo: plain-words-nobody-would-flag") == f"echo: {MASK}"
    assert redact("abc plain words", extra=["plain words"]) == f"abc {MASK}"


def test_personal_data_is_found_for_lint_but_left_in_messages() -> None:
    text = "write to ada@example.org, or see http://localhost:8080/v1"
    assert redact(text) == text
    kinds = {pat.id for pat, _ in find(text)}
    assert {"email", "private-url"} <= kinds


def test_overlapping_matches_are_masked_once_and_short_text_is_untouched() -> None:
    text = "Authorization: Bearer " + "sk-" + "z" * 30
    out = redact(text)
    assert "zzzz" not in out and out.count(MASK) >= 1
    assert redact("sk-2") == "sk-2"
    assert redact("sk-2 is a fine shot name") == "sk-2 is a fine shot name"
