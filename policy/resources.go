package policy

import (
	"fmt"
	"os"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/bylaw-dev/bylaw/manifest"
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

// DecodeResources decodes the objects of one file. Documents are decoded in parallel (manifest.Decode) and returned
// in file order.
func DecodeResources(file string, data []byte) ([]map[string]any, []error) {
	docs, err := manifest.Split(data)
	if err != nil {
		return nil, []error{&LoadError{File: file, Err: fmt.Errorf("reading YAML: %w", err)}}
	}
	results := make([]decoded, len(docs))
	parallel(len(docs), func(i int) {
		results[i] = decodeDocument(file, docs[i])
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
