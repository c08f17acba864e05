# mentorbot: `make demo` to try it, `make test` to test it. Both set everything up on a fresh machine.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lint typecheck check messages clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# The web chat's address is the first line it prints (quieter logs unless LOG_LEVEL is set).
demo: $(STAMP)
	@LOG_LEVEL=$${LOG_LEVEL:-WARNING} $(BIN)/mentorbot demo

test: $(STAMP)
	$(BIN)/python -m pytest -q -p no:cacheprovider $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check bot flows tests
	$(BIN)/ruff format --check bot flows tests

typecheck: $(STAMP)
	$(BIN)/mypy

check: lint typecheck test

# Re-extract translatable strings and merge them into every catalog.
messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _ -k N_ -k n_:1,2 --no-location --sort-output \
		-o bot/locales/messages.pot bot flows
	$(BIN)/pybabel update -i bot/locales/messages.pot -d bot/locales -D messages --no-fuzzy-matching

clean:
	rm -rf $(VENV) var tests/artifacts
