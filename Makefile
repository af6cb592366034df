# The two commands a new user needs (see README.md):
#   make run    create (or reuse) the project virtual environment .venv, install qbtime-sync into it
#               and start the server on the embedded SQLite store
#   make test   the same with everything the tests need (Debian packages too), then lint and the
#               whole suite (this is what CI runs)
#   make coverage   the suite under coverage with its report (several times slower: coverage's
#               tracer on Python 3.11 costs about 6x on the end-to-end tests, so CI runs without it)
# PYTHON picks the interpreter that makes .venv (default python3); VENV another folder for it.
PYTHON ?= python3
VENV ?= .venv
HOST ?= 127.0.0.1
PORT ?= 8080
# pytest-xdist: one worker per core (at most 4); each worker starts its own throwaway PostgreSQL
PYTEST_ARGS ?= -n auto --maxprocesses=4
BIN := $(VENV)/bin

.PHONY: run venv test test-deps lint bench coverage

venv:
	bash scripts/venv.sh "$(PYTHON)" "$(VENV)"

run: venv
	$(BIN)/qbtime init
	$(BIN)/qbtime serve --host $(HOST) --port $(PORT)

test-deps:
	PYTHON="$(PYTHON)" bash scripts/install-system-deps.sh
	bash scripts/venv.sh "$(PYTHON)" "$(VENV)" test

lint: test-deps
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/mypy

test: test-deps lint
	$(BIN)/python -m pytest $(PYTEST_ARGS)

coverage: test-deps
	$(BIN)/python -m pytest --cov --cov-report=term $(PYTEST_ARGS)

bench: venv
	$(BIN)/python -m bench
