# Trellis: two commands for a fresh machine.
#   make run    install, migrate, seed demo data, serve http://127.0.0.1:8000 (SQLite, in-memory layer;
#               make run PORT=8001 serves another port)
#   make test   install, then the whole test suite (real PostgreSQL and Redis; see tests/services.py)
PYTHON ?= python3.11
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test install browser messages lint clean screenshots

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# Debian packages the tests use, as command:package: headless Chromium (Playwright drives it by
# path), docker-compose (validates docker-compose.yml without a Docker engine), GNU gettext (compiles
# the translation catalogues) and poppler's pdftoppm (the PDF report's test turns a page into an image).
SYSTEM_TOOLS := chromium:chromium docker-compose:docker-compose msgfmt:gettext pdftoppm:poppler-utils
browser:
	@missing=""; for t in $(SYSTEM_TOOLS); do command -v $${t%%:*} >/dev/null 2>&1 || missing="$$missing $${t#*:}"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "Install Debian's packages:$$missing (sudo apt-get install$$missing) for the tests." >&2; exit 1; fi; fi

# The compiled translation catalogues (locale/*/LC_MESSAGES/*.mo) are built here, never committed:
# GNU gettext's msgfmt compiles them (Debian's gettext package, installed when run as root).
messages: $(STAMP)
	@command -v msgfmt >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext >/dev/null; \
	  else echo "Install Debian's gettext package (sudo apt-get install gettext) to compile the translations." >&2; exit 1; fi; }
	$(BIN)/python manage.py compilemessages --ignore='$(VENV)' --ignore='.git' >/dev/null

# Debug mode (tracebacks) for the developer's own server; DEBUG=false make run turns it off.
# PORT: where it serves (make run PORT=8001); the guardians' signed links name the same address
# unless TRELLIS_PUBLIC_URL says otherwise.
DEBUG ?= true
PORT ?= 8000
TRELLIS_PUBLIC_URL ?= http://127.0.0.1:$(PORT)
run: $(STAMP) messages
	$(BIN)/python manage.py migrate --noinput
	TRELLIS_PUBLIC_URL=$(TRELLIS_PUBLIC_URL) $(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py moderation_train
	DEBUG=$(DEBUG) TRELLIS_PUBLIC_URL=$(TRELLIS_PUBLIC_URL) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# The learned detector's model is trained once (cached under .cache/) before any server starts.
test: $(STAMP) browser messages
	$(BIN)/python manage.py moderation_train >/dev/null
	$(BIN)/python -m tests.services $(BIN)/python -m pytest $(PYTEST_ARGS)

# Every main page per role at Chromebook and phone size, in English and Spanish (docs/screenshots/).
screenshots: $(STAMP) browser messages
	$(BIN)/python -m testkit.screenshots docs/screenshots --languages en es

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) trellis.sqlite3* staticfiles
