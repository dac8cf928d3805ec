# The two commands: `make run` serves the panel, `make test` runs every test.
# Both install what is missing first (scripts/setup.sh).
SHELL := /bin/bash
export PATH := $(HOME)/.cargo/bin:$(PATH)

.PHONY: run test bench deb fuzz setup build lint unit e2e

run: ## Build in release mode and serve http://127.0.0.1:3000 on data/postmaster.db
	@scripts/setup.sh build
	cargo leptos build --release --split
	scripts/precompress.sh
	scripts/serve.sh

test: ## Lint, unit, conformance (SQLite + PostgreSQL), HTTP and end-to-end tests
	@scripts/setup.sh test
	scripts/test.sh

deb: ## The Debian package of the release build: target/debian/postmaster_*.deb (README: "Install on a server")
	@scripts/setup.sh deb
	cargo leptos build --release --split
	scripts/precompress.sh
	cargo deb -p server --no-build

bench: ## Time whole pages at 100,000 mailboxes (SQLite, PostgreSQL), then bytes per page in Chromium
	@scripts/setup.sh test
	scripts/bench.sh

fuzz: ## The request fuzzer's long run: 1,000,000 random and mutated requests per database
	@scripts/setup.sh test
	scripts/test.sh fuzz

lint:
	scripts/test.sh lint
