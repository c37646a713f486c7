# Photo license shop: every target works from a fresh clone (it installs uv when missing).
# `make help` lists them.

PYTHON ?= python3
UV ?= $(shell command -v uv >/dev/null 2>&1 && echo uv || echo "$(PYTHON) -m uv")
PYTEST_ARGS ?=
# Playwright drives Debian's Chromium: its own browser download is never attempted.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1
PACKAGES := shop_contracts shop_pricing shop_invoices shop_catalog shop_platform shop_messaging shop_kernel shop_web shop_media shop_testkit shop_devtools \
	shop_orders shop_payments shop_delivery shop_notifications

.DEFAULT_GOAL := help
.PHONY: help install run test test-e2e lint format asyncapi compose-up clean chaos dlq bench bench-render bench-ingest cluster-up cluster-down

help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z0-9_-]+:.*## / {printf "  \033[1m%-12s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

install: ## Install uv if missing, the locked dependencies (uv sync --frozen), Chromium and axe-core
	@$(UV) --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet uv
	$(UV) sync --frozen --compile-bytecode
	@# Our own packages too: where PYTHONDONTWRITEBYTECODE is set (as on CI), every process
	@# would otherwise compile ~1,000 modules at start (orders: 6 s -> 2 s to import).
	@$(UV) run --frozen python -m compileall -q -j 0 libs services >/dev/null
	@# The browser tests: Debian's Chromium (apt, only when missing) and axe-core (npm ci).
	@bash scripts/install-browser-tools.sh
	@bash scripts/install-prometheus.sh

run: install ## Run the shop: PostgreSQL/RabbitMQ checks, migrations, demo catalog, the 5 services
	$(UV) run python -m shop_devtools run

test: install ## Unit, integration and end-to-end tests (PostgreSQL and RabbitMQ on localhost)
	$(UV) run pytest $(PYTEST_ARGS)

test-e2e: install ## Only the end-to-end tests (the five services as processes)
	$(UV) run pytest tests/integration $(PYTEST_ARGS)

lint: install ## ruff check, ruff format --check, mypy on every package, import-linter
	$(UV) run ruff check .
	$(UV) run ruff format --check .
	$(UV) run mypy $(addprefix -p ,$(PACKAGES))
	$(UV) run lint-imports

format: install ## Fix what ruff can fix and format the code
	$(UV) run ruff check --fix .
	$(UV) run ruff format .

asyncapi: install ## Write the AsyncAPI document of the messaging to docs/asyncapi.json
	$(UV) run python -m shop_contracts.asyncapi docs/asyncapi.json

chaos: install ## Fault suite: broker/database/service faults while orders flow; prints lost/duplicated/unexpected (QUICK=1: short form; CLUSTER=1: only the 3-node cluster scenarios)
	$(UV) run python -m shop_devtools.chaos $(if $(QUICK),--quick,) $(if $(CLUSTER),--cluster,) $(CHAOS_ARGS)

dlq: install ## Dead-letter queues and parked outbox rows: list them (ARGS="replay <queue|service>" to replay)
	$(UV) run python -m shop_devtools.dlq $(or $(ARGS),list)

bench: install ## Pipeline benchmark: orders/s and latencies at rising rates vs raw RabbitMQ/PostgreSQL (QUICK=1: under 90 s; CLUSTER=1: 3 RabbitMQ nodes, 2 replicas each)
	$(UV) run python benchmarks/bench_pipeline.py $(if $(QUICK),--quick,) $(if $(CLUSTER),--cluster,) $(BENCH_ARGS)

cluster-up: install ## A 3-node RabbitMQ cluster on this machine (own ports, data in var/rabbit-cluster/dev); prints its AMQP URLs
	$(UV) run python -m shop_devtools.rabbit_cluster up

cluster-down: ## Stop the cluster of `make cluster-up` and remove its data
	$(UV) run python -m shop_devtools.rabbit_cluster down

bench-render: install ## Rendition benchmark: pyvips vs Pillow on 24 Mpixel JPEGs
	$(UV) run python benchmarks/bench_render.py $(BENCH_ARGS)

bench-ingest: install ## Ingest benchmark: 24 Mpixel uploads/s to previews, catalog peak RSS, gallery API p99 at 100/s (QUICK=1: smoke)
	$(UV) run python benchmarks/ingest.py $(if $(QUICK),--quick,) $(BENCH_ARGS)

compose-up: ## Run everything in containers (needs a Docker engine)
	docker compose up --build

clean: ## Remove logs, local media, renditions and tool caches (not .venv, not the databases)
	rm -rf var .pytest_cache .mypy_cache .ruff_cache
	find . -name __pycache__ -type d -not -path './.venv/*' -prune -exec rm -rf {} +
