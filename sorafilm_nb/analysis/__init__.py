"""analysis: a repository's files in, a RepoProfile out.

Flow: ``profile.analyze(root)`` lists the files (``files``), reads each one through a scanner
(``scan_python`` with the C scanner ``_pyscan`` when it was compiled, ``scan_js`` for
JavaScript and TypeScript, ``text`` for docstrings and READMEs), caches per-file results
(``cache``), runs the reading in worker processes (``worker``) and ranks what it found
(``rank``). Nothing here knows about metaphors, money or video: the output is a plain,
frozen ``RepoProfile`` of ``Concept``s that the story stage reads.
"""
