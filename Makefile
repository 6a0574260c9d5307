# tokenecon — `make help` lists the targets.
#   make reports   build every report into reports/ (bootstraps .venv on first use)
#   make test      run the test suite (same bootstrap)
PYTHON   ?= python3
VENV     := .venv
BIN      := $(VENV)/bin
LAB_VENV := .venv-lab
STAMP    := $(VENV)/.tokenecon-installed
LAB_STAMP := $(LAB_VENV)/.tokenecon-installed
ARGS     ?=

.DEFAULT_GOAL := help
.PHONY: help reports test test-fast lab data check fetch bench screenshots clean distclean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	@touch $@

$(LAB_STAMP): pyproject.toml constraints.txt
	@test -x $(LAB_VENV)/bin/python || $(PYTHON) -m venv $(LAB_VENV)
	$(LAB_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev,lab]'
	@touch $@

reports: $(STAMP) ## execute every notebook into reports/*.html (ARGS="token_cost -p batch 64" to choose)
	$(BIN)/tokenecon reports $(ARGS)

test: $(STAMP) ## run the whole test suite (two workers: the notebook runs on one, the rest on the other)
	$(BIN)/python -m pytest -n 2 --dist loadgroup $(ARGS)

test-fast: $(STAMP) ## run the tests that execute no notebook
	$(BIN)/python -m pytest -m "not slow" $(ARGS)

lab: $(LAB_STAMP) ## JupyterLab on notebooks/ (own env .venv-lab, so the report env stays lean)
	$(LAB_VENV)/bin/jupyter lab notebooks/ $(if $(filter 0,$(shell id -u)),--allow-root) $(ARGS)

data: $(STAMP) ## rebuild data/ from the raw mirror (env TOKENECON_RAW, default ../shared/sources)
	$(BIN)/tokenecon data build

check: $(STAMP) ## validate every table in data/
	$(BIN)/tokenecon data check

bench: $(STAMP) ## the report build's wall time against the notebooks' code as plain scripts (medians of 3)
	benchmarks/bench_floor.sh

screenshots: $(STAMP) ## desktop and phone screenshots of the built reports into reports/_screenshots (run `make reports` first)
	TOKENECON_REPORTS_DIR=reports TOKENECON_SCREENSHOTS=reports/_screenshots $(BIN)/python -m pytest -q -p no:xdist tests/report/test_browser.py -k every_report

fetch: $(STAMP) ## extend rankings-daily from OpenRouter's Data API (needs OPENROUTER_API_KEY; ARGS="--since 2026-09-01")
	@$(BIN)/tokenecon data fetch $(ARGS)

clean: ## remove built reports (keeps the environments)
	rm -rf reports/*.html reports/*.json reports/*.png reports/_executed reports/_failed
	find . -name __pycache__ -prune -exec rm -rf {} + 2>/dev/null || true

distclean: clean ## also remove the environments
	rm -rf $(VENV) $(LAB_VENV) *.egg-info
