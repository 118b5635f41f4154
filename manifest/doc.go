// Package manifest decodes Kubernetes manifests: multi-document YAML (or JSON) streams into JSON-compatible values
// (map[string]any, []any, string, int64, float64, bool, nil).
//
// Split cuts a stream into documents at `---` lines, as k8s.io/apimachinery's YAMLReader does. Decode decodes one
// document. The common Kubernetes subset of YAML takes a hand-written fast path: block mappings and sequences (also
// compact ones), plain and quoted scalars (also folded over several lines, as kubectl writes long strings), literal
// and folded block scalars, flow collections on one line, JSON documents, comments. Anything else (anchors,
// aliases, tags, merge keys, complex keys, tabs, directives, indentation indicators, ...) and anything invalid goes
// to go.yaml.in/yaml/v3 and the reference conversion (reference.go), which also produces every error message. The
// fast path gives up on any input it does not fully understand, so its results are the reference's; the
// differential fuzz targets (FuzzDecodeMatchesReference, FuzzGeneratedMatchesReference) keep it so.
//
// Decoding is bounded (limits.go, expand.go): Limits caps the bytes of a file (ReadFile checks the size before
// reading and reads through a limited reader) and of a document, the nesting depth, and the values that expanding
// aliases adds, measured on the parsed document before anything is expanded, so a "billion laughs" document of a
// few hundred bytes is refused in microseconds. Every decoder of Bylaw's input files reads through ReadFile and
// decodes with Limits.Decode, or runs Limits.Check before handing a document to another decoder.
package manifest
