# One target per job; CI calls `make test` unchanged. Each target creates .venv when needed.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
OUT    ?= out
# Every core; a notebook's cells share one kernel, so each file stays on one worker.
XDIST  ?= -n auto --dist loadfile

.PHONY: demo install-demo test test-browser bench lint install clean eval

$(STAMP): pyproject.toml hatch_build.py
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[notebook,dev]'
	@touch $(STAMP)

# The C scanner in the work tree, rebuilt when its source changes (pip built it at install).
SCANNER := $(VENV)/.pyscan-built
$(SCANNER): sorafilm_nb/analysis/_pyscan.c $(STAMP)
	$(PY) hatch_build.py
	@touch $@

install: $(STAMP)

# What the demo needs and no more: the core package (about 45 packages, 470 MB), not the
# notebook and dev extras (about 150 packages, 1 GB: JupyterLab, Django, Playwright), which
# `make test` and `make install` add. pip is not --quiet here: a first install takes minutes
# and a newcomer should see it move.
CORE_STAMP := $(VENV)/.installed-core
$(CORE_STAMP): pyproject.toml hatch_build.py
	@test -x $(PY) || { echo "== creating the virtual environment $(VENV)"; $(PYTHON) -m venv $(VENV); }
	@echo "== installing the core package into $(VENV) (about 45 packages, 470 MB; first time only)"
	@$(PY) -m pip install --progress-bar on --disable-pip-version-check -e .
	@touch $@

# The C scanner for the demo's environment (pip built it at install; rebuilt when it changes).
CORE_SCANNER := $(VENV)/.pyscan-built-core
$(CORE_SCANNER): sorafilm_nb/analysis/_pyscan.c $(CORE_STAMP)
	@echo "== compiling the C scanner (optional: without a compiler analysis is 3-5x slower)"
	@$(PY) hatch_build.py
	@touch $@

install-demo: $(CORE_STAMP)

# The whole flow on the embedded simulator: no key, no network, no spend (simulated jobs are
# booked in the sandbox ledger, never the real one). The film lands in $(OUT)/demo/film.mp4.
demo: $(CORE_STAMP) $(CORE_SCANNER)
	@echo "== 1/2 reading this repository: its concepts and the visual gag each is cast as"
	@$(VENV)/bin/sorafilm analyze . --top 8
	@rm -rf $(OUT)/demo
	@echo "== 2/2 making the film on the embedded simulator: plan, reserve in the sandbox ledger, render, stitch"
	@$(VENV)/bin/sorafilm film --repo . --out $(OUT)/demo
	@echo "== done: open $(OUT)/demo/film.mp4 (report: $(OUT)/demo/report.md); notebooks: make install, then $(VENV)/bin/jupyter lab notebooks/01_quickstart.ipynb"

test: $(STAMP) $(SCANNER)
	$(VENV)/bin/ruff check .
	$(PY) -m pytest -m "not browser" $(XDIST) --nbval-lax --nbval-cell-timeout=300 tests notebooks

# The JupyterLab-in-a-real-browser check: Debian's chromium driven by Playwright.
test-browser: $(STAMP) $(SCANNER)
	@command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium >/dev/null)
	$(PY) -m pytest -m browser tests/browser

bench: $(STAMP) $(SCANNER)
	@command -v ctags >/dev/null || (apt-get update -qq && apt-get install -y -qq universal-ctags >/dev/null) || echo "no ctags: bench_analysis compares with raw read time"
	@for b in benchmarks/bench_*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check sorafilm_nb tests benchmarks

clean:
	rm -rf $(OUT) .pytest_cache .ruff_cache

# Issue 12's film-quality evaluation: films the golden set (eval/golden.toml: 12 pinned PyPI and
# npm packages, downloaded once into .eval/, then offline), prints each film's figures and the
# targets with PASS/FAIL, and writes $(OUT)/eval/gallery.html for a person to judge. Planning
# only: no video API, no spend. EVAL_ARGS=--strict fails the build when a target fails.
eval: $(STAMP) $(SCANNER)
	$(PY) eval/run.py --out $(OUT)/eval $(EVAL_ARGS)
