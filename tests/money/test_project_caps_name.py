"""A cap set on a project name the studio never books under is said at once: the studio
books a film under its package's name as registries compare names ("flask"), caps match a
reservation's project exactly, and a cap on "Flask" (the film's title, under which spend
was booked before) silently capped nothing (a reviewer's reproducer)."""

from __future__ import annotations

import warnings
from decimal import Decimal
from pathlib import Path

import pytest

from sorafilm_nb.money.budget import BudgetWarning
from sorafilm_nb.money.cost import Cost
from sorafilm_nb.money.ledger import Ledger


def test_a_cap_on_a_name_the_studio_never_books_under_is_said(tmp_path: Path) -> None:
    with Ledger(tmp_path / "team.sqlite3") as led:
        with pytest.warns(BudgetWarning, match=r"books films under 'flask'.*cap on 'Flask'"):
            led.set_project_cap("Flask", Cost(Decimal(100)))
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # the studio's own form: nothing to say
            led.set_project_cap("flask", Cost(Decimal(100)))
        assert led.project_cap("flask") == Cost(Decimal(100))
