package policy

import (
	"fmt"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
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

// DecodeResources decodes the objects of one file. Documents are parsed in parallel (YAML parsing dominates the cost
// of reading large resource files) and returned in file order.
func DecodeResources(file string, data []byte) ([]map[string]any, []error) {
	raws, err := splitRawDocuments(data)
	if err != nil {
		return nil, []error{&LoadError{File: file, Err: err}}
	}
	results := make([]decoded, len(raws))
	parallel(len(raws), func(i int) {
		results[i] = decodeResource(file, raws[i])
	})
	var out []map[string]any
	var errs []error
	for _, r := range results {
		out = append(out, r.objs...)
		if r.err != nil {
			errs = append(errs, r.err)
		}
	}
	return out, errs
}

type decoded struct {
	objs []map[string]any
	err  error
}

func decodeResource(file string, raw rawDocument) decoded {
	var res decoded
	err := decodeYAMLStream(raw.data, func(_ int, v any) error {
		obj, ok := v.(map[string]any)
		if !ok {
			return fmt.Errorf("not a Kubernetes object: a %T", v)
		}
		res.objs = append(res.objs, flattenList(obj)...)
		return nil
	})
	if err != nil {
		res.err = &LoadError{File: file, Document: raw.index, Err: err}
	}
	return res
}

// parallel runs fn(0..n-1) on GOMAXPROCS workers.
func parallel(n int, fn func(i int)) {
	workers := min(runtime.GOMAXPROCS(0), n)
	if workers <= 1 {
		for i := range n {
			fn(i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := int(next.Add(1)) - 1; i < n; i = int(next.Add(1)) - 1 {
				fn(i)
			}
		})
	}
	wg.Wait()
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
