"""The Plan record and its views: what a film would be and cost, before any money moves.

plan() (story.planning) builds it; the studio, the faces and the CLI read it. A plan's text
comes from an untrusted repository, and lint blocks one that holds a secret, but plan.json,
plan.md and the printed tables are written whether it is blocked or not. So every view meant
to leave the process (to_dict/to_json, to_markdown, shot_table) passes ``redact(strict=True)``:
credentials, personal data, private hosts, local paths and random-looking tokens come out as
``[redacted]``. The Plan itself keeps the real text.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ..markup import md_cell, md_code, md_fence, md_file, md_no_tex, md_text
from ..money.cost import Cost, left_of
from ..redact import masked, redact
from .boards import Storyboard
from .captions import Caption
from .continuity import Reference
from .findings import ERROR, WARNING, Finding
from .prompts import ShotPrompt, Tier

if TYPE_CHECKING:
    import pandas as pd


SCHEMA = "sorafilm-plan/1"


def _plain_cents(cost: Cost) -> str:
    """Decimal cents as plain text: "80", "12.5" (never "8E+1")."""
    text = format(cost.cents, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _money(cost: Cost) -> dict[str, str]:
    """Exact money for JSON: Decimal cents and dollars as strings, never floats."""
    return {
        "cents": _plain_cents(cost),
        "dollars": str(cost.dollars.quantize(Decimal("0.01"))),
        "currency": cost.currency,
    }


@dataclass(frozen=True)
class Plan:
    storyboard: Storyboard
    prompts: tuple[ShotPrompt, ...]  # one per shot, same order
    tier: Tier | int
    costs: tuple[Cost, ...]  # one per shot, same order
    total: Cost
    findings: tuple[Finding, ...]
    id: str  # stable content hash of the plan (same inputs -> same id)
    remaining: Cost | None = None  # the budget left when planned (ledger or --monthly-budget)
    prices_source: str = ""  # where the prices came from, and as of when
    unpriced: tuple[int, ...] = ()  # shots the price table cannot price (costed 0, plan blocked)
    # The film's words on its stitched timeline (captions.film_captions): title and caption
    # cards are stills made here, so they take screen time but no video seconds and cost $0.
    captions: tuple[Caption, ...] = ()
    # Continuity (story/continuity.py): the look ("first" or an image path, never saved:
    # the studio copies the image into the film folder), chain mode, each shot's reference.
    look: str | None = None
    chain: bool = False
    references: tuple[Reference | None, ...] = ()
    continuity_note: str = ""
    # False: the film is made without audio where the model can leave it out (Veo:
    # generate_audio = false, priced at the price file's no_audio price if it lists one).
    audio: bool = True

    @property
    def provider(self) -> str:
        """Whose models render it (capabilities.PROVIDERS)."""
        return getattr(self.storyboard, "provider", "openai")

    def reference_text(self, index: int) -> str:
        """Which image shot ``index`` starts from, in words ("" for none)."""
        ref = self.references[index] if index < len(self.references) else None
        if ref is None:
            return ""
        return ref.describe([s.id for s in self.storyboard.shots])

    @property
    def blocked(self) -> bool:
        """True when any finding is an error: the plan must not be submitted."""
        return any(f.severity == ERROR for f in self.findings)

    # -- views -----------------------------------------------------------------------------

    @property
    def cap(self) -> int:
        return self.tier.tokens if isinstance(self.tier, Tier) else int(self.tier)

    @property
    def tier_label(self) -> str:
        return self.tier.label if isinstance(self.tier, Tier) else f"{self.cap} tokens"

    @property
    def seconds(self) -> int:
        return self.storyboard.seconds

    @property
    def total_text(self) -> str:
        """The total as shown to people: "$9.60", or "$8.40 + ? (1 shot unpriced)"."""
        if not self.unpriced:
            return str(self.total)
        n = len(self.unpriced)
        return f"{self.total} + ? ({n} shot{'s' if n > 1 else ''} unpriced)"

    def cost_text(self, index: int) -> str:
        return "?" if index in self.unpriced else str(self.costs[index])

    def cards(self) -> tuple[Caption, ...]:
        """The caption cards (title included): stills, at $0."""
        return tuple(c for c in self.captions if c.kind != "lower-third")

    @property
    def cards_text(self) -> str:
        """ "3 caption cards (9 s on screen) at $0", or "" when the film has none."""
        cards = self.cards()
        if not cards:
            return ""
        held = sum(c.seconds for c in cards)
        n = len(cards)
        return f"{n} caption card{'s' if n > 1 else ''} ({held:g} s on screen) at $0"

    def _card_held(self) -> dict[str | None, str]:
        """Each card's seconds on screen, as the tables write them, by the shot it opens
        (None: the closing card). A table that wrote a card's 0 video seconds read as a card
        the film skips; its screen time, marked as a card's, is what the film shows."""
        return {c.shot_id: f"{c.seconds:g}" for c in self.cards()}

    @property
    def shots_text(self) -> str:
        """ "9 shots", or "1 shot" (single-12 makes one)."""
        n = len(self.storyboard.shots)
        return f"{n} shot{'' if n == 1 else 's'}"

    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == ERROR)

    def warnings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == WARNING)

    def rows(self) -> list[dict[str, Any]]:
        """One dict per shot: what the tables, the JSON and the frame are made of."""
        out = []
        for shot, prompt, cost in zip(self.storyboard.shots, self.prompts, self.costs, strict=True):
            out.append(
                {
                    "shot": shot.id,
                    "index": shot.index,
                    "beat": shot.beat,
                    "title": shot.title,
                    "caption": getattr(shot, "caption", None),
                    "card": getattr(shot, "card", None),
                    "seconds": shot.seconds,
                    "model": shot.model,
                    "size": shot.size,
                    "concept": shot.cast.concept.name if shot.cast else None,
                    "kind": shot.cast.concept.kind if shot.cast else None,
                    "metaphor": shot.cast.metaphor.id if shot.cast else None,
                    "tokens": prompt.tokens,
                    "tokens_before": prompt.tokens_before,
                    "fits": prompt.fits,
                    "compression": list(prompt.steps),
                    "cost": cost,
                    "prompt": prompt.text,
                }
            )
        return out

    def to_dict(self) -> dict[str, Any]:
        """The plan as plain data for JSON, every string masked (see the module docstring)."""
        data: dict[str, Any] = masked(self._dict(), strict=True)
        data["id"] = self.id  # our own content hash: never a secret, and studio matches on it
        return data

    def _dict(self) -> dict[str, Any]:
        board = self.storyboard
        profile = board.casting.profile
        shots = []
        for row in self.rows():
            row = dict(row)
            row["cost"] = None if row["index"] in self.unpriced else _money(row["cost"])
            shots.append(row)
        return {
            "schema": SCHEMA,
            "id": self.id,
            "repo": {"name": profile.name, "title": profile.title},
            "theme": board.casting.library.theme,
            "template": board.template.id,
            "target_seconds": board.target_seconds,
            "seconds": board.seconds,
            "provider": self.provider,
            "model": board.model,
            "size": board.size,
            "continuity": {
                "look": None if self.look is None else "first" if self.look == "first" else "image",
                "chain": self.chain,
                "shots": [None if r is None else r.to_dict() for r in self.references],
                "note": self.continuity_note,
            },
            "tier": {
                "name": self.tier.name if isinstance(self.tier, Tier) else "CUSTOM",
                "cap": self.cap,
            },
            "shots": shots,
            # only when off, so the plan.json of a film with audio reads as it always did
            **({} if self.audio else {"audio": False}),
            "unused": [e.concept.name for e in board.unused],
            "total": _money(self.total),
            "total_complete": not self.unpriced,
            "captions": [
                {
                    "start_ms": round(c.start * 1000),
                    "end_ms": round(c.end * 1000),
                    "kind": c.kind,
                    "text": c.text,
                    "shot": c.shot_id,
                    "cost": _money(Cost.zero(self.total.currency)),
                }
                for c in self.captions
            ],
            "end_card": board.end_card,
            "remaining": _money(self.remaining) if self.remaining is not None else None,
            "prices": self.prices_source,
            "blocked": self.blocked,
            "findings": [
                {
                    "rule": f.rule,
                    "severity": f.severity,
                    "message": f.message,
                    "hint": f.hint,
                    "shot": f.shot_index + 1 if f.shot_index is not None else None,
                    "where": getattr(f, "where", ""),
                }
                for f in self.findings
            ],
        }

    def to_json(self, indent: int | None = 2) -> str:
        """The plan as JSON: each shot's seconds, model, size, prompt, tokens and cost, and the
        total. Money is exact: cents and dollars as decimal strings."""
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    def summary(self) -> str:
        """One line: shots, seconds, model, size, tier, the estimate and the free cards."""
        b = self.storyboard
        cards = f"; {self.cards_text}" if self.cards_text else ""
        return (
            f"{self.shots_text}, {b.seconds} s (target {b.target_seconds} s) on "
            f"{b.model} at {b.size}, prompts ≤ {self.cap} tokens ({self.tier_label}): "
            f"{self.total_text}{cards}"
        )

    def __repr__(self) -> str:  # the storyboard inside would print the whole repository
        b = self.storyboard
        lint = (
            f"{len(self.errors())} errors, {len(self.warnings())} warnings"
            if self.findings
            else "no findings"
        )
        return (
            f"Plan({self.id}, {b.template.id}, theme {b.casting.library.theme}, "
            f"{self.shots_text}, {b.seconds} s on {b.model} at {b.size}, {self.tier_label}, "
            f"{self.total_text}, {lint}{', blocked' if self.blocked else ''})"
        )

    def _repr_markdown_(self) -> str:
        """A notebook shows the summary, the shot table and the lint; the prompts are in
        plan.prompts and in to_markdown() (eleven prompts would bury the table)."""
        return self.to_markdown(prompts=False)

    def to_markdown(self, prompts: bool = True, *, file: bool = False) -> str:
        """The plan as markdown: summary, shot table, lint and, unless prompts=False, every
        prompt; masked (see the module docstring). Its amounts are never typeset as TeX
        (markup.md_no_tex); the prompts' fenced blocks stay as written. file=True: for
        plan.md, read as text: every "$" as "$" (markup.md_file)."""
        text = redact(self._markdown(prompts), strict=True)
        return md_file(text) if file else md_no_tex(text)

    def _markdown(self, prompts: bool) -> str:
        # Mask first, then escape: escaping breaks a secret's shape (a URL's "://"), after
        # which no pattern would find it.
        def text(s: str) -> str:
            return md_text(redact(s, strict=True))

        def cell(s: str) -> str:
            return md_cell(redact(s, strict=True))

        b = self.storyboard
        profile = b.casting.profile
        lines = [
            f"# Plan for {text(profile.title or profile.name)}: {text(b.template.title)}",
            "",
            f"Plan {md_code(self.id)} · template {md_code(b.template.id)} · "
            f"theme {md_code(b.casting.library.theme)}",
            "",
            f"{text(self.summary())}.",
            "",
            f"**Estimated cost: {self.total_text}**"
            + (f" (prices: {self.prices_source})" if self.prices_source else ""),
        ]
        if self.remaining is not None:
            lines += ["", f"Budget this month: {left_of(self.remaining)}."]
        lines += ["", "Token budgets bound prompt length; they do not change the per-second price."]
        lines += ["", "| # | beat | s | tokens | cost | title |", "|---|---|---:|---:|---:|---|"]
        zero = Cost.zero(self.total.currency)
        held = self._card_held()
        for row in self.rows():
            mark = "" if row["fits"] else " ⚠"
            if row["card"]:
                lines.append(
                    f"| | {cell(row['beat'])} | {held.get(row['shot'], '')} | | {zero} | "
                    f"{cell(self._card_label(row['index'], row['card']))} |"
                )
            if row["caption"]:
                row = {**row, "title": f"{row['title']} — “{row['caption']}”"}
            lines.append(
                f"| {row['index'] + 1} | {cell(row['beat'])} | {row['seconds']} | "
                f"{row['tokens']}{mark} | {self.cost_text(row['index'])} | "
                f"{cell(row['title'])} |"
            )
        if b.end_card:
            lines.append(
                f"| | | {held.get(None, '')} | | {zero} | {cell('End card: ' + b.end_card)} |"
            )
        lines.append(
            f"| | **total** | **{b.seconds}** | | **{self.total_text}** | "
            f"{'video seconds; the cards are stills' if held else ''} |"
        )
        if self.cards_text:
            lines += ["", f"Cards are stills made here: {text(self.cards_text)}."]
        if b.unused:
            lines += [
                "",
                "Left out (no clip left for them): "
                + ", ".join(text(e.concept.name) for e in b.unused)
                + ".",
            ]
        lines += ["", "## Lint", ""]
        if not self.findings:
            lines.append("No findings.")
        for f in self.findings:
            where = f" (shot {f.shot_index + 1})" if f.shot_index is not None else ""
            lines.append(
                f"- **{f.severity}** {md_code(f.rule)}{where}: {text(f.message)}. "
                f"*Fix:* {text(f.hint)}"
            )
        if any(self.references) or self.continuity_note:
            lines += ["", "## Continuity", ""]
            for row in self.rows():
                said = self.reference_text(row["index"])
                if said:
                    lines.append(f"- {text(row['shot'])} starts from {text(said)}")
            if self.continuity_note:
                lines += ["", text(self.continuity_note)]
        if not prompts:
            return "\n".join(lines) + "\n"
        lines += ["", "## Prompts"]
        for row in self.rows():
            lines += [
                "",
                f"### {text(row['shot'])} · {text(row['title'])} ({row['seconds']} s, "
                f"{self.cost_text(row['index'])}, {row['tokens']} tokens)",
                "",
                md_fence(redact(row["prompt"], strict=True)),
            ]
        return "\n".join(lines) + "\n"

    def _card_label(self, index: int, card: str) -> str:
        return f"{'Title card' if index == 0 else 'Card'}: {card}"

    def frame(self) -> pd.DataFrame:
        """The shots as a pandas table (pandas is imported here, not with the package)."""
        import pandas as pd

        rows = []
        for row in self.rows():
            cost: Cost = row.pop("cost")
            row.pop("compression")
            row.pop("caption")
            row.pop("card")
            unpriced = row["index"] in self.unpriced
            row["cents"] = None if unpriced else cost.cents
            row["cost"] = self.cost_text(row["index"])
            rows.append(row)
        columns = [
            "shot",
            "beat",
            "seconds",
            "model",
            "size",
            "tokens",
            "tokens_before",
            "fits",
            "cents",
            "cost",
            "title",
            "concept",
            "kind",
            "metaphor",
            "prompt",
            "index",
        ]
        return pd.DataFrame(rows, columns=columns).set_index("shot")

    def shot_table(self) -> str:
        """The plain-text shot table the CLI prints, masked (see the module docstring)."""
        return redact(self._shot_table(), strict=True)

    def _shot_table(self) -> str:
        head = f"{'shot':<8}{'beat':<31}{'s':>3}{'tokens':>8}{'cost':>9}  title"
        out = [head, "-" * len(head)]
        held = self._card_held()
        for row in self.rows():
            beat = row["beat"] if len(row["beat"]) <= 30 else row["beat"][:29] + "…"
            tokens = f"{row['tokens']}{'' if row['fits'] else '!'}"
            zero = str(Cost.zero(self.total.currency))
            if row["card"]:
                label = self._card_label(row["index"], row["card"])
                seconds = held.get(row["shot"], "")
                out.append(f"{'card':<8}{beat:<31}{seconds:>3}{'':>8}{zero:>9}  {label}")
            out.append(
                f"{row['shot']:<8}{beat:<31}{row['seconds']:>3}{tokens:>8}"
                f"{self.cost_text(row['index']):>9}  {row['title']}"
            )
            if row["caption"]:
                out.append(f"{'':<8}{'':<31}{'':>3}{'':>8}{'':>9}  “{row['caption']}”")
        end = self.storyboard.end_card
        if end:
            zero = str(Cost.zero(self.total.currency))
            seconds = held.get(None, "")
            out.append(f"{'card':<8}{'':<31}{seconds:>3}{'':>8}{zero:>9}  End card: {end}")
        out.append("-" * len(head))
        stills = "  video seconds; the cards are stills" if held else ""
        out.append(f"{'total':<39}{self.seconds:>3}{'':>8}{self.total_text:>9}{stills}")
        return "\n".join(out)
