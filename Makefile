# make       set up (venv, Python packages, Debian tools) and build everything with doit
# make test  set up the same way and run the lint and the test suite
VENV   := .venv
BIN    := $(CURDIR)/$(VENV)/bin
STAMP  := $(VENV)/.installed
export PATH := $(BIN):$(HOME)/.cargo/bin:$(PATH)

.PHONY: all setup tools bytecode test lint journeys bench clean

all: setup
	doit

setup: $(STAMP) tools bytecode

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev,llm,cluster,s3]'
	touch $@

tools: $(STAMP)
	python -m atomik_tasks tools --install --tests

# Every doit call imports the package: compile it once here, since an interpreter run with
# PYTHONDONTWRITEBYTECODE=1 (set on this kind of machine) would otherwise compile it on every call.
bytecode: $(STAMP)
	python -m compileall -q atomik_tasks dodo.py bench

lint: setup
	ruff check .
	ruff format --check .
	lint-imports

test: lint
	pytest
	$(MAKE) journeys

# Journeys a user takes outside this checkout: a wheel in a fresh venv, its own project, `doit` to a bitstream
# (it installs from the package registries, as a user's pip and npm do).
journeys: setup
	python tests/journeys/own_project.py

bench: setup
	python bench/bench_core.py
	python bench/bench_verify.py

clean:
	rm -rf build
