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
func decodeDocument(lim manifest.Limits, file string, doc manifest.Document) decoded {
	objs, err := documentObjects(lim, doc.Data)
	if err != nil {
		return decoded{err: &LoadError{File: file, Document: doc.Index,
			Err: fmt.Errorf("%w (the document starts at line %d of the file)", err, doc.Line)}}
	}
	return decoded{objs: objs}
}

func documentObjects(lim manifest.Limits, data []byte) ([]map[string]any, error) {
	v, err := lim.Decode(data)
	if err != nil || v == nil {
		return nil, err
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("not a Kubernetes object: a %T", v)
	}
	return flattenList(obj), nil
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
