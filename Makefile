# The two commands of the README's quick start: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test bench setup clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@# pip compiles what it installs, but not an editable project: compile it too, so that no run pays for it
	$(BIN)/python -m compileall -q huimao_sheets
	touch $(STAMP)

setup: $(STAMP)

demo: $(STAMP)
	$(BIN)/huimao-sheets demo

test: $(STAMP)
	$(BIN)/python -m pytest -n 2

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py --sizes 20k,20k-shared,100k --repeat 3

clean:
	rm -rf $(VENV) demo-out outbox .huimao
