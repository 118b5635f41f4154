// Package cli tests the built `bylaw` binary as a user runs it: bounded input (an alias bomb and a 100 MB resource
// file are refused in well under 2 s with a small peak RSS, read from the child's rusage) and signals (SIGTERM stops
// `bylaw apply` on a large valid input within a second, with exit code 143). TestMain builds the binary once.
package cli
