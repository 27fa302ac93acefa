# smdrbox: the two commands a new machine needs are `make demo` and `make test`.
# Everything the project needs from outside cargo is installed by `make deps`.

CARGO ?= cargo
BIN := target/debug/smdrbox

.PHONY: all build release deps test lint unit golden demo bench bench-big bench-pages bench-parse bench-data soak clean

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

# All tests: unit, golden corpus, real ptys into the real daemon, real HTTP, headless Chromium
# through chromedriver (tests/browser.rs, tests/reports_e2e.rs: screenshots of every page in
# target/test-artefacts/screenshots/, or $$SMDRBOX_ARTEFACTS/screenshots/).
test: deps lint
	$(CARGO) test --all-targets

# Rewrite golden files after a deliberate change of parsed output (explain it in the commit).
golden:
	UPDATE_GOLDEN=1 $(CARGO) test --test golden_corpus --test brands

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

# Only every page's latency on an office's year (about 810 calls a weekday; generated once,
# cached under target/tmp), on all cores and pinned to one (a few minutes with the build).
bench-pages: deps
	$(CARGO) bench --bench bench -- pages

# Only the parsing rows: framer, Panasonic dialect, dialect = "auto" (a minute with the build).
bench-parse: deps
	$(CARGO) bench --bench bench -- parse

# Only the busy office's year (3.65 M calls, 1.8 GB under target/tmp), generated if missing.
bench-data:
	$(CARGO) bench --bench bench -- big-data

# Kill -9 the daemon at 1000 random moments while lines stream in, checking the database after
# each crash (tests/crash.rs; `cargo test` runs 30). Release build; several minutes.
soak:
	SMDRBOX_CRASH_CYCLES=1000 $(CARGO) test --release --test crash -- --nocapture

# Coverage-guided fuzzing (cargo-fuzz + libFuzzer, stable Rust, no sanitizer): the framer,
# every dialect and the calls grouping, FUZZ_SECONDS each (default 60), seeded from
# ../shared/corpus (FUZZ_TARGETS="framer" for some). Installs cargo-fuzz if missing. Fails
# on a crash; findings land in fuzz/artifacts/TARGET/ (scripts/fuzz.sh says how to keep one
# as a regression test).
.PHONY: fuzz
fuzz:
	./scripts/fuzz.sh $(FUZZ_TARGETS)

# Packages (README "Building packages"). Each script installs what it needs first
# (scripts/pkg-deps.sh: cross gcc, Rust targets, qemu-user, cargo-deb, lintian, mmdebstrap, dtc).
# Release builds with LTO: several minutes per architecture. CARGO_TARGET_DIR is honoured.
.PHONY: cross deb deb-test dtbo
# arm64 + armv7 release binaries, smoke-tested under qemu-user; prints their sizes.
cross:
	./scripts/cross.sh
# target/debian/smdrbox_VERSION_{amd64,arm64,armhf}.deb (DEB_ARCHES="arm64" for one).
deb:
	./scripts/deb.sh $(DEB_ARCHES)
# Checks the packages: contents, lintian, binaries, and an install/remove/purge in a
# throwaway Debian root with the daemon running (about a minute; the root is built once).
deb-test:
	./scripts/deb-test.sh
# The boards' device-tree overlays into target/dtbo/, checked by applying them.
dtbo:
	./scripts/dtbo.sh

# The SD-card image (image/README.md): Debian bookworm arm64 + the smdrbox .deb, read-only root,
# data partition. As root. Builds the arm64 .deb first (scripts/deb.sh arm64) unless
# SMDRBOX_DEB=path/to/smdrbox_*_arm64.deb names one. The Debian root is cached under
# target/image/cache/ (first build about 5 minutes, then seconds). Output:
# target/image/smdrbox-arm64.img.
.PHONY: image-deps image image-test
image-deps:
	./scripts/image-deps.sh

image: image-deps
	$(if $(SMDRBOX_DEB),,./scripts/deb.sh arm64)
	./image/build.sh

# Boots the image in qemu-system-aarch64 with a simulated PBX on its serial port, checks
# capture, the page, a hard power cut and the read-only root. A few minutes.
image-test: image-deps
	./image/test.sh

clean:
	$(CARGO) clean
	rm -rf demo-data
