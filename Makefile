# Greenroom. `make run` and `make test` work on a fresh machine with Go and
# Node.js: they install what they need (npm packages, Debian's chromium).
SHELL := /bin/bash
GO    ?= go
NPM   ?= npm
CHROMIUM ?= /usr/bin/chromium
PG_BIN   ?= /usr/lib/postgresql/15/bin

.PHONY: docs run build assets generate check-generated vet lint test test-go test-browser bench bench-go bench-ha load soak fuzz deps-npm deps-system clean

## run: start the console on the embedded IVS emulator at http://127.0.0.1:8080
run:
	$(GO) run ./cmd/greenroom $(ARGS)

## build: a static binary in bin/ (assets and templates are embedded)
build:
	CGO_ENABLED=0 $(GO) build -trimpath -o bin/greenroom ./cmd/greenroom
	CGO_ENABLED=0 $(GO) build -trimpath -o bin/ivs-emulator ./cmd/ivs-emulator

deps-npm:
	@if [ ! -x node_modules/.bin/tailwindcss ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then $(NPM) ci --no-audit --no-fund; fi

# Debian packages the tests need: chromium (browser tests), nginx (the
# documented reverse-proxy set-up is tested for real), prometheus (its
# promtool checks the shipped alert rules), postgresql and redis-server (the
# shared store and the shared call budget of several replicas: tests start
# their own throwaway servers on loopback).
deps-system:
	@missing=""; [ -x $(CHROMIUM) ] || missing="$$missing chromium"; [ -x /usr/sbin/nginx ] || missing="$$missing nginx-light"; \
	[ -x /usr/bin/promtool ] || missing="$$missing prometheus"; \
	[ -x $(PG_BIN)/initdb ] || missing="$$missing postgresql"; [ -x /usr/bin/redis-server ] || missing="$$missing redis-server"; \
	if [ -n "$$missing" ]; then \
		echo "installing Debian packages for the tests:$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

## generate: templ components into *_templ.go
generate:
	$(GO) tool templ generate

## assets: htmx and app.js copied, Tailwind CSS built, into static/dist
assets: deps-npm
	$(NPM) run --silent build

## check-generated: fail when committed generated files are stale
check-generated: assets generate
	@if [ -n "$$(git status --porcelain -- static/dist views)" ]; then \
		echo "generated files are stale: run 'make assets generate' and commit:"; git status --porcelain -- static/dist views; exit 1; fi

vet:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { echo "gofmt needed:"; gofmt -l $$(git ls-files '*.go'); exit 1; }
	$(GO) vet ./...

## lint: staticcheck (a Go tool dependency in go.mod; configured in staticcheck.conf)
lint:
	$(GO) tool staticcheck ./...

## test: everything CI runs
test: check-generated vet lint test-alerts test-go test-browser

# The PostgreSQL and Redis tests fail, rather than skip, when the servers
# cannot be started here.
test-go: deps-system
	GREENROOM_TEST_REQUIRE_SERVERS=1 GREENROOM_TEST_PG_BIN=$(PG_BIN) $(GO) test -count=1 -timeout 15m ./...

## test-alerts: promtool checks and unit-tests the alert rules in docs/alerts
## (only promtool: no Prometheus server is needed)
test-alerts: deps-system
	/usr/bin/promtool check rules docs/alerts/greenroom-rules.yml
	/usr/bin/promtool test rules docs/alerts/greenroom-rules.test.yml

test-browser: deps-npm deps-system build
	CHROMIUM=$(CHROMIUM) $(NPM) run --silent test:browser

## bench: Go benchmarks of the hot paths, then the load benchmark (see README)
bench: bench-go load bench-ha

bench-go:
	$(GO) test -run '^$$' -bench . -benchmem -benchtime 2s ./internal/... ./web/... ./views/...

## bench-ha: three replicas behind nginx with PostgreSQL and Redis, 200 viewers:
## IVS calls of one replica against three, the take-over, durability
bench-ha: deps-system
	GREENROOM_HA_VIEWERS=200 GREENROOM_TEST_REQUIRE_SERVERS=1 GREENROOM_TEST_PG_BIN=$(PG_BIN) \
		$(GO) test -count=1 -run '^TestThreeReplicasBehindNginx$$' -v ./cmd/greenroom/ | grep -E '^(---|\s+ha_test|ok|FAIL|PASS)'

load: build
	$(GO) run ./cmd/loadtest $(if $(LOADARGS),$(LOADARGS),-baseline -viewers-compare 20 -board)

## soak: the load harness for 30 minutes (SOAK=10m to change) with IVS faults on; opt-in, not part of make test
soak: build
	$(GO) run ./cmd/loadtest -soak -duration $${SOAK:-30m} -throttle-rate 0.3 -error-rate 0.1 -spike-rate 0.02 -spike 2s

## fuzz: a short run of every fuzz target (the corpus lives in testdata/fuzz)
fuzz:
	@for pkg in $$($(GO) list ./...); do \
		for f in $$($(GO) test -list '^Fuzz' $$pkg 2>/dev/null | grep '^Fuzz'); do \
			echo "fuzz $$pkg $$f"; $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $${FUZZTIME:-20s} $$pkg || exit 1; \
		done; done

## docs: regenerate the settings table of docs/configuration.md from the code
docs:
	@$(GO) run ./cmd/greenroom -config-reference > docs/.reference.tmp
	@awk -v ref=docs/.reference.tmp 'BEGIN { while ((getline l < ref) > 0) t = t l "\n" } \
		/^\| flag \|/ { printf "%s", t; skip = 1; next } skip && /^\|/ { next } { skip = 0; print }' \
		docs/configuration.md > docs/.configuration.tmp && mv docs/.configuration.tmp docs/configuration.md && rm docs/.reference.tmp

clean:
	rm -rf bin test-results
