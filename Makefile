# The two commands: `make demo` serves the platform with the demo tenants; `make test` passes the suite.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install demo seed test lint bench

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

install: $(BIN)/.installed

seed: install
	$(BIN)/grassroots db upgrade
	$(BIN)/grassroots demo seed
	$(BIN)/grassroots demo cases

demo: seed
	$(BIN)/gunicorn -c deploy/gunicorn.conf.py --bind $(HOST):$(PORT) 'grassroots.app:create_app()'

test: install
	bash scripts/test.sh

lint: install
	$(BIN)/ruff check platform tests

bench: install
	$(BIN)/python tests/benchmarks/bench_evaluate.py
