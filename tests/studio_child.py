"""Helpers for the studio tests, and the child process the kill test SIGKILLs mid-poll.

As a script: ``python tests/studio_child.py BASE_URL OUT_DIR LEDGER SHOTS SECONDS`` runs a film
against a simulator the parent started; the key comes from the environment (OPENAI_API_KEY),
never from argv, so it does not show in `ps`.

As a module: make_plan() builds a small, real Plan (real dataclasses, costs from the real price
table) without analysing a repository, so the studio tests do not depend on the analyser.
"""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

from sorafilm_nb.analysis.profile import Concept, RepoProfile
from sorafilm_nb.money.cost import total
from sorafilm_nb.money.prices import PriceTable
from sorafilm_nb.story.boards import Beat, Shot, Storyboard, StoryTemplate
from sorafilm_nb.story.casting import (
    CastEntry,
    Casting,
    MatchRule,
    Metaphor,
    MetaphorLibrary,
    Style,
)
from sorafilm_nb.story.planning import Plan
from sorafilm_nb.story.prompts import ShotPrompt, Tier

STYLE = Style(
    name="1920s silent-film comedy",
    look="warm sepia, film grain",
    palette=("sepia", "cream", "charcoal"),
    setting="a 1920s kitchen",
    protagonist="a programmer in a bowler hat",
    lighting="window light",
    sound="intertitles only",
)


def make_plan(
    shots: int = 3,
    *,
    seconds: int = 4,
    model: str = "sora-2",
    size: str = "1280x720",
    refuse: tuple[int, ...] = (),
    tag: str = "",
) -> Plan:
    """A Plan of `shots` shots; the shot indices in `refuse` carry the simulator's refusal
    marker in their prompt. `tag` makes the prompts (and so the plan id) unique per test."""
    metaphor = Metaphor(
        id="kitchen.milk-wont-pour",
        matches=MatchRule(kinds=("exception",)),
        gag="a milk carton that will not pour",
        props=("milk carton",),
        beat="error cascade",
        seconds=seconds,
        tone="slapstick",
    )
    concept = Concept(
        name="ImportError",
        kind="exception",
        file="loader.py",
        line=3,
        summary="caught 3 times",
        score=1.0,
    )
    profile = RepoProfile(
        root="/nowhere",
        name="demo",
        title="Demo",
        description="",
        concepts=(concept,),
        files_scanned=1,
    )
    library = MetaphorLibrary(theme="kitchen", title="Kitchen", style=STYLE, metaphors=(metaphor,))
    entry = CastEntry(concept=concept, metaphor=metaphor, score=1.0)
    casting = Casting(profile=profile, library=library, entries=(entry,))
    template = StoryTemplate(
        id="test",
        title="Test",
        target_seconds=shots * seconds,
        beats=(Beat(name="error cascade", purpose="p", share=1.0),),
    )
    board_shots = tuple(
        Shot(
            index=i,
            beat="error cascade",
            seconds=seconds,
            model=model,
            size=size,
            cast=entry,
            title=f"Shot {i + 1}: the milk won't pour",
        )
        for i in range(shots)
    )
    board = Storyboard(
        template=template,
        casting=casting,
        shots=board_shots,
        target_seconds=shots * seconds,
        model=model,
        size=size,
    )
    prompts = []
    for i in range(shots):
        text = (
            f"Style: {STYLE.name}. {tag} Shot {i + 1}: a programmer tips a milk carton "
            f"over a glass; nothing comes out."
        )
        if i in refuse:
            text += " [refuse]"
        prompts.append(
            ShotPrompt(
                shot_index=i,
                text=text,
                tokens=len(text.split()),
                tokens_before=len(text.split()),
                cap=Tier.LOW.tokens,
            )
        )
    table = PriceTable.load()
    costs = tuple(table.cost(s.model, s.size, s.seconds) for s in board_shots)
    digest = hashlib.sha256("\n".join(p.text for p in prompts).encode()).hexdigest()[:16]
    return Plan(
        storyboard=board,
        prompts=tuple(prompts),
        tier=Tier.LOW,
        costs=costs,
        total=total(costs),
        findings=(),
        id=f"plan-{digest}",
    )


def main(argv: list[str]) -> int:
    from sorafilm_nb.backends.openai_api import OpenAIBackend
    from sorafilm_nb.money.ledger import Ledger
    from sorafilm_nb.studio.runner import Studio

    base_url, out_dir, ledger_path, shots, seconds = argv
    backend = OpenAIBackend(
        api_key=os.environ["OPENAI_API_KEY"], base_url=base_url, name="simulator"
    )  # resumed on the same simulator
    plan = make_plan(int(shots), seconds=int(seconds), tag="kill-test")
    studio = Studio(
        backend,
        Ledger(ledger_path),
        concurrency=int(shots),
        max_poll_interval=0.2,
        min_poll_interval=0.05,
    )
    film = studio.run(plan, Path(out_dir))
    print(film.summary(), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
