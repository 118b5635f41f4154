package engine

import (
	"errors"
	"fmt"

	"github.com/bylaw-dev/bylaw/api/v1alpha1"
	"github.com/bylaw-dev/bylaw/engine/variables"
)

// confineSpec refuses, at compile, what a namespaced Policy writes outside its namespace: generated objects, clone
// and cloneList sources, mutate targets, CEL params, configMap and apiCall context entries. A field that holds
// variables is checked after substitution, at evaluation (confinedLoader, checkGenerated). A ClusterPolicy has
// nothing to check.
func confineSpec(src Source) []error {
	if src.Namespace == "" {
		return nil
	}
	var errs []error
	for i := range src.Spec.Rules {
		r := &src.Spec.Rules[i]
		c := confiner{namespace: src.Namespace}
		c.rule(r)
		if len(c.errs) > 0 {
			errs = append(errs, fmt.Errorf("spec.rules[%d] (%s): %w", i, r.Name, errors.Join(c.errs...)))
		}
	}
	return errs
}

// confiner gathers the confinement errors of one rule.
type confiner struct {
	namespace string
	errs      []error
}

func (c *confiner) add(err error) {
	if err != nil {
		c.errs = append(c.errs, err)
	}
}

// constant checks a namespace field written without variables; empty means cluster-scoped (or every namespace).
func (c *confiner) constant(field, namespace string) {
	if !variables.HasVariables(namespace) {
		c.add(confineNamespace(c.namespace, field, namespace))
	}
}

func (c *confiner) rule(r *v1alpha1.Rule) {
	c.contexts("", r.Context)
	if v := r.Validation; v != nil {
		c.validateForeach("validate.foreach", v.ForEach)
		if v.CEL != nil && v.CEL.ParamRef != nil && v.CEL.ParamRef.Namespace != "" {
			c.constant("validate.cel.paramRef.namespace", v.CEL.ParamRef.Namespace)
		}
	}
	if m := r.Mutation; m != nil {
		c.mutateForeach("mutate.foreach", m.ForEach)
		for i := range m.Targets {
			t := &m.Targets[i]
			c.constant(fmt.Sprintf("mutate.targets[%d].namespace", i), t.Namespace)
			c.contexts(fmt.Sprintf("mutate.targets[%d].", i), t.Context)
		}
	}
	if g := r.Generation; g != nil {
		c.generate("generate.", &g.GeneratePattern)
		for i := range g.ForEach {
			prefix := fmt.Sprintf("generate.foreach[%d].", i)
			c.contexts(prefix, g.ForEach[i].Context)
			c.generate(prefix, &g.ForEach[i].GeneratePattern)
		}
	}
}

// generate checks the target namespace and the clone or cloneList source of a generate pattern.
func (c *confiner) generate(prefix string, p *v1alpha1.GeneratePattern) {
	if !hasGeneratePattern(p) {
		return
	}
	c.constant(prefix+"namespace", p.Namespace)
	if p.Clone.Name != "" {
		c.constant(prefix+"clone.namespace", p.Clone.Namespace)
	}
	if len(p.CloneList.Kinds) > 0 {
		c.constant(prefix+"cloneList.namespace", p.CloneList.Namespace)
	}
}

func (c *confiner) validateForeach(prefix string, list []v1alpha1.ForEachValidation) {
	for i := range list {
		p := fmt.Sprintf("%s[%d]", prefix, i)
		c.contexts(p+".", list[i].Context)
		c.validateForeach(p+".foreach", list[i].ForEach)
	}
}

func (c *confiner) mutateForeach(prefix string, list []v1alpha1.ForEachMutation) {
	for i := range list {
		p := fmt.Sprintf("%s[%d]", prefix, i)
		c.contexts(p+".", list[i].Context)
		c.mutateForeach(p+".foreach", list[i].ForEach)
	}
}

// contexts checks the configMap and apiCall entries of a context list: a service call and a POST are refused
// whatever their variables; a namespace or urlPath written without variables is checked here.
func (c *confiner) contexts(prefix string, entries []v1alpha1.ContextEntry) {
	for i := range entries {
		e := &entries[i]
		var err error
		switch {
		case e.ConfigMap != nil:
			err = c.configMap(e.ConfigMap)
		case e.APICall != nil:
			err = c.apiCall(&e.APICall.APICall)
		}
		if err != nil {
			c.add(fmt.Errorf("%scontext[%d] (%s): %w", prefix, i, e.Name, err))
		}
	}
}

func (c *confiner) configMap(cm *v1alpha1.ConfigMapReference) error {
	switch {
	case variables.HasVariables(cm.Namespace):
		return nil
	case cm.Namespace == "" && c.namespace != "default":
		return &OutsideNamespaceError{Field: "configMap.namespace", Value: "default", Namespace: c.namespace,
			Reason: fmt.Sprintf("an empty configMap.namespace reads namespace \"default\"; write namespace: %s", c.namespace)}
	case cm.Namespace == "":
		return nil
	}
	return confineNamespace(c.namespace, "configMap.namespace", cm.Namespace)
}

func (c *confiner) apiCall(a *v1alpha1.APICall) error {
	call := APICall{Method: string(a.Method), URLPath: a.URLPath}
	if a.Service != nil {
		call.Service = &ServiceCall{URL: a.Service.URL}
	}
	if err := confineMethod(c.namespace, call); err != nil || variables.HasVariables(a.URLPath) {
		return err // a path with variables is checked after substitution
	}
	return confineAPIPath(c.namespace, call.URLPath)
}
