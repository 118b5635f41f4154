#!/usr/bin/env bash
# fuzz.sh DURATION: runs every Go fuzz target in the module for DURATION each.
set -euo pipefail
duration="${1:-60s}"
for pkg in $(go list ./...); do
	dir=$(go list -f '{{.Dir}}' "$pkg")
	for target in $(grep -ho '^func Fuzz[A-Za-z0-9_]*' "$dir"/*_test.go 2>/dev/null | sed 's/^func //'); do
		echo "== $pkg $target ($duration)"
		go test -run='^$' -fuzz="^${target}\$" -fuzztime="$duration" "$pkg"
	done
done
