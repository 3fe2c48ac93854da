# yekuo: `make run` serves on embedded defaults, `make test` runs every check and test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SERVICES := scripts/services.sh
# OCR engine, its language data and CJK fonts; Chromium for the web UI's browser tests.
DEBIAN_PACKAGES := tesseract-ocr tesseract-ocr-chi-sim tesseract-ocr-eng fonts-noto-cjk \
	fonts-wqy-microhei chromium
# The browser tests drive Debian's /usr/bin/chromium; Playwright must never fetch a browser.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1

.PHONY: install debian-packages run test lint typecheck unit services-start services-stop clean

install: debian-packages $(STAMP)

debian-packages:
	@bash scripts/install-debian.sh $(DEBIAN_PACKAGES)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: install
	$(BIN)/yekuo serve --host 127.0.0.1 --port 8000

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy

unit: install
	$(BIN)/pytest tests/unit

# Start PostgreSQL, MinIO, Elasticsearch and OpenLDAP on loopback, run the whole suite against
# them (the contract suites' server parametrisations included), run the tests that touch the
# database again on PostgreSQL, and stop the servers it started whatever happened (servers that were
# already running stay up); the status is the tests'.
test: install lint typecheck
	@started=""; \
	trap '[ -z "$$started" ] || $(SERVICES) stop $$started' EXIT; trap 'exit 130' INT TERM; \
	started=$$($(SERVICES) start) || exit $$?; \
	eval "$$($(SERVICES) env)"; \
	status=0; \
	echo "== the whole suite (SQLite, MinIO, Elasticsearch)"; \
	$(BIN)/pytest || status=$$?; \
	echo "== the tests that touch the database, on PostgreSQL"; \
	YEKUO_TEST_DATABASE=postgresql $(BIN)/pytest || status=$$?; \
	exit $$status

services-start:
	$(SERVICES) start

services-stop:
	$(SERVICES) stop

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
