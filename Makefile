# The two commands a new user needs:  make demo   and   make test
# Both set everything up on a fresh machine (a virtual environment in .venv).

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
# A second environment with the previous major of the openai SDK (httpx instead of httpx2):
# the API guard is tested against both.
VENV2  ?= .venv-openai2
STAMP2 := $(VENV2)/.installed
export PATH := $(abspath $(VENV))/bin:$(PATH)

.PHONY: demo test lint lab bench browser

$(STAMP): pyproject.toml labextension/package.json labextension/yarn.lock
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	rm -rf aisafe_nb/labextension
	$(PY) -m pip install -q -e ".[test,dev]"
# bytecode now, as pip does for an installed package: the git filter starts on every
# `git add`, and PYTHONDONTWRITEBYTECODE would leave an editable install without it
	$(PY) -m compileall -q aisafe_nb
	touch $(STAMP)

$(STAMP2): $(STAMP)
	$(PYTHON) -m venv $(VENV2)
	$(VENV2)/bin/python -m pip install -q --upgrade pip
	$(VENV2)/bin/python -m pip install -q -e ".[test]" "openai>=2,<3"
	touch $(STAMP2)

demo: $(STAMP)
	$(PY) scripts/demo.py

# Debian's chromium for the browser tests (test tools may not download browsers here).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium; \
	  else echo "browser tests need Debian's chromium: sudo apt-get install chromium"; exit 1; fi; }

test: $(STAMP) $(STAMP2) browser
	$(PY) -m pytest
	$(VENV2)/bin/python -m pytest -q -p no:cacheprovider tests/intercept
	$(MAKE) --no-print-directory lint

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(VENV)/bin/aisafe-nb scan .

lab: $(STAMP)
	$(PY) scripts/demo.py --lab

bench: $(STAMP)
	$(PY) -m pip install -q -e ".[bench]"
	$(PY) benchmarks/run_all.py $(BENCH_ARGS)
