"""The faults a double injects: 429s, 5xx, dropped connections, lost creates, slow or cut
downloads, refusals, expiry, late listing, failed jobs.

The embedded simulator and the Veo and Runway fakes share them, so a test says the same thing
to each: ``sim.inject(lose_create_response=1)``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

__all__ = ["Fault", "FaultConfig"]


@dataclass
class Fault:
    """Fire on the next ``count`` matching requests, and/or with ``probability`` on each.

    ``ops`` limits it to some operations: create, list, retrieve, delete, content, remix,
    extend, edit (None: every operation the fault makes sense for).
    """

    count: int = 0
    probability: float = 0.0
    ops: frozenset[str] | None = None
    fired: int = 0  # how many times it has fired, for tests and benchmarks

    def applies(self, op: str) -> bool:
        return self.ops is None or op in self.ops

    def draw(self, op: str, rng: random.Random) -> bool:
        """Whether it fires for this request, consuming one count if so. The caller holds its
        double's lock: the simulator and the fakes share this one rule for when a fault fires."""
        if not self.applies(op):
            return False
        if self.count > 0:
            self.count -= 1
        elif not (self.probability and rng.random() < self.probability):
            return False
        self.fired += 1
        return True


@dataclass
class FaultConfig:
    """Which faults to inject. Each is a :class:`Fault`; all are off by default."""

    rate_limit: Fault = field(default_factory=Fault)  # 429 with Retry-After
    server_error: Fault = field(default_factory=Fault)  # 500
    drop_connection: Fault = field(default_factory=Fault)  # socket closed, no response
    lose_create_response: Fault = field(default_factory=Fault)  # job made, then dropped
    slow_download: Fault = field(default_factory=Fault)  # content throttled
    cut_download: Fault = field(default_factory=Fault)  # content stops halfway, socket closed
    slow_response: Fault = field(default_factory=Fault)  # done, but answered only after a delay
    moderation: Fault = field(default_factory=Fault)  # job fails moderation_blocked
    expire_content: Fault = field(default_factory=Fault)  # completes already expired
    # a new job stays out of list() for register_late_seconds (an eventually consistent index)
    register_late: Fault = field(default_factory=Fault)
    fail_job: Fault = field(default_factory=Fault)  # the job ends failed with fail_message
    retry_after: float = 0.05  # seconds, sent as Retry-After and retry-after-ms
    slow_bytes_per_second: int = 400_000
    slow_response_seconds: float = 2.0  # long enough for a client with a short timeout to quit
    register_late_seconds: float = 2.0  # on the simulator's clock
    fail_message: str = "The video could not be rendered."  # what a fail_job job says
    seed: int | None = None
