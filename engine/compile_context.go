package engine

import (
	"fmt"
	"strings"

	"github.com/bylaw-dev/bylaw/api/v1alpha1"
	"github.com/bylaw-dev/bylaw/engine/variables"
)

func (e *Engine) compileContext(entries []v1alpha1.ContextEntry) ([]contextEntry, error) {
	out := make([]contextEntry, 0, len(entries))
	for i := range entries {
		c, err := e.compileContextEntry(&entries[i])
		if err != nil {
			return nil, fmt.Errorf("context[%d] (%s): %w", i, entries[i].Name, err)
		}
		out = append(out, c)
	}
	return out, nil
}

func (e *Engine) compileContextEntry(c *v1alpha1.ContextEntry) (contextEntry, error) {
	out := contextEntry{name: c.Name}
	if c.Name == "" {
		return out, fmt.Errorf("name: required")
	}
	var err error
	switch {
	case c.Variable != nil:
		err = e.compileVariableEntry(&out, c.Variable)
	case c.ConfigMap != nil:
		out.kind = contextConfigMap
		if out.cmName, err = e.vars.Compile(c.ConfigMap.Name); err == nil && c.ConfigMap.Namespace != "" {
			out.cmNamespace, err = e.vars.Compile(c.ConfigMap.Namespace)
		}
	case c.APICall != nil:
		err = e.compileAPICallEntry(&out, c.APICall)
	case c.ImageRegistry != nil:
		out.kind = contextImageRegistry
		if out.ref, err = e.vars.Compile(c.ImageRegistry.Reference); err == nil {
			out.query, err = e.compileQuery(c.ImageRegistry.JMESPath)
		}
	case c.GlobalReference != nil:
		out.kind, out.global = contextGlobal, c.GlobalReference.Name
		out.query, err = e.compileQuery(c.GlobalReference.JMESPath)
	default:
		err = fmt.Errorf("one of variable, configMap, apiCall, imageRegistry, globalReference is required")
	}
	return out, err
}

func (e *Engine) compileVariableEntry(out *contextEntry, v *v1alpha1.Variable) error {
	out.kind = contextVariable
	var err error
	if v.Value != nil {
		if out.value, err = e.compileTreeJSON(v.Value); err != nil {
			return fmt.Errorf("variable.value: %w", err)
		}
	}
	if v.Default != nil {
		if out.def, err = e.compileTreeJSON(v.Default); err != nil {
			return fmt.Errorf("variable.default: %w", err)
		}
	}
	if out.query, err = e.compileQuery(v.JMESPath); err != nil {
		return fmt.Errorf("variable.jmesPath: %w", err)
	}
	if v.Value == nil && v.JMESPath == "" {
		return fmt.Errorf("variable: value or jmesPath is required")
	}
	return nil
}

func (e *Engine) compileAPICallEntry(out *contextEntry, c *v1alpha1.ContextAPICall) error {
	out.kind = contextAPICall
	prog := &apiCallProgram{method: string(c.Method)}
	var err error
	if c.URLPath != "" {
		if prog.urlPath, err = e.vars.Compile(c.URLPath); err != nil {
			return fmt.Errorf("apiCall.urlPath: %w", err)
		}
	}
	if c.Service != nil {
		if prog.service, err = e.compileService(c.Service); err != nil {
			return err
		}
	}
	if prog.urlPath == nil && prog.service == nil {
		return fmt.Errorf("apiCall: urlPath or service is required")
	}
	for i, d := range c.Data {
		tree, err := e.compileTreeJSON(d.Value)
		if err != nil {
			return fmt.Errorf("apiCall.data[%d]: %w", i, err)
		}
		prog.data = append(prog.data, dataField{key: d.Key, value: tree})
	}
	if c.Default != nil {
		if out.def, err = e.compileTreeJSON(c.Default); err != nil {
			return fmt.Errorf("apiCall.default: %w", err)
		}
	}
	out.call = prog
	if out.query, err = e.compileQuery(c.JMESPath); err != nil {
		return fmt.Errorf("apiCall.jmesPath: %w", err)
	}
	return nil
}

func (e *Engine) compileService(s *v1alpha1.ServiceCall) (*serviceProgram, error) {
	url, err := e.vars.Compile(s.URL)
	if err != nil {
		return nil, fmt.Errorf("apiCall.service.url: %w", err)
	}
	out := &serviceProgram{url: url, caBundle: s.CABundle}
	for _, h := range s.Headers {
		t, err := e.vars.Compile(h.Value)
		if err != nil {
			return nil, fmt.Errorf("apiCall.service.headers[%s]: %w", h.Key, err)
		}
		if out.headers == nil {
			out.headers = map[string]*variables.Template{}
		}
		out.headers[h.Key] = t
	}
	return out, nil
}

// compileQuery compiles a jmesPath field: precompiled when it holds no variables; nil when empty.
func (e *Engine) compileQuery(expr string) (*dynamicQuery, error) {
	expr = strings.TrimSpace(expr)
	if expr == "" {
		return nil, nil
	}
	if variables.HasVariables(expr) {
		t, err := e.vars.Compile(expr)
		if err != nil {
			return nil, err
		}
		return &dynamicQuery{tmpl: t, jp: e.jp}, nil
	}
	q, err := e.jp.Compile(expr)
	if err != nil {
		return nil, err
	}
	return &dynamicQuery{static: q}, nil
}
