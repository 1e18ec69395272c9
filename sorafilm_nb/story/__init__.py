"""story: a RepoProfile in, a Plan out: everything decided before any money moves.

Flow: ``casting`` assigns each concept a metaphor from a theme; ``boards`` lays the cast
concepts out as a storyboard of shots in clip lengths the API accepts; ``prompts`` renders
each shot as a prompt within a token tier (``tokens`` counts them); ``lint`` checks the
prompts for what a provider would refuse or what wastes money; ``planning.plan`` runs the
whole chain and prices it into a ``Plan``. Nothing here reserves, spends or calls a backend.
"""
