# smdrbox: the two commands a new machine needs are `make demo` and `make test`.
# Everything the project needs from outside cargo is installed by `make deps`.

CARGO ?= cargo
BIN := target/debug/smdrbox

.PHONY: all build release deps test lint unit golden demo bench bench-big bench-data soak clean

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
# writes, fsyncs, page latency on a year of data, then every report on a busy office's year
# (release build; about 5 minutes after it, plus about a minute once to generate the busy year).
bench: deps
	$(CARGO) bench --bench bench

# The busy office's year alone: every report, the status page and sqlite3 (about 4 minutes).
bench-big: deps
	$(CARGO) bench --bench bench -- big

# Only the busy office's year (3.65 M calls, 1.8 GB under target/tmp), generated if missing.
bench-data:
	$(CARGO) bench --bench bench -- big-data

# Kill -9 the daemon at 1000 random moments while lines stream in, checking the database after
# each crash (tests/crash.rs; `cargo test` runs 30). Release build; several minutes.
soak:
	SMDRBOX_CRASH_CYCLES=1000 $(CARGO) test --release --test crash -- --nocapture

clean:
	$(CARGO) clean
	rm -rf demo-data
