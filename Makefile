# smdrbox: the two commands a new machine needs are `make demo` and `make test`.
# Everything the project needs from outside cargo is installed by `make deps`.

CARGO ?= cargo
BIN := target/debug/smdrbox

.PHONY: all build release deps test lint unit golden demo bench soak clean

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

# Measured figures on this machine, printed as one table: parsing, pty to SQLite, memory, disk
# writes, fsyncs, page latency on a year of data (release build; about a minute after it).
bench: deps
	$(CARGO) bench --bench bench

# Kill -9 the daemon at 1000 random moments while lines stream in, checking the database after
# each crash (tests/crash.rs; `cargo test` runs 30). Release build; several minutes.
soak:
	SMDRBOX_CRASH_CYCLES=1000 $(CARGO) test --release --test crash -- --nocapture

clean:
	$(CARGO) clean
	rm -rf demo-data
