"""studio: a Plan in, a Film out.

``runner.Studio`` reserves each shot in the ledger, creates the job on a backend, polls,
downloads, stitches and settles; it also resumes and reruns a folder after a crash. ``folder``
is the film folder and its ``manifest.json`` (``Film``). This is the one stage that moves
money, and the only one that talks to both the ledger and a backend.
"""
