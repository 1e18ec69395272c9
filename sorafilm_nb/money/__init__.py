"""money: prices in, reservations and history out.

``cost`` holds ``Cost`` (Decimal cents, never floats); ``prices`` the dated price tables;
``strategies`` what a storyboard would cost and the ways to make it (the one module that
reads the story's types). ``ledger.Ledger`` is the durable spend ledger, assembled from
``store`` (the location and its transactions; ``sqlitefile`` opens a file safely, ``pgstore``
the team ledger's server), ``budget`` (limits and months), ``reservations`` (reserve before a
job) and ``transitions`` (attach, settle or release after), ``interchange``
(CSV) and ``records`` (the row dataclasses); ``migrations`` is its append-only schema history;
``reports`` the history frames and monthly reports read from it. Nothing here calls or
inspects a backend: the studio moves the money and says whether a run is simulated.
"""
