"""How `sorafilm plan` (and `sorafilm film`, before it makes anything) prints a plan: the
summary, the shot table, continuity, the lint findings grouped by fix, the cost and, with
--verbose, the other strategies and every prompt.

Kept apart from cli/plan.py, which holds the command's arguments and builds the plan: the
text grows with each thing a plan can say, the arguments with each option, and one module
holding both had reached the ~500-line limit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .. import capabilities
from ..money.cost import left_of
from ..terminal import printable

if TYPE_CHECKING:
    from ..money.prices import PriceTable


def _same_finding_groups(findings: Any) -> list[list[Any]]:
    """Findings of one rule and one fix on several shots, as one group (first one first):
    a cap every prompt misses is one problem with one fix, not ten of each."""
    groups: dict[tuple[str, str, str], list[Any]] = {}
    order: list[list[Any]] = []
    for f in findings:
        if f.shot_index is None or f.where:  # plan-wide or about a data file: on its own
            order.append([f])
            continue
        key = (f.severity, f.rule, f.hint)
        if key not in groups:
            groups[key] = []
            order.append(groups[key])
        groups[key].append(f)
    return order


def _audio_line(result: Any) -> str:
    """What --no-audio does to this plan, in one line: sent silent and how it is priced."""
    from ..capabilities import sent_silent

    board = result.storyboard
    why = "" if board.casting.library.style.audio else " (the theme is silent)"
    if not sent_silent(result.provider, board.model, False):
        return (
            f"audio: off{why}, but {board.model} cannot leave its sound out: its prompts "
            "ask for silence, and it is priced as with audio"
        )
    return (
        f"audio: off{why} (sent with generate_audio = false, no sound line in the prompts; "
        "priced at the no-audio price where the price file lists one, else at the price "
        "with audio)"
    )


def format_plan(result: Any, *, verbose: bool = False, prices: PriceTable | None = None) -> str:
    """The plan as the CLI prints it: summary, shot table, findings, cost (`sorafilm film`
    prints the same). ``prices`` is the table the plan was priced from; verbose compares the
    other strategies with it (None: the default file of the plan's provider)."""
    import io

    from ..redact import redact

    buf = io.StringIO()
    _print_text(result, verbose, buf, prices)
    # repository text bound for prompts may hold a secret lint has just found: never echo it
    return redact(buf.getvalue(), strict=True).rstrip("\n")


def _print_text(result: Any, verbose: bool, out: Any, prices: PriceTable | None = None) -> None:
    b = result.storyboard
    profile = b.casting.profile
    print(
        f"Plan {result.id} for {printable(profile.title or profile.name)} · "
        f"{printable(b.template.id)} · theme {printable(b.casting.library.theme)}",
        file=out,
    )
    print(printable(result.summary()), file=out)
    if result.provider != "openai":
        print(f"provider: {result.provider}", file=out)
    if not getattr(result, "audio", True):
        print(_audio_line(result), file=out)
    print(file=out)
    print(printable(result.shot_table(), keep_newlines=True), file=out)
    refs = [(row["shot"], result.reference_text(row["index"])) for row in result.rows()]
    if any(said for _, said in refs) or result.continuity_note:
        print("\nContinuity:", file=out)
        for shot_id, said in refs:
            if said:
                print(f"  {shot_id} starts from {said}", file=out)
        if result.continuity_note:
            print(f"  {printable(result.continuity_note)}", file=out)
    if b.unused:
        names = ", ".join(printable(e.concept.name) for e in b.unused)
        print(f"left out (no clip left): {names}", file=out)
    if any(not p.fits for p in result.prompts):
        print("! = the prompt could not be compressed under the tier's cap", file=out)
    print(file=out)
    if result.findings:
        print(
            f"Lint: {len(result.errors())} error(s), {len(result.warnings())} warning(s)", file=out
        )
        for group in _same_finding_groups(result.findings):
            print(f"  {printable(group[0])}", file=out)
            if len(group) > 1:
                shots = ", ".join(str(f.shot_index + 1) for f in group[1:])
                print(f"      the same in shot(s) {shots}", file=out)
            print(f"      fix: {printable(group[0].hint)}", file=out)
    else:
        print("Lint: no findings", file=out)
    print(file=out)
    print(
        f"Estimated cost: {result.total_text}"
        + (f" (prices: {result.prices_source})" if result.prices_source else ""),
        file=out,
    )
    closed = capabilities.closed(result.provider)
    if closed is not None:  # its prices read as a real bill otherwise: say where real is now
        print(f"{closed.said(result.provider)} (`sorafilm providers` lists them)", file=out)
    if result.remaining is not None:
        print(f"Budget this month: {left_of(result.remaining)}", file=out)  # "$3.00 over"
    print("Token budgets bound prompt length; they do not change the per-second price.", file=out)
    if verbose:
        from ..money.strategies import strategies

        print("\nOther ways to make this film:", file=out)
        try:
            ways = strategies(b, prices)
            # names as long as Veo's model ids ("drafts-then-veo-3.1-generate-preview"): the
            # column is as wide as the longest, so the prices line up
            wide = max(24, *(len(s.name) + 2 for s in ways))
            for s in ways:
                cost = "?" if s.notes.startswith("cannot") else str(s.cost)
                print(f"  {s.name:<{wide}}{cost:>10}  {s.description}", file=out)
        except Exception as exc:  # the table may not price this model; say so, go on
            print(f"  (cannot compare: {exc})", file=out)
        for row, prompt in zip(result.rows(), result.prompts, strict=True):
            steps = ", ".join(prompt.steps) or "none"
            print(
                f"\n== {row['shot']} · {printable(row['title'])} ({row['seconds']} s, "
                f"{result.cost_text(row['index'])}, "
                f"{prompt.tokens}/{prompt.tokens_before} tokens; cut: {steps})",
                file=out,
            )
            print(printable(prompt.text, keep_newlines=True), file=out)
