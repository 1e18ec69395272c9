"""studio: a Plan in, a Film out.

``runner.Studio`` is the facade: it reserves each shot in the ledger (``booking``), creates,
polls and downloads each job (``pipeline``), has ``render`` stitch the film, and resumes or
reruns a folder after a crash (``reconcile``); ``state`` holds each shot's status record and
the progress events; ``folder`` is the film folder, its lock and ``manifest.json`` (``Film``).
This is the one stage that moves money, and the only one that talks to both the ledger and a
backend.
"""
