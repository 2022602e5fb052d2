# Greenroom. `make run` and `make test` work on a fresh machine with Go and
# Node.js: they install what they need (npm packages, Debian's chromium).
SHELL := /bin/bash
GO    ?= go
NPM   ?= npm
CHROMIUM ?= /usr/bin/chromium

.PHONY: run build assets generate check-generated vet test test-go test-browser bench bench-go load soak fuzz deps-npm deps-chromium clean

## run: start the console on the embedded IVS emulator at http://127.0.0.1:8080
run:
	$(GO) run ./cmd/greenroom $(ARGS)

## build: a static binary in bin/ (assets and templates are embedded)
build:
	CGO_ENABLED=0 $(GO) build -trimpath -o bin/greenroom ./cmd/greenroom
	CGO_ENABLED=0 $(GO) build -trimpath -o bin/ivs-emulator ./cmd/ivs-emulator

deps-npm:
	@if [ ! -x node_modules/.bin/tailwindcss ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then $(NPM) ci --no-audit --no-fund; fi

deps-chromium:
	@if [ ! -x $(CHROMIUM) ]; then \
		echo "installing Debian's chromium for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
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

## test: everything CI runs
test: check-generated vet test-go test-browser

test-go:
	$(GO) test -count=1 -timeout 15m ./...

test-browser: deps-npm deps-chromium build
	CHROMIUM=$(CHROMIUM) $(NPM) run --silent test:browser

## bench: Go benchmarks of the hot paths, then the load benchmark (see README)
bench: bench-go load

bench-go:
	$(GO) test -run '^$$' -bench . -benchmem -benchtime 2s ./internal/... ./web/... ./views/...

load: build
	$(GO) run ./cmd/loadtest $(LOADARGS)

## fuzz: a short run of every fuzz target (the corpus lives in testdata/fuzz)
fuzz:
	@for pkg in $$($(GO) list ./...); do \
		for f in $$($(GO) test -list '^Fuzz' $$pkg 2>/dev/null | grep '^Fuzz'); do \
			echo "fuzz $$pkg $$f"; $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $${FUZZTIME:-20s} $$pkg || exit 1; \
		done; done

clean:
	rm -rf bin test-results
