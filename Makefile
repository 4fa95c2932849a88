# verify: `make run` serves the API, `make test` runs the suite, `make check` its fast part. All install what is missing:
# Debian packages (when root), a .venv and the pinned requirements.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
HOST ?= 127.0.0.1
PORT ?= 8000
VERIFY_DATA_DIR ?= ./instance
export HOST PORT VERIFY_DATA_DIR

# Tesseract with Simplified Chinese for the service; CJK fonts for the tests' synthetic certificates.
RUN_PACKAGES := tesseract-ocr tesseract-ocr-chi-sim libgl1 libglib2.0-0  # libGL/glib: opencv-python (PP-OCR)
TEST_PACKAGES := $(RUN_PACKAGES) fonts-wqy-zenhei fonts-wqy-microhei fonts-arphic-uming fonts-arphic-ukai fonts-noto-cjk chromium wrk redis-server postgresql

.PHONY: run test check bench lint sample fuzz system-run system-test clean

run: system-run $(VENV)/.run-deps
	$(VENV)/bin/flask --app wsgi setup
	exec $(VENV)/bin/gunicorn -c gunicorn.conf.py wsgi:app

# The whole suite, one test process per core (each file stays in one process: its fixtures are built once).
TEST_WORKERS ?= auto
test: system-test $(VENV)/.test-deps
	OMP_THREAD_LIMIT=1 $(VENV)/bin/pytest -q -n $(TEST_WORKERS) --dist loadfile

# The edit loop: ruff, then the suite without what starts servers or a browser, fuzzes, or waits for real OCR
# (the marks are in pyproject.toml, whole files marked in tests/conftest.py). About 2 CPU-minutes; CI runs `make test`.
CHECK_MARKS := not slow and not browser and not fuzz and not reading
check: system-test $(VENV)/.test-deps
	$(VENV)/bin/ruff check verify schemas tests bench fuzz wsgi.py
	OMP_THREAD_LIMIT=1 $(VENV)/bin/pytest -q -n $(TEST_WORKERS) --dist loadfile -m "$(CHECK_MARKS)"

bench: system-test $(VENV)/.test-deps
	$(VENV)/bin/python bench/pipeline.py

# Coverage-guided fuzzing (atheris), longer than the few seconds `make test` gives each target:
# make fuzz FUZZ_SECONDS=600 FUZZ_TARGETS="pdf fields". Crashes land in fuzz/crashes/.
FUZZ_SECONDS ?= 120
FUZZ_TARGETS ?= intake pdf fields registry-lawyer_practice registry-legal_qualification \
	registry-physician_practice registry-physician_qualification registry-resident_id \
	registry-teacher_qualification registry-uscc
fuzz: system-test $(VENV)/.test-deps
	$(VENV)/bin/python -m fuzz.seeds fuzz/corpus
	mkdir -p fuzz/crashes
	set -e; for target in $(FUZZ_TARGETS); do \
		echo "== fuzzing $$target for $(FUZZ_SECONDS) s"; \
		OMP_THREAD_LIMIT=1 $(VENV)/bin/python -m fuzz.run $$target -max_total_time=$(FUZZ_SECONDS) -timeout=10 \
			-rss_limit_mb=2048 -artifact_prefix=fuzz/crashes/$$target- -print_final_stats=1 fuzz/corpus/$$target; \
	done

# A synthetic certificate to try the service with: make sample KIND=lawyer OUT=lawyer.png
# (.pdf: a typed text-layer PDF; .png/.jpg: an image). Its fields are printed and kept in $(OUT).json.
KIND ?= physician_practice
OUT ?= doctor.jpg
SEED ?= 3
sample: system-test $(VENV)/.test-deps
	set -o pipefail; $(VENV)/bin/python -m tests.certificates $(KIND) $(OUT) --seed $(SEED) | tee $(OUT).json

lint: $(VENV)/.test-deps
	$(VENV)/bin/ruff check verify schemas tests bench fuzz wsgi.py

system-run:
	@bash .ci/apt-ensure $(RUN_PACKAGES)

system-test:
	@bash .ci/apt-ensure $(TEST_PACKAGES)

$(VENV)/bin/python:
	@$(PYTHON) -c 'import ensurepip' 2>/dev/null || bash .ci/apt-ensure python3-venv
	$(PYTHON) -m venv $(VENV)

$(VENV)/.run-deps: requirements.txt | $(VENV)/bin/python
	$(VENV)/bin/pip install -q --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.test-deps: requirements.txt requirements-dev.txt | $(VENV)/bin/python
	$(VENV)/bin/pip install -q --disable-pip-version-check -r requirements-dev.txt
	touch $(VENV)/.run-deps $@

clean:
	rm -rf $(VENV) .pytest_cache
