# cgkg: two-command quick start.  `make run` builds the graph and answers a question;
# `make test` runs the test suite.  Both create the virtual environment when needed.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench clean install

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/kg build corpus/ --out graph/
	$(BIN)/kg query adopters --mechanism 五社联动 --graph graph/

test: $(STAMP)
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check kg tests benchmarks scripts
	$(BIN)/ruff format --check kg tests benchmarks scripts
	$(BIN)/mypy kg

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py
	$(BIN)/python benchmarks/queries.py

clean:
	rm -rf graph build *.egg-info
