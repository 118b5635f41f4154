package engine

import (
	"strconv"
	"strings"
)

// setPath sets a dotted path ("request.object.metadata.name") in doc, copying every map on the way so that shared
// documents are never written.
func setPath(doc map[string]any, path string, v any) {
	head, rest, nested := strings.Cut(path, ".")
	if !nested {
		doc[head] = v
		return
	}
	existing, _ := doc[head].(map[string]any)
	child := cloneDoc(existing)
	setPath(child, rest, v)
	doc[head] = child
}

// cloneDoc returns a shallow copy of doc.
func cloneDoc(doc map[string]any) map[string]any {
	out := make(map[string]any, len(doc)+2)
	for k, v := range doc {
		out[k] = v
	}
	return out
}

// withElement returns a copy of doc with the foreach variables of one element set.
func withElement(doc map[string]any, element any, index int, depth int) map[string]any {
	out := cloneDoc(doc)
	out["element"] = element
	out["elementIndex"] = index
	suffix := strconv.Itoa(depth)
	out["element"+suffix] = element
	out["elementIndex"+suffix] = index
	return out
}
