# Two commands for a fresh machine: `make book` and `make test` (see README.md).
SHELL := /bin/bash
export PATH := $(HOME)/.local/bin:$(PATH)
UV ?= uv
RUN := $(UV) run --frozen
JOBS ?= auto

.PHONY: setup browser data book lab test bench clean

setup: .venv/.synced

# uv is installed from PyPI when missing; the lock file pins every package.
.venv/.synced: pyproject.toml uv.lock
	@command -v $(UV) >/dev/null || python3 -m pip install --user --quiet uv || python3 -m pip install --quiet --break-system-packages uv
	$(UV) sync --frozen
	@touch $@

# Debian's Chromium for the browser tests (only installable as root; otherwise must be present).
browser:
	@command -v chromium >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "Chromium ontbreekt: installeer het Debian-pakket 'chromium' (sudo apt-get install chromium)."; exit 1; fi; }

data: setup
	@test -f data/clients.csv || $(RUN) activering data genereer

book: setup data
	$(RUN) jupyter-book build . -W --keep-going
	@echo ""
	@echo "Het boek staat klaar. Open in je browser: file://$(CURDIR)/_build/html/index.html"
	@echo "Of start een lokale server: $(RUN) python -m http.server -d _build/html 8000 --bind 127.0.0.1"

lab: setup data
	$(RUN) activering casus notebooks
	$(RUN) jupyter lab --notebook-dir=$(CURDIR)

test: setup browser data
	$(RUN) pytest -n $(JOBS) --dist loadgroup

bench: setup data
	$(RUN) python bench/generate.py

clean:
	rm -rf _build .pytest_cache
