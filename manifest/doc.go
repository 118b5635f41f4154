// Package manifest decodes Kubernetes manifests: multi-document YAML (or JSON) streams into JSON-compatible values
// (map[string]any, []any, string, int64, float64, bool, nil).
//
// Split cuts a stream into documents at `---` lines, as k8s.io/apimachinery's YAMLReader does. Decode decodes one
// document. The common Kubernetes subset of YAML (block mappings and sequences, single-line plain and quoted scalars,
// single-line flow collections, literal and folded block scalars, comments) takes a hand-written fast path; anything
// else (anchors, aliases, tags, merge keys, multi-line plain or quoted scalars, complex keys, tabs, document markers,
// ...) falls back to go.yaml.in/yaml/v3 and the reference conversion in reference.go. The fast path gives up on any
// input it does not fully understand, so its results are those of the reference by construction; a differential
// fuzz target (FuzzDecodeMatchesReference) keeps it so.
package manifest
