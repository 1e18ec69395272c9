"""01_quickstart in a real JupyterLab, in a real headless Chromium: the widgets render.

Run with `pytest -m browser tests/browser` (make test-browser). Needs Debian's chromium
(`apt-get install -y chromium`): Playwright's own browsers cannot be downloaded here, so
Playwright drives /usr/bin/chromium. JupyterLab runs on a free port with a token, on a copy
of the notebook in a temp folder (so nothing it writes, autosaves included, touches the
repository), with the ledger and cache in that folder too. The page runs every cell through
JupyterLab's own command, then the test checks what a user would see: the metaphor picker,
one progress bar per shot, and a <video> that the browser has loaded (duration > 0) from
Jupyter's file server, seeking when a shot is clicked; with the file gone, the poster stays;
and the budget picker turns red when a pricier model and size no longer fit the month.
Screenshots are saved for people. A second notebook shows every face of a hostile repository
(tests/hostile_repo.py) live and checks that none of its scripts ran.
"""

from __future__ import annotations

import base64
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = "01_quickstart.ipynb"
CHROMIUM = os.environ.get("SORAFILM_CHROMIUM", "/usr/bin/chromium")
SCREENSHOT = Path(
    os.environ.get(
        "SORAFILM_SCREENSHOT", ROOT / "tests" / "artifacts" / "jupyterlab_quickstart.jpg"
    )
)
BUDGET_SHOT = SCREENSHOT.with_name("jupyterlab_budget_over.jpg")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _api(url: str, token: str, method: str = "GET") -> object:
    req = urllib.request.Request(url, method=method, headers={"Authorization": f"token {token}"})
    with urllib.request.urlopen(req, timeout=5) as resp:
        body = resp.read()
    return json.loads(body) if body else None


class Lab:
    def __init__(self, url: str, token: str, root: Path, log: Path) -> None:
        self.url, self.token, self.root, self.log = url, token, root, log

    def delete_sessions(self, path: str) -> None:
        """Stale kernel sessions for the notebook would run the cells in an old kernel."""
        for session in _api(f"{self.url}/api/sessions", self.token):  # type: ignore[union-attr]
            if session.get("path") == path:
                _api(f"{self.url}/api/sessions/{session['id']}", self.token, "DELETE")


@pytest.fixture
def lab(tmp_path: Path) -> Iterator[Lab]:
    root = tmp_path / "lab"
    (root / "notebooks").mkdir(parents=True)
    shutil.copy(ROOT / "notebooks" / NOTEBOOK, root / "notebooks" / NOTEBOOK)
    env = dict(os.environ)
    for key in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "SORAFILM_API_KEY", "SORAFILM_NOTEBOOK_OUT"):
        env.pop(key, None)
    env.update(
        {
            "SORAFILM_REPO": str(ROOT),  # the notebook films this checkout, not the temp copy
            "JUPYTER_CONFIG_DIR": str(tmp_path / "jupyter-config"),
            "JUPYTER_RUNTIME_DIR": str(tmp_path / "jupyter-runtime"),
            "IPYTHONDIR": str(tmp_path / "ipython"),
        }
    )
    # No "would you like news?" toast over the screenshot, no update check.
    settings = tmp_path / "lab-settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)
    (settings / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False})
    )
    token = secrets.token_hex(16)
    port = _free_port()
    log = tmp_path / "jupyterlab.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "jupyter",
                "lab",
                "--no-browser",
                "--ServerApp.ip=127.0.0.1",
                f"--ServerApp.port={port}",
                "--ServerApp.port_retries=0",
                f"--IdentityProvider.token={token}",
                f"--ServerApp.root_dir={root}",
                "--LabApp.expose_app_in_browser=True",
                "--LabApp.news_url=",
                "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
                "--LabApp.extension_manager=readonly",
                f"--LabApp.user_settings_dir={tmp_path / 'lab-settings'}",
                *(["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []),
            ],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=root,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                _api(f"{url}/api/status", token)
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(
                        "JupyterLab did not start:\n" + log.read_text()[-3000:]
                    ) from None
                time.sleep(0.3)
        yield Lab(url, token, root, log)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


ALL_EXECUTED = """() => {
  const panel = window.jupyterapp.shell.currentWidget;
  if (!panel || !panel.content || !panel.sessionContext.session) return false;
  const kernel = panel.sessionContext.session.kernel;
  const cells = panel.content.model.cells;
  for (let i = 0; i < cells.length; i++) {
    const cell = cells.get(i);
    if (cell.type === 'code' && !cell.executionCount) return false;
  }
  return kernel !== null && kernel.status === 'idle';
}"""

KERNEL_IDLE = """() => {
  const panel = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  const session = panel && panel.sessionContext && panel.sessionContext.session;
  return !!(session && session.kernel && session.kernel.status === 'idle');
}"""

VIDEO_LOADED = """() => {
  const v = document.querySelector('.sorafilm-player video');
  return !!v && v.readyState >= 1 && v.duration > 0;
}"""


def test_quickstart_renders_picker_progress_and_a_playable_film(lab: Lab) -> None:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).is_file():
        pytest.fail(
            f"{CHROMIUM} not found: install Debian's chromium "
            "(apt-get update && apt-get install -y chromium)"
        )
    lab.delete_sessions(f"notebooks/{NOTEBOOK}")
    started = time.monotonic()
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(lab.root.parent / "chromium-profile"),
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1440, "height": 1000},
        )
        try:
            page = context.pages[0] if context.pages else context.new_page()
            page.goto(f"{lab.url}/lab/tree/notebooks/{NOTEBOOK}?token={lab.token}")
            page.wait_for_function(KERNEL_IDLE, timeout=90_000)
            page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
            page.wait_for_function(ALL_EXECUTED, timeout=240_000, polling=500)
            errors = page.locator("[data-mime-type='application/vnd.jupyter.error']")
            assert errors.count() == 0, errors.all_inner_texts()

            # Saved with its outputs, the notebook stays small: no video inside, a poster.
            saved = lab.root / "notebooks" / NOTEBOOK
            before_save = saved.stat().st_mtime_ns
            page.evaluate("() => window.jupyterapp.commands.execute('docmanager:save')")
            deadline = time.monotonic() + 20
            while saved.stat().st_mtime_ns == before_save and time.monotonic() < deadline:
                time.sleep(0.2)
            text = saved.read_text()
            assert "data:image/jpeg;base64," in text  # the player's poster
            blobs = [
                base64.b64decode(b)
                for b in re.findall(r"data:[\w/+.-]+;base64,([A-Za-z0-9+/=]+)", text)
            ]
            assert blobs and not any(b"ftyp" in blob[:64] for blob in blobs)  # no mp4 inside
            assert "video/mp4" not in text and len(text) < 400_000, len(text)
            print(
                f"saved notebook: {len(text)} bytes; {len(blobs)} embedded "
                f"images, largest {max(len(b) for b in blobs)} bytes"
            )

            picker = page.locator(".sorafilm-metaphor-picker").first
            assert picker.is_visible()
            rows = picker.locator(".sorafilm-metaphor-row")
            assert rows.count() >= 3
            assert rows.first.locator("select").count() == 1
            assert rows.first.locator("input[type='text']").count() == 1

            progress = page.locator(".sorafilm-job-progress").first
            bars = progress.locator(".sorafilm-shot-bar")
            n_bars = bars.count()
            assert n_bars >= 4
            assert (
                f"{n_bars} of {n_bars} shots done"
                in progress.locator(".sorafilm-progress-summary").inner_text()
            )

            page.wait_for_function(VIDEO_LOADED, timeout=60_000)
            video = page.locator(".sorafilm-player video").first
            info = video.evaluate(
                "v => ({src: v.currentSrc, duration: v.duration, "
                "poster: v.poster.slice(0, 23), w: v.videoWidth})"
            )
            assert "/files/notebooks/out/" in info["src"] and info["src"].endswith("/film.mp4")
            assert info["duration"] > 10 and info["w"] > 0
            assert info["poster"] == "data:image/jpeg;base64,"

            shots = page.locator(".sorafilm-player .sorafilm-shot")
            assert shots.count() == n_bars
            target = shots.nth(2)
            start = float(target.get_attribute("data-start") or "nan")
            target.locator(".sorafilm-shot-seek").click()
            page.wait_for_function(
                f"() => Math.abs(document.querySelector('.sorafilm-player video')"
                f".currentTime - {start}) < 1.5",
                timeout=10_000,
            )
            assert "sorafilm-shot-current" in (target.get_attribute("class") or "")

            page.locator(".sorafilm-player").first.scroll_into_view_if_needed()
            page.evaluate("() => window.scrollBy(0, 0)")
            SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOT), type="jpeg", quality=60)

            # A reader without the film file still sees the poster, and a note says why.
            film = Path(lab.root / "notebooks" / info["src"].split("/files/notebooks/")[1])
            film.rename(film.with_suffix(".moved"))
            # a fresh request (the media cache would replay the old bytes): Jupyter says 404
            video.evaluate("v => { v.src = v.currentSrc + '?after-move'; v.load(); }")
            page.wait_for_selector(".sorafilm-player-missing", state="attached", timeout=10_000)
            assert "not here" in page.locator(".sorafilm-player-note").first.inner_text()
            assert video.evaluate("v => v.poster.startsWith('data:image/jpeg')")

            # The budget picker re-estimates in the kernel and turns red over budget.
            budget = page.locator(".sorafilm-budget").first
            budget.scroll_into_view_if_needed()
            selects = budget.locator("select")
            estimate = budget.locator(".sorafilm-estimate")
            # Picking another metaphor re-plans in the kernel: the estimate names a new plan.
            before = estimate.inner_text()
            first_row = page.locator(".sorafilm-metaphor-picker .sorafilm-metaphor-row").first
            choices = first_row.locator("select option")
            assert choices.count() >= 2
            current = first_row.locator("select").input_value()
            other = next(
                v
                for v in (choices.nth(i).get_attribute("value") for i in range(choices.count()))
                if v != current
            )
            first_row.locator("select").select_option(other)
            page.wait_for_function(
                "before => document.querySelector('.sorafilm-budget .sorafilm-estimate')"
                ".textContent !== before",
                arg=before,
                timeout=30_000,
            )
            assert "plan " in estimate.inner_text()
            selects.nth(1).select_option("sora-2-pro")
            page.wait_for_function(
                "() => document.querySelector('.sorafilm-budget .sorafilm-estimate')"
                ".textContent.includes('sora-2-pro')",
                timeout=30_000,
            )
            selects.nth(2).select_option("1792x1024")  # $0.50/s: 88 s = $44.00 > $41.20 left
            # ... but the quickstart books in the sandbox ledger: a simulated film costs
            # nothing and is never refused, so the picker says so instead of turning red (and
            # never disables the app's button): the estimate still names the price it would be
            page.wait_for_function(
                "() => document.querySelector('.sorafilm-budget .sorafilm-estimate')"
                ".textContent.includes('1792x1024')",
                timeout=30_000,
            )
            assert "simulated: no real money" in estimate.inner_text()
            assert "$44.00" in estimate.inner_text()
            assert page.locator(".sorafilm-budget.sorafilm-simulated").count() >= 1
            assert page.locator(".sorafilm-budget.sorafilm-over-budget").count() == 0
            assert "never refused" in budget.inner_text()
            budget.screenshot(path=str(BUDGET_SHOT), type="jpeg", quality=70)

            # The one-call app: its button runs the studio in a kernel thread; the bars
            # move while the kernel stays free, then its own player appears.
            app = page.locator(".sorafilm-studio").first
            app.locator(".sorafilm-make button, button.sorafilm-make").first.click()
            page.wait_for_function(
                "() => { const v = document.querySelector('.sorafilm-studio .sorafilm-player "
                "video'); return !!v && v.readyState >= 1 && v.duration > 0; }",
                timeout=120_000,
            )
            summary = app.locator(".sorafilm-progress-summary").inner_text()
            done, _of, total = summary.split()[:3]
            assert done == total, summary
        finally:
            context.close()
    assert SCREENSHOT.stat().st_size + BUDGET_SHOT.stat().st_size < 300_000
    print(f"quickstart in JupyterLab: {time.monotonic() - started:.1f} s; screenshot {SCREENSHOT}")


HOSTILE_CELLS = [
    """\
import sys
from pathlib import Path
sys.path.insert(0, {tests!r})
from hostile_repo import hostile_app
from IPython.display import HTML, Markdown, display
from sorafilm_nb.ui import ConceptTable, concept_table
app = hostile_app(Path({repo!r}), Path("out"))
display(concept_table(app.profile, limit=None))
ConceptTable(app.profile, limit=None)""",
    "display(Markdown(app.plan.to_markdown()))\napp",
    """\
film = app.make_film()
display(film)  # its report, as a notebook shows it (report.md, a file, is read as text)
app.player_box.children[0]""",
    # The control: the same kind of payload, put there on purpose, does fire in this page,
    # so a payload from the repository that had become live would have been seen.
    'display(Markdown("control: $x^2$"))\nHTML("<img src=x onerror=\\"window.__control=1\\">")',
]


def test_a_hostile_repository_runs_no_script_in_jupyterlab(lab: Lab, tmp_path: Path) -> None:
    """Every face of a repository whose names, docstrings and README hold <script>, <img
    onerror> and markdown links, rendered live in JupyterLab: nothing of it runs."""
    import nbformat
    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(ROOT / "tests"))
    from hostile_repo import make_hostile_repo

    if not Path(CHROMIUM).is_file():
        pytest.fail(f"{CHROMIUM} not found: apt-get update && apt-get install -y chromium")
    repo = make_hostile_repo(tmp_path / "evil")
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(c.format(tests=str(ROOT / "tests"), repo=str(repo)))
        for c in HOSTILE_CELLS
    ]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    nbformat.write(nb, lab.root / "notebooks" / "hostile.ipynb")
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(lab.root.parent / "chromium-profile"),
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1440, "height": 1000},
        )
        try:
            page = context.pages[0] if context.pages else context.new_page()
            page.goto(f"{lab.url}/lab/tree/notebooks/hostile.ipynb?token={lab.token}")
            page.wait_for_function(KERNEL_IDLE, timeout=90_000)
            page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
            page.wait_for_function(ALL_EXECUTED, timeout=240_000, polling=500)
            errors = page.locator("[data-mime-type='application/vnd.jupyter.error']")
            assert errors.count() == 0, errors.all_inner_texts()
            page.wait_for_function("() => window.__control === 1", timeout=10_000)
            page.wait_for_timeout(1500)  # late images and widget views have rendered
            seen = page.evaluate(
                """() => ({
                  pwned: window.__pwned,
                  imgs: [...document.querySelectorAll('.jp-OutputArea img')]
                    .map(i => i.getAttribute('src'))
                    .filter(s => !s.startsWith('data:image/')),
                  scripts: document.querySelectorAll('.jp-OutputArea script').length,
                  math: [...document.querySelectorAll('.jp-OutputArea mjx-container')]
                    .map(m => m.parentElement.textContent.slice(0, 160)),
                  links: [...document.querySelectorAll('.jp-OutputArea a[href]')]
                    .map(a => a.getAttribute('href'))
                    .filter(h => !h.startsWith('#'))  // a heading's own anchor goes nowhere
                    .filter(h => h.includes('evil') || h.startsWith('javascript:')),
                  text: document.querySelector('.jp-Notebook').innerText,
                  markdown: [...document.querySelectorAll('.jp-OutputArea .jp-RenderedMarkdown')]
                    .map(e => e.textContent).join(' '),
                  table: document.querySelector('.jp-OutputArea table.sorafilm-concepts')
                    ?.innerText,
                })"""
            )
        finally:
            context.close()
    assert seen["pwned"] is None, "a script from the repository ran"
    assert len(seen["imgs"]) == 1, seen["imgs"]  # the control's image only (src=x, resolved)
    assert seen["scripts"] == 0 and seen["links"] == []
    # the repository's TeX ($\style{...}{m}$, \(\href{...}{k}\)) is shown, not typeset; the
    # control's $x^2$ is
    assert "control: x2" in seen["math"]
    # and nothing else is: our own money ("$0.80 | ... | $0.80" in the plan's table, "Estimated:
    # $0.80. Billed: $0.80." in the film's report) was paired into formulas, rows swallowed (16
    # of them before markup.md_no_tex)
    assert seen["math"] == ["control: x2"], seen["math"]
    # the money reads as written ("Estimated: $7.20. Billed: $7.20.")
    assert re.search(r"Estimated: \$\d+\.\d\d\. Billed: \$\d+\.\d\d\.", seen["markdown"])
    assert re.search(r"Estimated cost: \$\d+\.\d\d", seen["markdown"]), seen["markdown"][:300]
    assert "$\\style{position:fixed}{m}$" in seen["table"], seen["math"]
    assert "<script>window.__pwned=1</script>" in seen["text"]  # shown, as text
    assert "onerror=window.__pwned=1" in seen["text"]
