"""Simulated runs cost nothing, so they are booked in a sandbox ledger, never the real one."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from provider_fixtures import *  # noqa: F403 - no keys (autouse), repo, small_doubles
from provider_fixtures import small_cli
from sim_fixtures import *  # noqa: F403 - the simulator fixtures
from studio_child import make_plan

from sorafilm_nb.backends._sim_handler import Handler
from sorafilm_nb.backends.base import is_simulated
from sorafilm_nb.backends.openai_api import OpenAIBackend, SimulatorMismatch, _is_loopback
from sorafilm_nb.cli import main
from sorafilm_nb.money.ledger import Ledger, default_path
from sorafilm_nb.studio.runner import Studio

# the CLI's simulator: 256x144 animatics, each drawn once (provider_fixtures)
pytestmark = pytest.mark.usefixtures("small_doubles", "animatics_drawn_once")


def test_sandbox_path_follows_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SORAFILM_SIM_LEDGER", raising=False)
    monkeypatch.delenv("SORAFILM_LEDGER", raising=False)
    monkeypatch.setenv("SORAFILM_DATA_DIR", str(tmp_path))
    assert default_path() == tmp_path / "ledger.sqlite3"
    assert default_path(simulator=True) == tmp_path / "simulator-ledger.sqlite3"
    monkeypatch.setenv("SORAFILM_SIM_LEDGER", str(tmp_path / "mine.sqlite3"))
    assert default_path(simulator=True) == tmp_path / "mine.sqlite3"


def test_a_studio_on_the_simulator_books_in_the_sandbox(simulator, tmp_path: Path) -> None:
    backend = OpenAIBackend.for_simulator(simulator)
    with Studio(backend) as studio:
        assert studio.ledger.path == default_path(simulator=True)
        film = studio.run(make_plan(2, tag="sandbox"), tmp_path / "film")
    assert film.film is not None
    assert not default_path().exists(), "a simulated run must not create the real ledger"
    with Ledger(default_path(simulator=True)) as sandbox:
        assert sandbox.spent().whole_cents == 80  # 2 × 4 s × 10 ¢/s, priced like real jobs


def test_a_base_url_at_the_simulator_books_in_the_sandbox(simulator, tmp_path: Path) -> None:
    """`sorafilm simulate` reached through a base URL (a gateway test, say) is still the
    simulator: its header says so, and the ledger is chosen from it before the first job."""
    backend = OpenAIBackend(api_key=simulator.api_key, base_url=simulator.base_url, name="remote")
    with Studio(backend) as studio:
        assert studio.ledger.path == default_path(simulator=True)
        assert dict(simulator.calls) == {"list": 1}  # one free probe, before any create
        film = studio.run(make_plan(1, tag="gateway"), tmp_path / "film")
    assert film.film is not None
    assert not default_path().exists(), "simulated spend must not reach the real ledger"
    assert simulator.calls["list"] == 1  # asked once, remembered


class _NotTheSimulator(BaseHTTPRequestHandler):
    """A local server that answers like the API but never says it is the simulator: a
    gateway on 127.0.0.1 in front of the real API looks like this."""

    def do_GET(self) -> None:
        body = json.dumps(
            {"object": "list", "data": [], "first_id": None, "last_id": None, "has_more": False}
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def local_gateway() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _NotTheSimulator)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()


def test_a_local_server_that_does_not_say_so_is_real(local_gateway: str) -> None:
    for name in ("remote", "simulator"):  # a name is not evidence
        backend = OpenAIBackend(api_key="sk-test", base_url=local_gateway, name=name)
        assert not backend.is_simulator()
        assert Ledger.for_run(simulated=is_simulated(backend)).path == default_path()


def test_a_remote_url_is_real_without_asking(monkeypatch: pytest.MonkeyPatch) -> None:
    """The simulator only binds 127.0.0.1: any other host is real, whatever it would say,
    and no request is made to find out (192.0.2.1 is TEST-NET: a request would hang).

    Every connection the process opens is counted (and refused at once): a wall-time bound
    (1 s) stood for it, which a loaded disk could pass (opening the ledger waits on it), and
    which a machine without a route to TEST-NET, where a request fails at once, never
    caught."""
    import socket

    tried: list[object] = []

    def refuse(address: object, *args: object, **kwargs: object) -> socket.socket:
        tried.append(address)
        raise OSError("this test connects nowhere")

    monkeypatch.setattr(socket, "create_connection", refuse)
    backend = OpenAIBackend(api_key="sk-test", base_url="http://192.0.2.1:9/v1", name="simulator")
    assert Ledger.for_run(simulated=is_simulated(backend)).path == default_path()
    assert tried == []


def test_a_server_that_stops_saying_so_starts_no_more_jobs(
    simulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Believed to be the simulator (sandbox ledger), then an answer without the header:
    the job that answer started is named in the error, and no further job is sent."""
    backend = OpenAIBackend(api_key=simulator.api_key, base_url=simulator.base_url, name="remote")
    assert Ledger.for_run(simulated=is_simulated(backend)).path == default_path(simulator=True)
    shot = {"prompt": "a kettle", "model": "sora-2", "seconds": 4, "size": "1280x720"}
    backend.create(**shot)  # type: ignore[arg-type]
    monkeypatch.setattr(Handler, "send_response", BaseHTTPRequestHandler.send_response)
    with pytest.raises(SimulatorMismatch) as info:
        backend.create(**shot)  # type: ignore[arg-type]
    second = simulator.jobs()[-1]["id"]
    assert f"job {second} " in str(info.value) and "sandbox" in str(info.value)
    with pytest.raises(SimulatorMismatch, match="nothing was sent"):
        backend.create(**shot)  # type: ignore[arg-type]
    assert simulator.calls["create"] == 2 and len(simulator.jobs()) == 2
    assert not backend.is_simulator()
    assert Ledger.for_run(simulated=is_simulated(backend)).path == default_path()


def test_loopback_means_this_machine_only() -> None:
    for url in (
        "http://127.0.0.1:8/v1",
        "http://127.9.9.9/v1",
        "http://[::1]:8/v1",
        "http://LOCALHOST:8/v1",
    ):
        assert _is_loopback(url), url
    for url in (
        "https://api.openai.com/v1",
        "http://10.0.0.1/v1",
        "http://localhost.evil/v1",
        "http://127.0.0.1.nip.io/v1",
        "http://[::2]/v1",
        "not a url",
    ):
        assert not _is_loopback(url), url


def film_argv(root: Path, out: Path, *extra: str) -> list[str]:
    """`sorafilm film` of a one-shot film of the repository at root into out."""
    return ["film", "--repo", str(root), "--template", "single-12", "--out", str(out), *extra]


@pytest.mark.slow  # a whole film through the CLI
def test_cli_film_without_real_leaves_the_real_ledger_alone(
    tmp_path: Path, repo: Path, capsys
) -> None:
    code = main(film_argv(repo, tmp_path / "out", "--sim-seconds", "0.2"))
    out = capsys.readouterr().out
    assert code == 0, out
    assert (tmp_path / "out" / "film.mp4").is_file()
    assert not default_path().exists()
    with Ledger(default_path(simulator=True)) as sandbox:
        assert sandbox.spent().whole_cents > 0
    assert main(["budget", "show", "--simulator"]) == 0
    assert "simulator-ledger.sqlite3" in capsys.readouterr().out


def test_cli_film_with_a_base_url_at_the_simulator_books_in_the_sandbox(
    simulator, tmp_path: Path, repo: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    """`sorafilm simulate` + `sorafilm film --base-url`: the reservations go to the sandbox
    and the real ledger is never even created."""
    monkeypatch.setenv("OPENAI_API_KEY", simulator.api_key)
    out_dir = tmp_path / "out"
    code = main(film_argv(repo, out_dir, "--base-url", simulator.base_url))
    out = capsys.readouterr().out
    assert code == 0, out
    assert (out_dir / "film.mp4").is_file()
    assert not default_path().exists(), "simulated spend must not reach the real ledger"
    with Ledger(default_path(simulator=True)) as sandbox:
        assert sandbox.spent().whole_cents > 0


def test_a_simulated_film_over_the_real_budget_runs_and_says_so(simulator, tmp_path: Path) -> None:
    """Issue 11 item 11, the studio's side: the sandbox never refuses, and the person learns
    that the same film on the real API would not fit the real month, with its figures."""
    from decimal import Decimal

    from sorafilm_nb.money.budget import BudgetWarning, RealBudgetWarning
    from sorafilm_nb.money.cost import Cost

    with Ledger(default_path()) as real:
        real.set_budget(Cost(Decimal(50)))  # $0.50: less than one 4 s shot
    with Ledger.for_simulator() as sandbox:
        sandbox.set_budget(Cost(Decimal(10)))  # even the sandbox's own limit is passed
    backend = OpenAIBackend.for_simulator(simulator)
    # pytest.warns(BudgetWarning): both warnings are expected (pytest.warns of the subclass
    # alone re-emitted the sandbox's own one at exit, into the run's warnings summary)
    with Studio(backend) as studio, pytest.warns(BudgetWarning) as caught:
        film = studio.run(make_plan(2, tag="over-real"), tmp_path / "film")
    assert film.ok, film.summary()
    real_said = [w for w in caught if w.category is RealBudgetWarning]
    assert len(real_said) == 1, [str(w.message) for w in caught]
    text = str(real_said[0].message)
    assert str(default_path()) in text and "$0.80" in text and "sorafilm budget set" in text
    # each warning (the real month's, and the sandbox's own limit passed, a BudgetWarning
    # from the ledger) is said at the caller's line (a notebook cell; here this test), not
    # at a line of ours ("booking.py:101: BudgetWarning: ...")
    ours = [w for w in caught if issubclass(w.category, BudgetWarning)]
    assert len({w.category for w in ours}) == 2
    assert {w.filename for w in ours} == {__file__}
    assert any("real ledger" in note for note in film.notes)
    with Ledger(default_path()) as real:
        assert real.records() == []  # nothing was booked against the real month


def test_the_command_line_says_a_budget_warning_as_one_clean_line(
    tmp_path: Path, repo: Path
) -> None:
    """`sorafilm film` printed the warnings module's default shape, our source line first
    ("/.../studio/runner.py:239: RealBudgetWarning: on the real API ..."): the person wants
    the message, said like every other line of ours. A child process: in this one pytest
    records every warning, so none would be printed. The child is `sorafilm` as
    `python -m sorafilm_nb` runs it (cli.run), its simulator drawing 256x144 (SMALL_CLI):
    only its stderr is read."""
    import os
    from decimal import Decimal

    from sorafilm_nb.money.cost import Cost

    with Ledger(default_path()) as real:
        real.set_budget(Cost(Decimal(50)))  # $0.50: less than the film's $1.20
    root = Path(__file__).resolve().parents[2]
    done = small_cli(
        *film_argv(repo, tmp_path / "out", "--sim-seconds", "0.2"),
        env={**os.environ, "PYTHONPATH": str(root)},
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    said = [line for line in done.stderr.splitlines() if "on the real API" in line]
    assert len(said) == 1 and said[0].startswith("sorafilm: warning: on the real API"), said
    assert ".py:" not in done.stderr and "RealBudgetWarning" not in done.stderr


def test_only_our_warnings_take_the_command_lines_shape() -> None:
    """Anyone else's warning keeps the warnings module's shape (it is for a developer)."""
    import warnings

    from sorafilm_nb.cli import _said_as_ours
    from sorafilm_nb.money.budget import RealBudgetWarning

    said = _said_as_ours(warnings.formatwarning)
    ours = said(RealBudgetWarning("over"), RealBudgetWarning, "runner.py", 239)
    assert ours == "sorafilm: warning: over\n"
    key = "sk-proj-" + "Ab3dE5gH7jK9mN1pQ3sT5vX7zB9dF1hJ"
    masked = said(RealBudgetWarning(f"over at {key}"), RealBudgetWarning, "runner.py", 239)
    assert key not in masked and masked.startswith("sorafilm: warning: over at ")
    theirs = said(DeprecationWarning("old"), DeprecationWarning, "lib.py", 7, "")
    assert theirs.startswith("lib.py:7: DeprecationWarning: old")


def test_each_reservation_names_the_repository_the_film_is_of(simulator, tmp_path: Path) -> None:
    """Issue 15's 'who spent it': the studio passes the plan's repository as the project,
    by its name, not its title ("Demo"): a title is free text, and a cap (exact match) set
    on the project's name let a film titled otherwise through."""
    backend = OpenAIBackend.for_simulator(simulator)
    with Ledger(tmp_path / "ledger.sqlite3") as ledger:
        film = Studio(backend, ledger).run(make_plan(2, tag="who"), tmp_path / "film")
        assert film.ok, film.summary()
        assert {r.project for r in ledger.records()} == {"demo"}


@pytest.mark.parametrize(
    ("package_json", "heading", "project"),
    [
        ('{"name": "@acme/kettle-js"}', "Kettle", "kettle-js"),  # a tarball's folder: "package"
        ('{"name": "x<script>y</script>"}', "Kettle", "kettle"),  # no registry takes it
        ("{}", "+cmd|' /C calc'!A0", "from-env"),  # no name at all: $SORAFILM_PROJECT's
    ],
)
def test_spend_is_booked_under_the_project_s_name_not_its_folder_s(
    simulator,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    package_json: str,
    heading: str,
    project: str,
) -> None:
    """Issue ux 7: every npm tarball unpacks to package/, and its spend was booked under
    "package"; the name analysis reads (package.json "name", pyproject [project] name,
    setup.cfg metadata name) is the project's, and a hostile one is no name. A README
    heading that is no name either (a spreadsheet formula) went to the ledger as written."""
    import sorafilm_nb as sf

    monkeypatch.setenv("SORAFILM_PROJECT", "from-env")
    root = tmp_path / "package"
    root.mkdir()
    (root / "package.json").write_text(package_json)
    (root / "README.md").write_text(f"# {heading}\n\nBoils water, politely.\n")
    (root / "index.js").write_text(
        "/** Boil water. */\nexport function boil(litres) { return litres; }\n"
        "/** Pour it. */\nexport class Kettle { pour() { return boil(1); } }\n"
    )
    plan = sf.plan(sf.cast(sf.analyze(root), "kitchen"), template="single-12")
    backend = OpenAIBackend.for_simulator(simulator)
    with Ledger(tmp_path / "ledger.sqlite3") as ledger:
        film = Studio(backend, ledger).run(plan, tmp_path / "film")
        assert film.ok, film.summary()
        assert {r.project for r in ledger.records()} == {project}


def test_the_no_budget_hint_is_for_real_ledger_films_only(simulator, tmp_path: Path) -> None:
    """`sorafilm budget set` sets the REAL budget: a sandbox film's report must not suggest
    it (a sandbox never refuses); a real-ledger film with no budget is told how."""
    from dataclasses import replace

    from sorafilm_nb.studio.report import report_markdown

    with Studio(OpenAIBackend.for_simulator(simulator)) as studio:
        film = studio.run(make_plan(1, tag="hint"), tmp_path / "film")
    report = (tmp_path / "film" / "report.md").read_text(encoding="utf-8")
    assert "no monthly budget is set" not in report
    assert "no monthly budget is set" not in report_markdown(film)  # a notebook's view
    real = replace(film, backend="openai")
    assert "no monthly budget is set (`sorafilm budget set DOLLARS`)" in report_markdown(real)


def test_a_sandbox_films_report_says_what_it_is_of_and_whose_budget(
    simulator, tmp_path: Path
) -> None:
    """A new user's report.md said "Ledger: $0.60 over the $5.00 limit this month." for a
    simulated film (the sandbox's rehearsal budget, no money spent) under "plan 8b828fa0...",
    naming neither the project, the theme nor what each shot showed."""
    import sorafilm_nb as sf
    from sorafilm_nb.money.cost import Cost

    root = tmp_path / "kettle"
    (root / "kettle").mkdir(parents=True)
    (root / "kettle" / "__init__.py").write_text(
        '"""Boils water."""\n\n\nclass Kettle:\n    """Boils water, politely."""\n\n'
        '    def pour(self, cups):\n        """Pour cups of tea."""\n        return cups\n'
    )
    plan = sf.plan(sf.cast(sf.analyze(root), "space"), template="single-12")
    with Ledger.for_simulator() as sandbox:
        sandbox.set_budget(Cost(10))  # ten cents: the film goes over it
    studio = Studio(OpenAIBackend.for_simulator(simulator))
    with studio, pytest.warns(Warning, match="rehearsal budget"):
        film = studio.run(plan, tmp_path / "film")
    assert film.ok, film.summary()
    report = (tmp_path / "film" / "report.md").read_text(encoding="utf-8")
    assert report.startswith("# Film report: kettle · space · single-12\n"), report
    assert f"Plan {plan.id}." in report
    assert "| shot | shows | status |" in report
    shown = [row.split(" | ")[1] for row in report.splitlines() if row.startswith("| shot-0")]
    assert len(shown) == len(film.shots) >= 1, shown
    assert all(
        s.title.startswith(f"{name}: ") for name, s in zip(shown, film.shots, strict=True)
    ), shown
    ledger_line = next(line for line in report.splitlines() if "this month" in line)
    assert ledger_line.startswith("Sandbox ledger (what simulated films would cost; no money")
    assert "over the $0.10 limit" in ledger_line and "Ledger:" not in report


def test_a_reports_new_lines_are_cleaned_and_redacted_from_a_written_manifest(
    tmp_path: Path,
) -> None:
    """The title and the "shows" column come from manifest.json, a file anyone may have
    written (a shared film folder): a key in the repository's title or a shot's title, and
    a right-to-left override, never reach report.md as written."""
    from sorafilm_nb.studio.folder import Film
    from sorafilm_nb.studio.report import report_markdown

    key = "sk-proj-" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6"
    folder = tmp_path / "film"
    folder.mkdir()
    shot = {
        "shot_id": "shot-01", "index": 0, "title": f"Ke\u202ettle {key}: a gag", "beat": "",
        "status": "completed", "job_id": "v1", "reservation_id": None, "seconds": 4,
        "model": "sora-2", "size": "1280x720", "prompt": "p", "currency": "USD",
        "estimated_cents": 40, "billed_cents": 40, "file": None, "sha256": None,
        "duration_s": None, "frame": None, "error": None, "error_code": None, "history": [],
        "caption": "", "card": "", "card_s": 0,
    }  # fmt: skip
    plan = {"repo": {"name": "kettle", "title": f"Kettle {key}"}, "theme": "space"}
    (folder / "manifest.json").write_text(
        json.dumps({"format": "sorafilm-manifest", "version": 1, "plan_id": "p1", "plan": plan,
                    "backend": "simulator", "updated_at": "", "shots": [shot], "film": None,
                    "film_duration_s": None, "notes": [], "captions": None}),
        encoding="utf-8",
    )  # fmt: skip
    report = report_markdown(Film.load(folder))
    assert key not in report and "\u202e" not in report
    assert "Kettle" in report.splitlines()[0] and "| shot-01 | Kettle " in report
