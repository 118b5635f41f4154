package policy

import (
	"fmt"

	"github.com/bylaw-dev/bylaw/manifest"
)

// decoded is what one document of a resource file gave: its objects (a `List` gives several) or an error.
type decoded struct {
	objs []map[string]any
	err  error
}

// decodeDocument decodes one document of a resource file into Kubernetes objects. Empty and null documents give
// none; errors name the file, the document and the line.
func decodeDocument(file string, doc manifest.Document) decoded {
	v, err := manifest.Decode(doc.Data)
	if err == nil && v != nil {
		if _, isObject := v.(map[string]any); !isObject {
			err = fmt.Errorf("not a Kubernetes object: a %T", v)
		}
	}
	if err != nil {
		return decoded{err: &LoadError{File: file, Document: doc.Index,
			Err: fmt.Errorf("%w (the document starts at line %d of the file)", err, doc.Line)}}
	}
	if v == nil {
		return decoded{}
	}
	return decoded{objs: flattenList(v.(map[string]any))}
}

// flattenList returns the items of a `...List` object, or the object itself.
func flattenList(obj map[string]any) []map[string]any {
	items, isList := obj["items"].([]any)
	kind, _ := obj["kind"].(string)
	if !isList || len(kind) < 4 || kind[len(kind)-4:] != "List" {
		return []map[string]any{obj}
	}
	out := make([]map[string]any, 0, len(items))
	for _, it := range items {
		if m, ok := it.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}
