package engine

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/bylaw-dev/bylaw/engine/jmespath"
	"github.com/bylaw-dev/bylaw/engine/variables"
)

type contextKind int

const (
	contextVariable contextKind = iota
	contextConfigMap
	contextAPICall
	contextImageRegistry
	contextGlobal
)

// contextEntry is a compiled rule context entry.
type contextEntry struct {
	name string
	kind contextKind
	// value is variable.value; def is the default of variable or apiCall.
	value *variables.Tree
	def   *variables.Tree
	// query is the entry's jmesPath, applied to the loaded data (or, for a variable without value, to the context).
	query *dynamicQuery
	// cmName and cmNamespace locate a ConfigMap; ref is the image reference; url the apiCall urlPath or service URL.
	cmName, cmNamespace *variables.Template
	ref                 *variables.Template
	call                *apiCallProgram
	global              string
}

type apiCallProgram struct {
	method  string
	urlPath *variables.Template
	service *serviceProgram
	data    []dataField
}

type serviceProgram struct {
	url      *variables.Template
	caBundle string
	headers  map[string]*variables.Template
}

type dataField struct {
	key   string
	value *variables.Tree
}

// dynamicQuery is a JMESPath expression that may hold variables: precompiled when it holds none.
type dynamicQuery struct {
	static jmespath.Query
	tmpl   *variables.Template
	jp     *jmespath.Interpreter
}

func (q *dynamicQuery) search(doc, data any) (any, error) {
	if q.static != nil {
		return q.static.Search(data)
	}
	expr, err := q.tmpl.RenderString(doc)
	if err != nil {
		return nil, err
	}
	compiled, err := q.jp.Compile(expr)
	if err != nil {
		return nil, err
	}
	return compiled.Search(data)
}

var errNoValue = errors.New("no value")

// loadContext evaluates entries in order, each seeing the ones before it, and returns the extended document.
// Entries whose name is already set by Request.Variables keep that value.
func loadContext(ctx context.Context, entries []contextEntry, doc map[string]any, in *Input, loader Loader) (map[string]any, error) {
	if len(entries) == 0 {
		return doc, nil
	}
	out := cloneDoc(doc)
	for i := range entries {
		e := &entries[i]
		if _, preset := in.req.Variables[e.name]; preset {
			continue
		}
		v, err := e.load(ctx, out, loader)
		if err != nil {
			return nil, fmt.Errorf("context entry %q: %w", e.name, err)
		}
		setPath(out, e.name, v)
	}
	return out, nil
}

func (e *contextEntry) load(ctx context.Context, doc map[string]any, loader Loader) (any, error) {
	raw, err := e.fetch(ctx, doc, loader)
	if err == nil && e.query != nil && !(e.kind == contextVariable && e.value == nil) {
		raw, err = e.query.search(doc, raw)
	}
	if (err != nil || raw == nil) && e.def != nil {
		return e.def.Render(doc)
	}
	if err != nil {
		return nil, err
	}
	if raw == nil && e.kind == contextVariable {
		return nil, fmt.Errorf("variable resolved to null and has no default: %w", errNoValue)
	}
	return raw, nil
}

func (e *contextEntry) fetch(ctx context.Context, doc map[string]any, loader Loader) (any, error) {
	if e.kind != contextVariable && loader == nil {
		return nil, errors.New("no context loader configured for external data")
	}
	switch e.kind {
	case contextVariable:
		if e.value != nil {
			return e.value.Render(doc)
		}
		if e.query == nil {
			return nil, errNoValue
		}
		return e.query.search(doc, doc)
	case contextConfigMap:
		return e.fetchConfigMap(ctx, doc, loader)
	case contextAPICall:
		return e.fetchAPICall(ctx, doc, loader)
	case contextImageRegistry:
		ref, err := e.ref.RenderString(doc)
		if err != nil {
			return nil, fmt.Errorf("reference: %w", err)
		}
		return loader.ImageData(ctx, ref)
	default:
		return loader.GlobalContext(ctx, e.global)
	}
}

func (e *contextEntry) fetchConfigMap(ctx context.Context, doc map[string]any, loader Loader) (any, error) {
	name, err := e.cmName.RenderString(doc)
	if err != nil {
		return nil, fmt.Errorf("configMap.name: %w", err)
	}
	ns := ""
	if e.cmNamespace != nil {
		if ns, err = e.cmNamespace.RenderString(doc); err != nil {
			return nil, fmt.Errorf("configMap.namespace: %w", err)
		}
	}
	if ns == "" {
		ns = "default"
	}
	return loader.ConfigMap(ctx, ns, name)
}

func (e *contextEntry) fetchAPICall(ctx context.Context, doc map[string]any, loader Loader) (any, error) {
	c := e.call
	call := APICall{Method: c.method}
	var err error
	if c.urlPath != nil {
		if call.URLPath, err = c.urlPath.RenderString(doc); err != nil {
			return nil, fmt.Errorf("urlPath: %w", err)
		}
	}
	if c.service != nil {
		if call.Service, err = c.service.render(doc); err != nil {
			return nil, err
		}
	}
	if len(c.data) > 0 {
		call.Data = make(map[string]any, len(c.data))
		for _, d := range c.data {
			if call.Data[d.key], err = d.value.Render(doc); err != nil {
				return nil, fmt.Errorf("data %q: %w", d.key, err)
			}
		}
	}
	if call.Method == "" {
		call.Method = "GET"
	}
	call.Method = strings.ToUpper(call.Method)
	return loader.Call(ctx, call)
}

func (s *serviceProgram) render(doc any) (*ServiceCall, error) {
	url, err := s.url.RenderString(doc)
	if err != nil {
		return nil, fmt.Errorf("service.url: %w", err)
	}
	out := &ServiceCall{URL: url, CABundle: s.caBundle}
	for k, t := range s.headers {
		if out.Headers == nil {
			out.Headers = map[string]string{}
		}
		if out.Headers[k], err = t.RenderString(doc); err != nil {
			return nil, fmt.Errorf("service header %q: %w", k, err)
		}
	}
	return out, nil
}
