# One target per job; CI calls `make test` unchanged. Each target creates .venv when needed.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
OUT    ?= out
# Every core; a notebook's cells share one kernel, so each file stays on one worker.
XDIST  ?= -n auto --dist loadfile

.PHONY: demo test test-browser bench lint install clean eval

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

# The whole flow on the embedded simulator: no key, no network, no spend (simulated jobs are
# booked in the sandbox ledger, never the real one). The film lands in $(OUT)/demo/film.mp4.
demo: $(STAMP) $(SCANNER)
	$(VENV)/bin/sorafilm analyze . --top 8
	rm -rf $(OUT)/demo
	$(VENV)/bin/sorafilm film --repo . --out $(OUT)/demo
	@echo "open $(OUT)/demo/film.mp4 (report: $(OUT)/demo/report.md); notebooks: $(VENV)/bin/jupyter lab notebooks/01_quickstart.ipynb"

test: $(STAMP) $(SCANNER)
	$(VENV)/bin/ruff check .
	$(PY) -m pytest -m "not browser" $(XDIST) --nbval-lax --nbval-cell-timeout=300 tests notebooks

# The JupyterLab-in-a-real-browser check: Debian's chromium driven by Playwright.
test-browser: $(STAMP) $(SCANNER)
	@command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium >/dev/null)
	$(PY) -m pytest -m browser tests/browser

# Every benchmark, each writing its figures (value, same-run baseline, target, PASS/FAIL, load
# average) as JSON lines to $(OUT)/bench.jsonl; one table at the end. BENCH_ARGS=--strict exits
# non-zero when a target is missed or a benchmark exited non-zero.
BENCH_RESULTS := $(OUT)/bench.jsonl
bench: $(STAMP) $(SCANNER)
	@command -v ctags >/dev/null || (apt-get update -qq && apt-get install -y -qq universal-ctags >/dev/null) || echo "no ctags: bench_analysis compares with raw read time"
	@mkdir -p $(OUT) && rm -f $(BENCH_RESULTS)
	@exited=""; for b in benchmarks/bench_*.py; do echo "== $$b"; \
	  SORAFILM_BENCH_RESULTS=$(BENCH_RESULTS) $(PY) $$b || exited="$$exited $$b"; done; \
	  $(PY) benchmarks/summary.py $(BENCH_RESULTS) --exited "$$exited" $(BENCH_ARGS)

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
