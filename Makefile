# Chuxin: `make run` starts the demo on the embedded default (`make dev`: the same with DEBUG on);
# `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed
ASSETS := chuxin/static/vendor/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run dev test lint messages assets clean bench chromium

$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements.lock
	$(PIP) install --quiet --no-deps -e .
	touch $(STAMP)

$(ASSETS): package.json package-lock.json scripts/vendor-assets.mjs
	npm ci --no-audit --no-fund --loglevel=error
	npm run --silent vendor
	touch $(ASSETS)

assets: $(ASSETS)

# `make run`: the demo as users see it (config.settings.demo: DEBUG off, the product's own error pages, static
# files collected into staticfiles/ and served by WhiteNoise, as in production).
# `make dev`: the same demo for developers (config.settings.local: DEBUG on, static files straight from the apps).
# Both use the one database in var/.
run: SETTINGS := config.settings.demo
run: $(STAMP) $(ASSETS)
	DJANGO_SETTINGS_MODULE=$(SETTINGS) $(PY) manage.py collectstatic --noinput -v0
	$(serve_demo)

dev: SETTINGS := config.settings.local
dev: $(STAMP) $(ASSETS)
	$(serve_demo)

define serve_demo
	DJANGO_SETTINGS_MODULE=$(SETTINGS) $(PY) manage.py migrate --noinput -v0
	DJANGO_SETTINGS_MODULE=$(SETTINGS) $(PY) manage.py seed_demo
	DJANGO_SETTINGS_MODULE=$(SETTINGS) $(PY) manage.py send_reminders --now
	@echo ""
	@echo "  Chuxin is at http://$(HOST):$(PORT)/  ($(SETTINGS))"
	@echo "  Demo logins (password: chuxin-demo-2026):"
	@echo "    worker      Party-affairs worker, grassroots committee"
	@echo "    secretary1  secretary, 机关第一党支部"
	@echo "    committee1  committee member, 研发中心党支部"
	@echo "    viewer      superior viewer, 市国资委党委"
	@echo "    member1     plain member (or log in with that member's phone number)"
	@echo "    admin       superuser"
	@echo "  Background jobs (reminders, emails): a database worker runs beside the server and stops with it."
	@echo ""
	@# The worker and the server share one shell, so the trap stops the worker however runserver ends (Ctrl-C too).
	export DJANGO_SETTINGS_MODULE=$(SETTINGS); \
	$(PY) manage.py db_worker --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver $(HOST):$(PORT)
endef

# Browser tests need Chromium (Debian's package, never a downloaded browser) and a CJK font, without which Chinese
# pages render as empty boxes in the browser tests' screenshots; the PDFs of organizational life (WeasyPrint) need
# pango and the same font. All installed when missing (as root, or with sudo).
chromium:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	dpkg -s fonts-noto-cjk >/dev/null 2>&1 || missing="$$missing fonts-noto-cjk"; \
	for pkg in libpango-1.0-0 libpangoft2-1.0-0; do dpkg -s $$pkg >/dev/null 2>&1 || missing="$$missing $$pkg"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian's$$missing for the browser tests and the PDFs..."; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

test: $(STAMP) $(ASSETS) chromium
	$(VENV)/bin/pytest -n $${PYTEST_WORKERS:-2} --dist worksteal $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports --no-cache
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py makemigrations --check --dry-run

messages: $(STAMP)
	$(PY) manage.py makemessages -l zh_Hans -l en --ignore=.venv --ignore=node_modules
	$(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules

bench: $(STAMP)
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) node_modules chuxin/static/vendor staticfiles
