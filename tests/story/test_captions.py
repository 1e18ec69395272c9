"""Captions: the contract between story, render and the faces, and the WebVTT track."""

from __future__ import annotations

import pytest

from sorafilm_nb.story.captions import Caption, reading_seconds, to_webvtt, vtt_time


def test_webvtt_is_ordered_timed_and_one_line_per_cue() -> None:
    track = to_webvtt(
        [
            Caption(5.0, 8.5, "Blueprint: routes you\nregister on an app later", shot_id="s2"),
            Caption(0.0, 3.0, "Flask", kind="title"),
        ]
    )
    assert track.splitlines() == [
        "WEBVTT",
        "",
        "1",
        "00:00:00.000 --> 00:00:03.000",
        "Flask",
        "",
        "2",
        "00:00:05.000 --> 00:00:08.500",
        "Blueprint: routes you register on an app later",
    ]
    assert track.endswith("\n")


def test_hostile_text_cannot_open_a_tag_or_end_a_cue() -> None:
    track = to_webvtt([Caption(1, 2, "<script>x</script> --> 00:00:09.000 &amp;")])
    cue = track.splitlines()[4]
    assert "<" not in cue and ">" not in cue.replace("&gt;", "")
    assert cue.count("-->") == 0 and "&amp;amp;" in cue
    assert len(track.splitlines()) == 5  # the text stayed one line


def test_bad_captions_are_refused_and_reading_time_grows_with_words() -> None:
    with pytest.raises(ValueError, match="start < end"):
        Caption(3, 3, "x")
    with pytest.raises(ValueError, match="some text"):
        Caption(0, 1, " \n ")
    assert vtt_time(3725.5) == "01:02:05.500"
    assert reading_seconds("one") == 1.5
    assert reading_seconds("a b c d e f g h i j k l") == 4.0
