package policy

import (
	"encoding/json"
	"fmt"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"

	"github.com/bylaw-dev/bylaw/engine"
)

// LoaderOption adjusts a Loader.
type LoaderOption func(*Loader)

// WithAdmissionPolicies makes the loader read Kubernetes ValidatingAdmissionPolicy and
// ValidatingAdmissionPolicyBinding documents (admissionregistration.k8s.io/v1). Only the CLI uses it: in a
// cluster the API server enforces them, so without it they are ignored like any other non-policy document.
func WithAdmissionPolicies() LoaderOption {
	return func(l *Loader) { l.admissionPolicies = true }
}

const admissionGroupVersion = "admissionregistration.k8s.io/v1"

// admissionDocs holds the ValidatingAdmissionPolicies and bindings read so far; they pair up once every file is read.
type admissionDocs struct {
	policies []admissionDoc[admissionregistrationv1.ValidatingAdmissionPolicy]
	bindings []admissionDoc[admissionregistrationv1.ValidatingAdmissionPolicyBinding]
	// brokenFor names the policies of bindings that failed to load: those policies are not evaluated alone.
	brokenFor []string
}

type admissionDoc[T any] struct {
	file  string
	index int
	obj   *T
}

func (l *Loader) isAdmissionKind(apiVersion, kind string) bool {
	return l.admissionPolicies && apiVersion == admissionGroupVersion &&
		(kind == "ValidatingAdmissionPolicy" || kind == "ValidatingAdmissionPolicyBinding")
}

// readAdmission decodes a ValidatingAdmissionPolicy or binding strictly and keeps it for pairing.
func (l *Loader) readAdmission(set *Set, d document, tm typeMeta) (string, error) {
	if tm.Kind == "ValidatingAdmissionPolicy" {
		var obj admissionregistrationv1.ValidatingAdmissionPolicy
		if field, err := decodeStrict(d.json, &obj); err != nil {
			return field, err
		}
		set.admission.policies = append(set.admission.policies, admissionDoc[admissionregistrationv1.ValidatingAdmissionPolicy]{d.file, d.index, &obj})
		return "", nil
	}
	var obj admissionregistrationv1.ValidatingAdmissionPolicyBinding
	if field, err := decodeStrict(d.json, &obj); err != nil {
		var named struct {
			Spec struct {
				PolicyName string `json:"policyName"`
			} `json:"spec"`
		}
		if json.Unmarshal(d.json, &named) == nil && named.Spec.PolicyName != "" {
			set.admission.brokenFor = append(set.admission.brokenFor, named.Spec.PolicyName)
		}
		return field, err
	}
	if obj.Spec.PolicyName == "" {
		return "spec.policyName", fmt.Errorf("required")
	}
	set.admission.bindings = append(set.admission.bindings, admissionDoc[admissionregistrationv1.ValidatingAdmissionPolicyBinding]{d.file, d.index, &obj})
	return "", nil
}

// pairAdmission compiles every binding with the policy it names (an error when there is none) and every policy
// no binding names on its own, as Kyverno's CLI evaluates it.
func (l *Loader) pairAdmission(set *Set) {
	byName := map[string]*admissionregistrationv1.ValidatingAdmissionPolicy{}
	bound := map[string]bool{}
	for _, name := range set.admission.brokenFor {
		bound[name] = true
	}
	for _, p := range set.admission.policies {
		byName[p.obj.Name] = p.obj
	}
	for _, b := range set.admission.bindings {
		vap := byName[b.obj.Spec.PolicyName]
		if vap == nil {
			set.Errors = append(set.Errors, &LoadError{File: b.file, Document: b.index, Kind: b.obj.Kind, Name: b.obj.Name,
				Field: "spec.policyName", Err: fmt.Errorf("ValidatingAdmissionPolicy %q not found in the policy files", b.obj.Spec.PolicyName)})
			continue
		}
		bound[vap.Name] = true
		l.compileAdmission(set, b.file, b.index, engine.AdmissionPolicySource{Policy: vap, Binding: b.obj})
	}
	for _, p := range set.admission.policies {
		if !bound[p.obj.Name] {
			l.compileAdmission(set, p.file, p.index, engine.AdmissionPolicySource{Policy: p.obj})
		}
	}
	set.admission = admissionDocs{}
}

func (l *Loader) compileAdmission(set *Set, file string, index int, src engine.AdmissionPolicySource) {
	p, err := l.eng.CompileAdmissionPolicy(src)
	if err != nil {
		set.Errors = append(set.Errors, &LoadError{File: file, Document: index, Kind: "ValidatingAdmissionPolicy", Name: src.Policy.Name, Err: err})
		return
	}
	set.Policies = append(set.Policies, p)
}
