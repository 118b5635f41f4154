package policy

import (
	"encoding/json"
	"errors"
	"fmt"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"

	"github.com/bylaw-dev/bylaw/engine"
)

// LoaderOption adjusts a Loader.
type LoaderOption func(*Loader)

// WithAdmissionPolicies makes the loader read Kubernetes ValidatingAdmissionPolicy and
// ValidatingAdmissionPolicyBinding documents (admissionregistration.k8s.io/v1), and MutatingAdmissionPolicy and
// MutatingAdmissionPolicyBinding documents (v1, v1beta1, v1alpha1). Only the CLI uses it: in a
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
	// mutating holds the MutatingAdmissionPolicies and their bindings.
	mutating mutatingAdmissionDocs
}

type admissionDoc[T any] struct {
	file  string
	index int
	obj   *T
}

func (l *Loader) isAdmissionKind(apiVersion, kind string) bool {
	return l.admissionPolicies && (apiVersion == admissionGroupVersion &&
		(kind == "ValidatingAdmissionPolicy" || kind == "ValidatingAdmissionPolicyBinding") ||
		isMutatingAdmissionKind(apiVersion, kind))
}

// readAdmission decodes a ValidatingAdmissionPolicy or binding strictly and keeps it for pairing.
func (l *Loader) readAdmission(set *Set, d document, tm typeMeta) (string, error) {
	if isMutatingAdmissionKind(tm.APIVersion, tm.Kind) {
		return set.admission.mutating.read(d, tm)
	}
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
		return "spec.policyName", errors.New("required")
	}
	set.admission.bindings = append(set.admission.bindings, admissionDoc[admissionregistrationv1.ValidatingAdmissionPolicyBinding]{d.file, d.index, &obj})
	return "", nil
}

// pairAdmission compiles every policy with the bindings that name it (alone when none does, as Kyverno's CLI
// evaluates it); a binding naming no loaded policy is an error, and so is a policy whose binding failed to load.
func (l *Loader) pairAdmission(set *Set) {
	bindings := map[string][]*admissionregistrationv1.ValidatingAdmissionPolicyBinding{}
	known := map[string]bool{}
	for _, p := range set.admission.policies {
		known[p.obj.Name] = true
	}
	for _, b := range set.admission.bindings {
		if !known[b.obj.Spec.PolicyName] {
			set.Errors = append(set.Errors, &LoadError{File: b.file, Document: b.index, Kind: b.obj.Kind, Name: b.obj.Name,
				Field: "spec.policyName", Err: fmt.Errorf("ValidatingAdmissionPolicy %q not found in the policy files", b.obj.Spec.PolicyName)})
			continue
		}
		bindings[b.obj.Spec.PolicyName] = append(bindings[b.obj.Spec.PolicyName], b.obj)
	}
	broken := map[string]bool{}
	for _, name := range set.admission.brokenFor {
		broken[name] = true
	}
	for _, p := range set.admission.policies {
		le := &LoadError{File: p.file, Document: p.index, Kind: "ValidatingAdmissionPolicy", Name: p.obj.Name}
		if broken[p.obj.Name] {
			le.Err = errors.New("not evaluated: one of its bindings failed to load")
			set.Errors = append(set.Errors, le)
			continue
		}
		compiled, err := l.eng.CompileAdmissionPolicy(engine.AdmissionPolicySource{Policy: p.obj, Bindings: bindings[p.obj.Name]})
		if err != nil {
			le.Err = err
			set.Errors = append(set.Errors, le)
			continue
		}
		set.Policies = append(set.Policies, compiled)
	}
	l.pairMutatingAdmission(set)
	set.admission = admissionDocs{}
}
