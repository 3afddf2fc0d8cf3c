# The two set-up commands: `make demo` (the main job on the bundled sample feeds) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CONTRACT := ../shared/contract/check.py

.PHONY: demo test check lint contract bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

demo: $(VENV)/.installed
	$(BIN)/watcher demo

lint: $(VENV)/.installed-test
	$(BIN)/ruff check watcher tests bench
	$(BIN)/mypy

# The outside contract (CLI, config keys, archive tables, webhook body), when ../shared/contract exists.
contract: $(VENV)/.installed-test
	@if [ -f $(CONTRACT) ]; then $(BIN)/python $(CONTRACT) --watcher $(BIN)/watcher; \
	else echo "contract check skipped: $(CONTRACT) not found"; fi

# What .ci/run runs: lint, types, the suite, then the contract check.
test: lint
	$(BIN)/python -m pytest -q
	$(MAKE) --no-print-directory contract

check: test

bench: $(VENV)/.installed
	$(BIN)/python bench/bench_pipeline.py

clean:
	rm -rf $(VENV) state/*.db state/*.db-* state/demo.toml
