# Two commands matter: `make run` starts the bot, `make test` runs every check.
# Without a Slack token (in the environment or .env), `make run` opens the sandbox instead: the
# real bot behind a local page that behaves like Slack, with a demo backlog.
# Each creates .venv and installs the pinned dependencies (requirements.lock) on first use:
# `make run` only what the bot needs, `make test` (and lint, format, bench) the dev tools too.
# `make install` is the production path: the runtime dependencies, no dev tools, no editable
# checkout (VENV=/opt/backlog-bot make install to put it elsewhere).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
RUN_STAMP := $(VENV)/.installed-run-stamp
PIP := $(BIN)/python -m pip install --quiet --disable-pip-version-check -c requirements.lock

.PHONY: run install test lint format bench clean screenshots

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) -e '.[dev]'
	touch $(STAMP) $(RUN_STAMP)

$(RUN_STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) -e .
	touch $(RUN_STAMP)

# A token counts when it is set and not empty, in the environment or in .env.
HAS_TOKEN = [ -n "$$SLACK_BOT_TOKEN" ] || grep -qsE '^[[:space:]]*(export[[:space:]]+)?SLACK_BOT_TOKEN=["'"'"']?[^"'"'"'[:space:]]' .env

# A checkout already set up for development (make test) runs from that install as it is.
run: $(if $(wildcard $(STAMP)),$(STAMP),$(RUN_STAMP))
	@if $(HAS_TOKEN); then \
		$(BIN)/backlog-bot run $(ARGS); \
	else \
		$(BIN)/python -m bot sandbox --demo $(ARGS); \
	fi

# Regenerates docs/screenshots/*.png with the sandbox's browser journeys (headless Chromium).
screenshots: $(STAMP)
	mkdir -p docs/screenshots
	SANDBOX_SCREENSHOTS=docs/screenshots $(BIN)/python -m pytest -q -m browser tests/sandbox/browser

install:
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) .
	@echo "installed: $(BIN)/backlog-bot (runtime dependencies only)"

test: lint
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy bot storage tests bench
	$(BIN)/lint-imports

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: $(STAMP)
	$(BIN)/python -m bench $(ARGS)

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
