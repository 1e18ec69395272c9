# One target per job; CI calls `make test` unchanged. Each target creates .venv when needed.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
OUT    ?= out
# One worker per core and one more: a file's worker often waits (fsync, a CLI or kernel
# subprocess, a polling loop), and the extra worker fills that core (2 cores, back to back at
# load 2-4: -n 2 3:01, -n 3 2:35, -n 4 2:34 with more CPU). A notebook's cells share one
# kernel, so each file stays on one worker.
XDIST  ?= -n $(shell echo $$(( $$(nproc) + 1 ))) --dist loadfile

.PHONY: demo install-demo test test-fast test-notebooks test-browser test-sanitize test-pythons bench lint install clean eval

# pip's own progress on a terminal; --quiet in a log (CI), where the "==" line before each
# step says what runs: `make install` was silent for two minutes (issue faces2 4).
# ([ -t 1 ] is asked in the recipe's shell: inside $$(...) stdout is always a pipe.)
PIP_INSTALL = q=--quiet; [ -t 1 ] && q=; $(PY) -m pip install $$q --disable-pip-version-check
$(STAMP): pyproject.toml hatch_build.py
	@test -x $(PY) || { echo "== creating the virtual environment $(VENV)"; $(PYTHON) -m venv $(VENV); }
	@echo "== upgrading pip in $(VENV)"
	@$(PIP_INSTALL) --upgrade pip
	@echo "== installing the package with its notebook and dev extras into $(VENV) (about 150 packages, 1 GB; minutes the first time)"
	@$(PIP_INSTALL) -e '.[notebook,dev]'
	@touch $(STAMP)

# The C scanner in the work tree, rebuilt when its source changes (pip built it at install).
SCANNER := $(VENV)/.pyscan-built
$(SCANNER): sorafilm_nb/analysis/_pyscan.c $(STAMP)
	@echo "== compiling the C scanner"
	@$(PY) hatch_build.py
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

# Bytecode caching on for the test run, as Python has it by default: a shell with
# PYTHONDONTWRITEBYTECODE set (this VM's is) made every xdist worker and every CLI subprocess
# recompile each package module edited since its .pyc, and pytest re-rewrite every test
# module's asserts (collection 8.1 -> 3.7 s CPU per process once cached).
TESTENV := PYTHONDONTWRITEBYTECODE=

# Each notebook is executed once: tests/test_saved_notebook*.py run it as its author would
# and check the saved file, and that every cell ran without an error, which is what nbval
# (--nbval-lax) checked on a second execution of its own (~22 s of CPU). nbval's own run,
# where the notebooks film this repository from notebooks/, is `make test-notebooks`, which
# CI runs after `make test`. tests/file_order.py hands the longest files out first.
# -p no:nbval: neither target collects a notebook, and its plugin (nbformat, jupyter_client,
# coverage) loaded in the controller and every worker (~0.2-0.35 s CPU each); test-notebooks
# keeps it. -p no:anyio: no test is async; its plugin imported anyio and asyncio into the
# controller, which imports no SDK (0.13 s CPU), and wrapped every fixture's setup in each
# worker. An `anyio` mark then fails the run (--strict-markers), so none is lost unseen.
NO_NBVAL := -p no:nbval -p no:anyio
test: $(STAMP) $(SCANNER)
	$(VENV)/bin/ruff check .
	$(TESTENV) $(PY) -m pytest -m "not browser" $(NO_NBVAL) $(XDIST) tests

# The quick loop while working: no test marked slow (over about 3 s, or executing a
# notebook). `make test` runs everything.
test-fast: $(STAMP) $(SCANNER)
	$(TESTENV) $(PY) -m pytest -m "not browser and not slow" $(NO_NBVAL) $(XDIST) tests

# The notebooks as nbval runs them, in place (notebooks/conftest.py isolates the user's
# directories): each cell must run without an error; they are saved stripped, so no output is
# compared. CI runs it; make test already executes each notebook once (above).
test-notebooks: $(STAMP) $(SCANNER)
	$(TESTENV) $(PY) -m pytest $(XDIST) --nbval-lax --nbval-cell-timeout=300 notebooks

# The JupyterLab-in-a-real-browser check: Debian's chromium driven by Playwright.
test-browser: $(STAMP) $(SCANNER)
	@command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium >/dev/null)
	$(PY) -m pytest -m browser tests/browser

# The C scanner under AddressSanitizer and UndefinedBehaviorSanitizer: a scratch build (no
# install touched) that tests/analysis/test_pyscan*.py's differential and fuzz tests load through
# SORAFILM_PYSCAN_PATH. Python leaks by design at exit, so leak detection is off; every other
# report aborts the test (-fno-sanitize-recover). PYTHONMALLOC=malloc lets ASan see the
# objects the scanner builds; --capture=sys keeps a report on the terminal.
test-sanitize: $(STAMP)
	@command -v gcc >/dev/null || (apt-get update -qq && apt-get install -y -qq gcc >/dev/null)
	@dir=$$(mktemp -d) && trap 'rm -rf "$$dir"' EXIT && \
	so=$$($(PY) hatch_build.py --into "$$dir" --sanitize) && \
	SORAFILM_PYSCAN_PATH="$$so" LD_PRELOAD="$$(gcc -print-file-name=libasan.so)" \
	ASAN_OPTIONS=detect_leaks=0 PYTHONMALLOC=malloc \
	$(PY) -m pytest -p no:cacheprovider --capture=sys $(XDIST) tests/analysis/test_pyscan*.py

# The C scanner's tests on every other Python minor version requires-python claims (3.11 is
# the .venv's, run by `make test`). Per interpreter: a throwaway venv with only what
# test_pyscan*.py read (pytest, hypothesis; django, openai and httpx as real code to compare
# on; tomli on 3.10), the scanner compiled by that Python into a scratch folder. Every
# interpreter runs; the target fails after the last if any one failed.
PYENV    ?= /root/.pyenv/versions
PYTHONS  ?= $(PYENV)/3.10.13/bin/python3 $(PYENV)/3.12.1/bin/python3 $(PYENV)/3.13.0/bin/python3
test-pythons:
	@failed=""; for py in $(PYTHONS); do \
	  dir=$$(mktemp -d); \
	  echo "== $$($$py --version)"; \
	  { $$py -m venv "$$dir/venv" && \
	    "$$dir/venv/bin/python" -m pip install --quiet --disable-pip-version-check \
	      'pytest>=8.0' 'pytest-xdist>=3.5' 'hypothesis>=6.100' 'django==5.2.*' \
	      'openai>=2.3' httpx "tomli>=2.0; python_version < '3.11'" && \
	    so=$$("$$dir/venv/bin/python" hatch_build.py --into "$$dir/build") && \
	    SORAFILM_PYSCAN_PATH="$$so" PYTHONPATH="$(CURDIR)" "$$dir/venv/bin/python" \
	      -m pytest -p no:cacheprovider -q $(XDIST) tests/analysis/test_pyscan*.py; \
	  } || failed="$$failed $$py"; \
	  rm -rf "$$dir"; \
	done; \
	if [ -n "$$failed" ]; then echo "FAILED on:$$failed"; exit 1; fi

# Every benchmark, each writing its figures (value, same-run baseline, target, PASS/FAIL, load
# average) as JSON lines to $(OUT)/bench.jsonl; one table at the end. BENCH_ARGS=--strict exits
# non-zero when a target is missed or a benchmark exited non-zero.
BENCH_RESULTS := $(OUT)/bench.jsonl
bench: $(STAMP) $(SCANNER)
	@command -v ctags >/dev/null || (apt-get update -qq && apt-get install -y -qq universal-ctags >/dev/null) || echo "no ctags: bench_analysis compares with raw read time"
	@mkdir -p $(OUT) && rm -f $(BENCH_RESULTS)
	@# The package's bytecode, as an installed wheel has it: a shell with PYTHONDONTWRITEBYTECODE
	@# set (this VM's is) never refreshes a stale .pyc, so every timed process recompiled each
	@# module edited since (~50 ms of a warm plan), a cost no user's install pays.
	@PYTHONDONTWRITEBYTECODE= $(PY) -m compileall -q sorafilm_nb >/dev/null
	@exited=""; for b in benchmarks/bench_*.py; do echo "== $$b"; \
	  SORAFILM_BENCH_RESULTS=$(BENCH_RESULTS) $(PY) $$b || exited="$$exited $$b"; done; \
	  $(PY) benchmarks/summary.py $(BENCH_RESULTS) --exited "$$exited" $(BENCH_ARGS)

# ruff, the import contracts of ARCHITECTURE.md ([tool.importlinter]) and mypy ([tool.mypy]).
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check sorafilm_nb tests benchmarks
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy

clean:
	rm -rf $(OUT) notebooks/out .pytest_cache .ruff_cache

# Issue 12's film-quality evaluation: films the golden set (eval/golden.toml: 12 pinned PyPI and
# npm packages, downloaded once into .eval/, then offline), prints each film's figures and the
# targets with PASS/FAIL, and writes $(OUT)/eval/gallery.html for a person to judge. Planning
# only: no video API, no spend. EVAL_ARGS=--strict fails the build when a target fails.
eval: $(STAMP) $(SCANNER)
	$(PY) eval/run.py --out $(OUT)/eval $(EVAL_ARGS)
