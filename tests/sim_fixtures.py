"""Pytest fixtures for a running Videos API simulator and a backend pointed at it.

Import them into a conftest (``from sim_fixtures import *  # noqa: F403``) or a test module.
Jobs complete in about 0.2 s (plus the animatic render), so whole pipelines stay fast. The
animatics are drawn at a fifth of the planned size (256x144 for 1280x720, as the studio
tests' simulator draws them; the default is half): these tests read back codecs, durations,
aspects and bytes, never the pixels, and a 640x360 render was most of a job's cost.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sorafilm_nb.backends.openai_api import OpenAIBackend
from sorafilm_nb.backends.simulator import Simulator

__all__ = ["sim_backend", "simulator"]


@pytest.fixture
def simulator() -> Iterator[Simulator]:
    """A simulator on 127.0.0.1 (ephemeral port), stopped after the test whatever happens."""
    with Simulator(job_seconds=0.2, poll_after_ms=50, render_scale=0.2) as sim:
        yield sim


@pytest.fixture
def sim_backend(simulator: Simulator) -> OpenAIBackend:
    """The real openai SDK, over real HTTP, talking to ``simulator``; short timeouts."""
    return OpenAIBackend.for_simulator(
        simulator, timeout=10.0, download_timeout=30.0, max_retries=3
    )
