# Two commands do all set-up:  `make book` builds the HTML book, `make test` runs every check.
# Both create .venv on first use and install requirements.txt into it.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
NOTEBOOKS := $(wildcard book/*.ipynb)

.PHONY: book test lint unit notebooks book-strict browser assets bench clean pdf \
	assignments grade assignments-test

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): requirements.txt pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

assets:  ## MathJax and axe-core from npm (pinned in package-lock.json): math offline, a11y tests
	@if command -v npm >/dev/null 2>&1; then \
		[ node_modules/.package-lock.json -nt package-lock.json ] \
			|| npm ci --no-audit --no-fund --loglevel=error; \
	else \
		echo "make: npm not found, so the book loads MathJax from a CDN: math needs a network"; \
	fi

book: $(STAMP) assets  ## Build the HTML book into _build/html (executes only changed notebooks)
	$(BIN)/jupyter-book build .
	@echo "Book built: open file://$(CURDIR)/_build/html/index.html"

test: lint unit notebooks book-strict browser assignments-test  ## Everything CI checks
	@echo "make test: all checks passed"

lint: $(STAMP)  ## ruff lint and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check relulib tests benchmarks book/_ext assignments
	$(BIN)/ruff format --check --line-length 80 $(NOTEBOOKS)  # notebook code fits the page

unit: $(STAMP)  ## relulib unit, property and doc tests; notebooks stored without outputs
	$(BIN)/python -m pytest -q tests relulib --doctest-modules --ignore=tests/browser \
		--ignore=tests/assignments

notebooks: $(STAMP)  ## run every chapter notebook top to bottom (nbval)
	$(BIN)/python -m pytest -q --nbval-lax $(NOTEBOOKS)

book-strict: $(STAMP) assets  ## clean build, warnings are errors
	rm -rf _build/html _build/.doctrees _build/.jupyter_cache _build/jupyter_execute
	$(BIN)/jupyter-book build . -W -n --keep-going

browser: $(STAMP) assets  ## the built book (axe-core, weights, phones) and a live JupyterLab in Chromium
	$(BIN)/python -m pytest -q tests/browser

pdf: $(STAMP) assets  ## the whole book as one PDF (_build/pdf), printed by Debian's Chromium
	$(BIN)/jupyter-book build . --builder singlehtml
	$(BIN)/python book/_ext/relulib_book/pdf.py _build/singlehtml _build/pdf/relu-executable.pdf
	@if [ -d _build/html ]; then cp _build/pdf/relu-executable.pdf _build/html/; fi

bench: $(STAMP)  ## speed measurements, printed as ratios (not a test)
	for script in benchmarks/bench_*.py; do $(BIN)/python $$script || exit 1; done

clean:
	rm -rf _build

# --- Course assignments (otter-grader for the student notebooks, bubblewrap for grading) --------
INSTRUCTOR_STAMP := $(VENV)/.installed-instructor
MASTERS := $(wildcard assignments/*.ipynb)
GRADE_TIMEOUT ?= 120
JOBS ?= $(shell nproc 2>/dev/null || echo 1)

$(INSTRUCTOR_STAMP): requirements-instructor.txt $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-instructor.txt
	touch $@

assignments: $(INSTRUCTOR_STAMP)  ## student + autograder versions of every master in _build/assignments
	rm -rf _build/assignments
	@for master in $(MASTERS); do \
		name=$$(basename $$master .ipynb); \
		echo "otter assign $$master"; \
		$(BIN)/otter assign $$master _build/assignments/$$name || exit 1; \
	done
	$(BIN)/python assignments/check_leaks.py assignments _build/assignments

# Every notebook runs in a bubblewrap sandbox; UNSAFE_NO_SANDBOX=1 runs student code as you.
grade: $(INSTRUCTOR_STAMP)  ## grade SUBMISSIONS=<folder> [ASSIGNMENT=<name>] [OUT=<folder>] [JOBS=n]
	@test -n "$(SUBMISSIONS)" || { \
		echo "usage: make grade SUBMISSIONS=<folder> [ASSIGNMENT=<name>] [OUT=<folder>] [JOBS=n]"; \
		exit 2; }
	$(BIN)/python assignments/grade.py $(SUBMISSIONS) --jobs $(JOBS) --timeout $(GRADE_TIMEOUT) \
		$(if $(ASSIGNMENT),--assignment $(ASSIGNMENT)) $(if $(OUT),--out $(OUT)) \
		$(if $(UNSAFE_NO_SANDBOX),--unsafe-no-sandbox)

assignments-test: $(INSTRUCTOR_STAMP)  ## assign every master, grade submissions and attacks, sandboxed
	$(BIN)/python -m pytest -q tests/assignments assignments/grading --doctest-modules \
		--ignore=assignments/grading/sandboxed/runner.py \
		--ignore=assignments/grading/sandboxed/stubs
