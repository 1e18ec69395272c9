"""money: prices in, reservations and history out.

``prices`` holds ``Cost`` and the dated price tables (and what a storyboard would cost);
``ledger`` is the durable spend ledger (reserve before a job, attach, settle or release
after); ``migrations`` its append-only schema history; ``reports`` the history frames and
monthly reports read from it. Nothing here calls a backend: the studio moves the money.
"""
