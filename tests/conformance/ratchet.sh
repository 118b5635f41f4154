#!/usr/bin/env bash
# ratchet.sh BYLAW CORPUS BASELINE: runs `bylaw test` over the Kyverno policy corpus and fails when fewer rows pass
# than the committed baseline. Where the corpus is absent (a user's machine), it says so and skips.
set -uo pipefail
bylaw="$1" corpus="$2" baseline_file="$3"
if [ ! -d "$corpus" ]; then
	echo "conformance ratchet: corpus $corpus not found; skipped (unit tests still ran)"
	exit 0
fi
baseline=$(tr -dc '0-9' < "$baseline_file")
out=$("$bylaw" test "$corpus" --folder-summary 2>&1)
summary=$(printf '%s\n' "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$' | tail -n1)
printf '%s\n' "$out" | grep -E '^(FOLDER|[A-Za-z0-9._-]+ +[0-9]+ +[0-9]+ +[0-9]+)' || true
if [ -z "$summary" ]; then
	printf '%s\n' "$out" | tail -n 20
	echo "conformance ratchet: no summary line from bylaw test"
	exit 1
fi
passed=${summary%% passed*}
rest=${summary#* passed, }
echo "conformance ratchet: $passed rows pass (baseline $baseline); of the others: ${rest} (see docs/conformance.md)"
if [ "$passed" -lt "$baseline" ]; then
	echo "conformance ratchet: FAILED: $passed passing rows is below the baseline $baseline"
	exit 1
fi
if [ "$passed" -gt "$baseline" ]; then
	echo "conformance ratchet: $passed > baseline $baseline; raise tests/conformance/baseline.txt"
fi
