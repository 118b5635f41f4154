// Package apply implements `bylaw apply`: it evaluates policies on resource files, off-cluster, and prints the
// results as a table, JSON, YAML or JUnit XML.
//
// Files are parsed once, every resource gets one engine input reused across all policies, and resources are
// evaluated in parallel (GOMAXPROCS workers); output keeps the order of the resources and policies as loaded. The
// exit code is 1 when a rule of a policy in Enforce mode (for the resource's namespace) fails, 2 when nothing could
// be loaded, 0 otherwise. Values and user info files use the Kyverno CLI schema (see package kyvernotest).
package apply
