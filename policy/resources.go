package policy

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/bylaw-dev/bylaw/manifest"
)

// LoadResources reads Kubernetes objects from files and folders (multi-document YAML; `List` kinds are flattened)
// within lim (manifest.Limits: file and document size, nesting, alias expansion). Numbers decode as int64 or float64.
// Each problem is returned as an error naming the file and document; the other documents still load. When ctx is
// done it stops between documents and returns the context's cause among the errors.
func LoadResources(ctx context.Context, lim manifest.Limits, paths ...string) ([]map[string]any, []error) {
	files, lerrs := expandPaths(paths)
	var errs []error
	for _, e := range lerrs {
		errs = append(errs, e)
	}
	var out []map[string]any
	for _, f := range files {
		if ctx.Err() != nil {
			return out, append(errs, context.Cause(ctx))
		}
		data, err := lim.ReadFile(f)
		if err != nil {
			errs = append(errs, &LoadError{File: f, Err: fmt.Errorf("cannot read: %w", err)})
			continue
		}
		objs, ferrs := DecodeResources(ctx, lim, f, data)
		out = append(out, objs...)
		errs = append(errs, ferrs...)
	}
	return out, errs
}

// DecodeResources decodes the objects of one file within lim. Documents are decoded in parallel
// (manifest.Limits.Decode) and returned in file order. When ctx is done the documents not decoded yet are left out
// and the context's cause is the last error.
func DecodeResources(ctx context.Context, lim manifest.Limits, file string, data []byte) ([]map[string]any, []error) {
	docs, err := manifest.Split(data)
	if err != nil {
		return nil, []error{&LoadError{File: file, Err: fmt.Errorf("reading YAML: %w", err)}}
	}
	results := make([]decoded, len(docs))
	parallel(ctx, len(docs), func(i int) {
		results[i] = decodeDocument(lim, file, docs[i])
	})
	var out []map[string]any
	var errs []error
	for _, r := range results {
		out = append(out, r.objs...)
		if r.err != nil {
			errs = append(errs, r.err)
		}
	}
	if ctx.Err() != nil {
		errs = append(errs, context.Cause(ctx))
	}
	return out, errs
}

// parallel runs fn(0..n-1) on GOMAXPROCS workers; none starts once ctx is done.
func parallel(ctx context.Context, n int, fn func(i int)) {
	workers := min(runtime.GOMAXPROCS(0), n)
	if workers <= 1 {
		for i := range n {
			if ctx.Err() != nil {
				return
			}
			fn(i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := int(next.Add(1)) - 1; i < n && ctx.Err() == nil; i = int(next.Add(1)) - 1 {
				fn(i)
			}
		})
	}
	wg.Wait()
}
