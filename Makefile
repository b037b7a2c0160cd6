# Two commands on a fresh machine: `make demo` and `make test`.
# Both create .venv with a Python >= 3.12 (rdk 1.0.0 cannot start on 3.11) and install clearsight.

VENV := .venv
BIN := $(VENV)/bin
PYENV_ROOT ?= $(HOME)/.pyenv
STAMP := $(VENV)/.installed

# First interpreter >= 3.12 among: $(PYTHON), python3.13, python3.12, python3, pyenv's versions.
PY_CANDIDATES := $(PYTHON) python3.13 python3.12 python3 \
	$(sort $(wildcard $(PYENV_ROOT)/versions/3.1[2-9]*/bin/python3))
FIND_PYTHON = for p in $(PY_CANDIDATES); do \
	  if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
	    command -v $$p; exit 0; fi; done; exit 1

.PHONY: demo test venv clean browser bench

venv: $(STAMP)

$(STAMP): setup.cfg pyproject.toml constraints.txt
	@py=$$($(FIND_PYTHON)) || { \
	  echo "clearsight needs Python >= 3.12 (rdk 1.0.0 does not start on 3.11)." >&2; \
	  echo "None found among: $(PY_CANDIDATES)" >&2; \
	  echo "Install one (e.g. 'pyenv install 3.12') or run 'make PYTHON=/path/to/python3.12 ...'." >&2; \
	  exit 1; }; \
	echo "Using $$py ($$($$py --version))"; \
	$(BIN)/python -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null \
	  || { rm -rf $(VENV); $$py -m venv $(VENV); }
	$(BIN)/python -m pip install --quiet --upgrade pip==24.3.1
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	@touch $@

demo: $(STAMP)
	$(BIN)/clearsight demo

test: $(STAMP) browser
	$(BIN)/python -m pytest -n 2 -q

# Headless Chromium for the dashboard test: Debian's package where missing (as root); the
# test skips, saying so, when none can be installed.
browser:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 \
	  && (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null 2>&1; } \
	  || echo "could not install chromium (needs root, apt-get and the Debian archive): the dashboard browser test will skip" >&2

# Scale and peer benchmarks (benchmarks/README.md); not part of CI.
bench: $(STAMP)
	$(MAKE) -C benchmarks bench

clean:
	rm -rf $(VENV) build src/*.egg-info .pytest_cache

# Mutation testing of rules/ and the engine's judging actions (minutes; not part of test or CI): MUTATION.md
.PHONY: mutate
mutate: $(STAMP)
	$(BIN)/python mutation/mutate.py
