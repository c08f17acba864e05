# mentorbot: `make demo` to try it, `make test` to test it. Both set everything up on a fresh machine.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# Two stamps: the demo installs the runtime dependencies only; the tests and checks add the dev
# extras (pytest, Playwright, ruff, mypy) to the same virtualenv.
RUNTIME := $(VENV)/.installed-runtime
DEV     := $(VENV)/.installed-dev
TRANSPORTS := aiogram ptb

.PHONY: demo test lint typecheck check messages clean $(addprefix e2e-,$(TRANSPORTS))

$(RUNTIME): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $(RUNTIME)

$(DEV): $(RUNTIME)
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(DEV)

# The web chat's address is the first line it prints (quieter logs unless LOG_LEVEL is set).
demo: $(RUNTIME)
	@LOG_LEVEL=$${LOG_LEVEL:-WARNING} $(BIN)/mentorbot demo

# Everything but the end-to-end suite, then that suite once per transport, the two runs side by
# side (they mostly wait on HTTP: together they take about as long as one). With PYTEST_ARGS,
# one plain pytest run of what they name.
test: $(DEV)
ifeq ($(strip $(PYTEST_ARGS)),)
	$(BIN)/python -m pytest -q -p no:cacheprovider --ignore=tests/e2e
	$(MAKE) --no-print-directory -j2 --output-sync=target $(addprefix e2e-,$(TRANSPORTS))
else
	$(BIN)/python -m pytest -q -p no:cacheprovider $(PYTEST_ARGS)
endif

# A static pattern rule: make skips implicit rules for phony targets.
$(addprefix e2e-,$(TRANSPORTS)): e2e-%: $(DEV)
	MENTORBOT_TEST_TRANSPORTS=$* $(BIN)/python -m pytest -q -p no:cacheprovider tests/e2e

lint: $(DEV)
	$(BIN)/ruff check bot flows tests
	$(BIN)/ruff format --check bot flows tests

typecheck: $(DEV)
	$(BIN)/mypy

check: lint typecheck test

# Re-extract translatable strings and merge them into every catalog.
messages: $(RUNTIME)
	$(BIN)/pybabel extract -F babel.cfg -k _ -k N_ -k n_:1,2 --no-location --sort-output \
		-o bot/locales/messages.pot bot flows
	$(BIN)/pybabel update -i bot/locales/messages.pot -d bot/locales -D messages --no-fuzzy-matching

clean:
	rm -rf $(VENV) var tests/artifacts
