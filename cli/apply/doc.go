// Package apply implements `bylaw apply`: it evaluates policies on resource files, off-cluster, and prints the
// results as a table, JSON, YAML or JUnit XML.
//
// Every rule type runs. Per resource, the policies with mutate rules apply first, in load order, each on the object
// the previous ones patched; the other policies then see the object as all mutations left it, as in the Kyverno
// CLI. JSON and YAML reports carry the patched object and the generated objects of each resource that has any, the
// table names them after its summary, and Options.OutputDir writes them as YAML files. `--set key=value` gives
// every policy and resource a variable, over the values file's globalValues.
//
// Files are parsed once, every resource gets one engine input reused across the policies (rebuilt only after a
// policy patched it), and resources are evaluated in parallel (GOMAXPROCS workers); output keeps the order of the
// resources and policies as loaded. The exit code is 1 when a rule of a policy in Enforce mode (for the resource's
// namespace) fails, 2 when nothing could be loaded or the output folder cannot be written, 0 otherwise. Values and
// user info files use the Kyverno CLI schema (see package kyvernotest).
package apply
