# smdrbox: the two commands a new machine needs are `make demo` and `make test`.
# Everything the project needs from outside cargo is installed by `make deps`.

CARGO ?= cargo
BIN := target/debug/smdrbox

.PHONY: all build release deps test lint unit golden demo clean

all: build

build:
	$(CARGO) build

release:
	$(CARGO) build --release

# Debian packages and toolchain components the tests need (idempotent; quick when present).
deps:
	./scripts/deps.sh

lint:
	$(CARGO) fmt --check
	$(CARGO) clippy --all-targets -- -D warnings

# All tests: unit, golden corpus, real ptys into the real daemon, real HTTP, headless Chromium.
test: deps lint
	$(CARGO) test --all-targets

# Rewrite golden files after a deliberate change of parsed output (explain it in the commit).
golden:
	UPDATE_GOLDEN=1 $(CARGO) test --test golden_panasonic

# A simulated PBX feeds the real daemon over a pseudo-terminal; the page is on localhost.
demo: build
	./scripts/demo.sh $(BIN)

clean:
	$(CARGO) clean
	rm -rf demo-data
