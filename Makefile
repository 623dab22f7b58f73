# Two commands for a fresh machine: `make book` and `make test` (see README.md).
SHELL := /bin/bash
export PATH := $(HOME)/.local/bin:$(PATH)
UV ?= uv
RUN := $(UV) run --frozen
JOBS ?= auto

.PHONY: setup system data hub-proxy book pdf lab lab-docent test bench clean

setup: .venv/.synced

# uv is installed from PyPI when missing; the lock file pins every package. Bytecode is compiled at
# install time: with PYTHONDONTWRITEBYTECODE set (as on some CI machines) every process, every
# kernel included, would otherwise compile pandas, altair and Jupyter from source again.
.venv/.synced: pyproject.toml uv.lock
	@command -v $(UV) >/dev/null || python3 -m pip install --user --quiet uv || python3 -m pip install --quiet --break-system-packages uv
	$(UV) sync --frozen --compile-bytecode
	@# deduce (names in free text) builds its lookup structures once (≈75 s) into the user cache folder
	$(UV) run --frozen python -c "from activering.anonimisering.freetext import get_deduce; get_deduce()"
	$(UV) run --frozen python -m compileall -q src
	@touch $@

# Debian packages for the tests: Chromium (browser tests, PDF portfolio), bubblewrap (sandbox for grading)
# and npm (configurable-http-proxy for the JupyterHub test; skipped when Node.js and npm are already there).
SYSTEM_PACKAGES := chromium:chromium bwrap:bubblewrap npm:npm
system:
	@missing=""; for pair in $(SYSTEM_PACKAGES); do command -v $${pair%%:*} >/dev/null || missing="$$missing $${pair##*:}"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "Ontbrekende Debian-pakketten:$$missing (installeer met: sudo apt-get install$$missing)"; exit 1; fi; fi

data: setup
	@test -f data/clients.csv || $(RUN) activering data genereer

# configurable-http-proxy (npm) for the JupyterHub set-up in grading/jupyterhub; the lock file pins it.
HUB_DIR := grading/jupyterhub
HUB_PROXY := $(HUB_DIR)/node_modules/.bin/configurable-http-proxy
hub-proxy: $(HUB_PROXY)

$(HUB_PROXY): $(HUB_DIR)/package.json $(HUB_DIR)/package-lock.json
	cd $(HUB_DIR) && npm ci --no-audit --no-fund
	@touch $@

book: setup data
	$(RUN) jupyter-book build . -W --keep-going
	@echo ""
	@echo "Het boek staat klaar. Open in je browser: file://$(CURDIR)/_build/html/index.html"
	@echo "Of start een lokale server: $(RUN) python -m http.server -d _build/html 8000 --bind 127.0.0.1"

# The whole book as one PDF: a single-page build (same execution cache as `make book`) printed by Debian's
# Chromium (activering.boekroutes; no browser is downloaded). The page is the root of _toc.yml.
PDF := _build/pdf/vakmanschap-in-activeringswerk.pdf
pdf: setup data
	$(RUN) jupyter-book build . --builder singlehtml
	$(RUN) python -m activering.boekroutes _build/singlehtml/book/intro.html $(PDF)

# The course's JupyterLab (settings in grading/jupyterlab/ and, for students, grading/jupyterhub/student/;
# see src/activering/lab.py). lab: as a student; lab-docent: in exercises/ with nbgrader's formgrader.
lab: setup data
	$(RUN) activering casus notebooks
	$(RUN) activering lab

lab-docent: setup data
	$(RUN) activering lab --docent

test: setup system data hub-proxy
	$(RUN) pytest -n $(JOBS)

bench: setup data
	for script in bench/*.py; do echo "== $$script"; $(RUN) python $$script || exit 1; done

clean:
	rm -rf _build .pytest_cache
