# tmec — every target sets itself up: a fresh clone needs only `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python
STAMP  := $(VENV)/.installed
EXTRAS ?= dev

.PHONY: install demo test lint fmt bench clean fuzz serve

install: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[$(EXTRAS)]'
	@touch $(STAMP)

demo: $(STAMP)
	@bash scripts/demo.sh

test: $(STAMP)
	@bash scripts/test.sh

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy

# The fuzz harness at nightly size (tests/fuzz; `make test` runs it with 6 examples per target):
# FUZZ_EXAMPLES per target, counts by outcome written to FUZZING.md.  FUZZ_COLLECT=1 goes on past
# failures to survey them all (FUZZING.md lists them); TMEC_FUZZ_RANDOM=1 draws new inputs each run.
FUZZ_EXAMPLES ?= 200
FUZZ_COLLECT ?=
fuzz: $(STAMP)
	TMEC_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) TMEC_FUZZ_COLLECT=$(FUZZ_COLLECT) TMEC_FUZZ_REPORT=FUZZING.md \
		$(PY) -m pytest -q tests/fuzz

# The REST API (/api/v1, docs at /docs) and the web pages on http://127.0.0.1:8000/ (HOST=, PORT= to change).
serve: $(STAMP)
	$(BIN)/tmec serve --host $(or $(HOST),127.0.0.1) --port $(or $(PORT),8000)

bench: $(STAMP)
	$(PY) -m benchmarks

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .hypothesis build dist

fmt: $(STAMP)
	$(BIN)/ruff format src tests benchmarks
	$(BIN)/ruff check --fix src tests benchmarks
