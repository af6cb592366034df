# The two commands a new user needs (see README.md):
#   make run    install qbtime-sync and start the server on the embedded SQLite store
#   make test   install everything the tests need and run the whole suite (this is what CI runs)
PYTHON ?= python3
HOST ?= 127.0.0.1
PORT ?= 8080

.PHONY: run test test-deps lint bench

run:
	$(PYTHON) -m pip install --quiet .
	qbtime init
	qbtime serve --host $(HOST) --port $(PORT)

test-deps:
	bash scripts/install-system-deps.sh
	$(PYTHON) -m pip install --quiet -e '.[test]'

lint:
	ruff format --check .
	ruff check .
	lint-imports
	mypy

test: test-deps lint
	$(PYTHON) -m pytest --cov --cov-report=term

bench:
	$(PYTHON) -m bench
