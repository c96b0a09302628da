# Two commands on a fresh machine: `make demo` and `make test`. Everything else is optional.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lint bench clean venv sysdeps

# The virtualenv is rebuilt only when the project's metadata changes.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $(STAMP)

venv: $(STAMP)

# System packages some tests need: redis-server (multi-worker tests), chromium and a CJK font
# (the headless real-browser report test). Installed when missing and when we are root with apt;
# tests skip with a reason otherwise.
sysdeps:
	@bash scripts/sysdeps.sh

demo: $(STAMP)
	$(BIN)/xxgk demo --out demo-output

test: $(STAMP) sysdeps
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check xxgk crawler checks reports tests

bench: $(STAMP)
	bash bench/run.sh

clean:
	rm -rf $(VENV) demo-output build *.egg-info
