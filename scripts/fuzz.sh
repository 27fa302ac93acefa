#!/usr/bin/env bash
# `make fuzz`: coverage-guided fuzzing of the framer, every dialect and the calls grouping
# (fuzz/fuzz_targets/), each for a bounded time. Installs cargo-fuzz if missing (pinned, quick
# when present), builds the seed corpus from ../shared/corpus at run time, runs each target,
# prints executions and coverage per target, and fails if any target crashed.
#
#   scripts/fuzz.sh [TARGET...]        (no argument: every target in fuzz/fuzz_targets/)
#
#   FUZZ_SECONDS   seconds per target (default 60)
#   FUZZ_FLAGS     more libFuzzer flags, e.g. "-dict=... -only_ascii=1"
#   CARGO_TARGET_DIR is honoured (the fuzz crate is its own workspace: default fuzz/target).
#
# Stable Rust: cargo-fuzz only needs nightly for its sanitizers (-Zsanitizer); with
# `--sanitizer none` every flag it passes is stable (-Cpasses=sancov-module and
# -Cllvm-args=-sanitizer-coverage-*), so no RUSTC_BOOTSTRAP. Safe Rust needs no ASan: what we
# look for are panics (failed invariants, overflows with --debug-assertions), hangs and
# runaway memory, which libFuzzer catches by itself.
#
# Where things go (all git-ignored):
#   fuzz/seeds/TARGET/      seeds, rebuilt from the corpus on every run
#   fuzz/corpus/TARGET/     what libFuzzer found interesting; kept between runs
#   fuzz/artifacts/TARGET/  crash-*, timeout-*, oom-* inputs: the findings
#   fuzz/logs/TARGET.log    the last run's libFuzzer output
# A finding becomes a regression test by copying it into fuzz/regressions/TARGET/ (committed):
# tests/properties.rs replays every file there through the same checks, and the next fuzz
# run starts from it.
set -euo pipefail
cd "$(dirname "$0")/.."

CARGO_FUZZ_VERSION=0.13.2
FUZZ_SECONDS=${FUZZ_SECONDS:-60}
# Per-input limits: a slow input is a finding (timeout-*), so is runaway memory (oom-*).
FUZZ_TIMEOUT=${FUZZ_TIMEOUT:-10}
FUZZ_MAX_LEN=${FUZZ_MAX_LEN:-8192}

if [ "$(cargo fuzz --version 2>/dev/null || true)" != "cargo-fuzz $CARGO_FUZZ_VERSION" ]; then
  echo "fuzz: installing cargo-fuzz $CARGO_FUZZ_VERSION (about a minute)"
  # Its own temporary build directory, not the project's target dir.
  env -u CARGO_TARGET_DIR cargo install cargo-fuzz --version "$CARGO_FUZZ_VERSION" --locked --force
fi

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for f in fuzz/fuzz_targets/*.rs; do targets+=("$(basename "$f" .rs)"); done
fi

# Seeds from the captures, in each target's input form (see the targets' docs). Built here,
# never committed: shared/ is read in place.
python3 - "${targets[@]}" <<'EOF'
import glob, hashlib, os, shutil, sys

files = sorted(glob.glob("../shared/corpus/*/*.log"))
# Lines as the PBX printed them: the corpus format's '#' lines are notes, not PBX output.
captures = []
for path in files:
    with open(path, "rb") as f:
        lines = [l.rstrip(b"\r\n") for l in f if not l.startswith(b"#")]
    captures.append([l for l in lines if l.strip()])

def windows(lines, size):
    for i in range(0, max(len(lines) - size // 2, 1), max(size // 2, 1)):
        yield lines[i:i + size]

seeds = {"framer": [], "dialects": [], "calls": []}
for lines in captures:
    # framer: first byte picks the chunking (0 = one read), then the stream; LF and CR LF.
    for w in windows(lines, 40):
        seeds["framer"].append(b"\x00" + b"\n".join(w) + b"\n")
        seeds["framer"].append(b"\x07" + b"\r\n".join(w) + b"\r\n")
    # dialects: each line alone, and runs of lines (a header's layout carries over).
    seeds["dialects"] += lines
    seeds["dialects"] += [b"\n".join(w) for w in windows(lines, 16)]
    # calls: runs of lines, so that the legs of a call meet.
    seeds["calls"] += [b"\n".join(w) for w in windows(lines, 32)]

for target in sys.argv[1:]:
    d = os.path.join("fuzz", "seeds", target)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    for s in seeds.get(target, []):
        with open(os.path.join(d, hashlib.sha1(s).hexdigest()), "wb") as f:
            f.write(s)
    print(f"fuzz: {target}: {len(os.listdir(d))} seeds from {len(files)} captures")
EOF

echo "fuzz: building ${targets[*]} (release, debug assertions, no sanitizer)"
build=(-s none --debug-assertions)
(cd fuzz && cargo fuzz build "${build[@]}")

mkdir -p fuzz/logs
summary=()
failed=()
for t in "${targets[@]}"; do
  mkdir -p "fuzz/corpus/$t" "fuzz/artifacts/$t" "fuzz/regressions/$t"
  log="fuzz/logs/$t.log"
  echo "fuzz: $t for ${FUZZ_SECONDS}s (log: $log)"
  status=0
  # The first corpus directory receives new inputs; seeds and regressions are only read.
  (cd fuzz && cargo fuzz run "${build[@]}" "$t" "corpus/$t" "seeds/$t" "regressions/$t" -- \
    -max_total_time="$FUZZ_SECONDS" -timeout="$FUZZ_TIMEOUT" -max_len="$FUZZ_MAX_LEN" \
    -print_final_stats=1 ${FUZZ_FLAGS:-}) >"$log" 2>&1 || status=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  # libFuzzer's last status line: "#N DONE cov: C ft: F corp: K/S ...".
  cov=$(grep -Eo 'cov: [0-9]+ ft: [0-9]+ corp: [0-9]+' "$log" | tail -1 || true)
  summary+=("$(printf '%-10s %12s execs %8s/s   %s' "$t" "${execs:-?}" "${rate:-?}" "${cov:-}")")
  if [ "$status" -ne 0 ]; then
    failed+=("$t")
    tail -n 40 "$log" >&2
    echo "fuzz: $t FAILED (exit $status); findings:" >&2
    ls -1 "fuzz/artifacts/$t" >&2 || true
  fi
done

echo
echo "fuzz: ${FUZZ_SECONDS}s per target"
printf '  %s\n' "${summary[@]}"
if [ ${#failed[@]} -gt 0 ]; then
  cat >&2 <<EOF
fuzz: crashed: ${failed[*]}. The inputs are in fuzz/artifacts/TARGET/. To reproduce one:
  (cd fuzz && cargo fuzz run -s none --debug-assertions TARGET artifacts/TARGET/crash-...)
After the fix, copy it into fuzz/regressions/TARGET/ so that \`cargo test --test properties\`
replays it.
EOF
fi
# A closing line that CI reads as a test count.
echo "fuzz: $(( ${#targets[@]} - ${#failed[@]} )) passed, ${#failed[@]} failed"
[ ${#failed[@]} -eq 0 ]
