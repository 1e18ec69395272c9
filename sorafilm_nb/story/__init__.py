"""story: a RepoProfile in, a Plan out: everything decided before any money moves.

Flow, module by module:

- ``metaphors``: the model, a theme's Style and its Metaphors (MetaphorLibrary);
  ``themes`` reads them from TOML (extends, validation).
- ``scoring``: how well a metaphor plays a concept; ``casting``: one assignment of the
  repository's top concepts to the theme's metaphors (cast() -> Casting).
- ``templates``: story templates (beats and shares); ``boards``: a template timed into shots of
  lengths the API renders (capabilities.clip_seconds()), the cast placed in beats.
- ``prompts``: each shot rendered as a full prompt; ``compress``: cut to a token tier, the
  shared style block the same way in every shot (``tokens`` counts them), by the cuts
  ``compress_steps`` holds.
- ``findings``: the rule catalogue; ``lint_data``: the word lists, secret shapes and
  settings; ``lint``: the rules on one prompt or theme; ``plan_lint``: the rules on a plan.
- ``planning``: plan() runs the chain and prices it into a Plan.

Nothing here reserves, spends or calls a backend.
"""
