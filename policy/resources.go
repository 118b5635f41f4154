package policy

import (
	"fmt"
	"os"

	utiljson "k8s.io/apimachinery/pkg/util/json"
)

// LoadResources reads Kubernetes objects from files and folders (multi-document YAML; `List` kinds are flattened).
// Numbers decode as int64 or float64. Each problem is returned as an error naming the file and document; the other
// documents still load.
func LoadResources(paths ...string) ([]map[string]any, []error) {
	files, lerrs := expandPaths(paths)
	var errs []error
	for _, e := range lerrs {
		errs = append(errs, e)
	}
	var out []map[string]any
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			errs = append(errs, &LoadError{File: f, Err: fmt.Errorf("cannot read: %w", err)})
			continue
		}
		objs, ferrs := DecodeResources(f, data)
		out = append(out, objs...)
		errs = append(errs, ferrs...)
	}
	return out, errs
}

// DecodeResources decodes the objects of one file.
func DecodeResources(file string, data []byte) ([]map[string]any, []error) {
	docs, lerrs := splitDocuments(file, data)
	var errs []error
	for _, e := range lerrs {
		errs = append(errs, e)
	}
	var out []map[string]any
	for _, d := range docs {
		var obj map[string]any
		if err := utiljson.Unmarshal(d.json, &obj); err != nil {
			errs = append(errs, &LoadError{File: file, Document: d.index, Err: fmt.Errorf("not a Kubernetes object: %w", err)})
			continue
		}
		out = append(out, flattenList(obj)...)
	}
	return out, errs
}

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
