package policy

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"

	"github.com/bylaw-dev/bylaw/engine"
)

// mutatingAdmissionVersions are the versions of admissionregistration.k8s.io that serve MutatingAdmissionPolicy;
// their fields are the same, so each is decoded (strictly) into the v1 types.
var mutatingAdmissionVersions = []string{"v1", "v1beta1", "v1alpha1"}

func isMutatingAdmissionKind(apiVersion, kind string) bool {
	group, version, ok := strings.Cut(apiVersion, "/")
	if !ok || group != "admissionregistration.k8s.io" || (kind != "MutatingAdmissionPolicy" && kind != "MutatingAdmissionPolicyBinding") {
		return false
	}
	for _, v := range mutatingAdmissionVersions {
		if v == version {
			return true
		}
	}
	return false
}

// mutatingAdmissionDocs holds the MutatingAdmissionPolicies and bindings read so far, for pairing.
type mutatingAdmissionDocs struct {
	policies []admissionDoc[admissionregistrationv1.MutatingAdmissionPolicy]
	bindings []admissionDoc[admissionregistrationv1.MutatingAdmissionPolicyBinding]
	// brokenFor names the policies of bindings that failed to load: those policies are not evaluated alone.
	brokenFor []string
}

func (m *mutatingAdmissionDocs) merge(o *mutatingAdmissionDocs) {
	m.policies = append(m.policies, o.policies...)
	m.bindings = append(m.bindings, o.bindings...)
	m.brokenFor = append(m.brokenFor, o.brokenFor...)
}

// read decodes a MutatingAdmissionPolicy or binding strictly and keeps it for pairing; it returns the field at
// fault with the error.
func (m *mutatingAdmissionDocs) read(d document, tm typeMeta) (string, error) {
	if tm.Kind == "MutatingAdmissionPolicy" {
		var obj admissionregistrationv1.MutatingAdmissionPolicy
		if field, err := decodeStrict(d.json, &obj); err != nil {
			return field, err
		}
		m.policies = append(m.policies, admissionDoc[admissionregistrationv1.MutatingAdmissionPolicy]{d.file, d.index, &obj})
		return "", nil
	}
	var obj admissionregistrationv1.MutatingAdmissionPolicyBinding
	if field, err := decodeStrict(d.json, &obj); err != nil {
		var named struct {
			Spec struct {
				PolicyName string `json:"policyName"`
			} `json:"spec"`
		}
		if json.Unmarshal(d.json, &named) == nil && named.Spec.PolicyName != "" {
			m.brokenFor = append(m.brokenFor, named.Spec.PolicyName)
		}
		return field, err
	}
	if obj.Spec.PolicyName == "" {
		return "spec.policyName", errors.New("required")
	}
	m.bindings = append(m.bindings, admissionDoc[admissionregistrationv1.MutatingAdmissionPolicyBinding]{d.file, d.index, &obj})
	return "", nil
}

// pairMutatingAdmission compiles every MutatingAdmissionPolicy with the bindings that name it, in the order they
// were read (alone when none does); a binding naming no loaded policy is an error, and so is a policy whose
// binding failed to load.
func (l *Loader) pairMutatingAdmission(set *Set) {
	m := &set.admission.mutating
	bindings := map[string][]*admissionregistrationv1.MutatingAdmissionPolicyBinding{}
	known := map[string]bool{}
	for _, p := range m.policies {
		known[p.obj.Name] = true
	}
	for _, b := range m.bindings {
		if !known[b.obj.Spec.PolicyName] {
			set.Errors = append(set.Errors, &LoadError{File: b.file, Document: b.index, Kind: "MutatingAdmissionPolicyBinding", Name: b.obj.Name,
				Field: "spec.policyName", Err: fmt.Errorf("MutatingAdmissionPolicy %q not found in the policy files", b.obj.Spec.PolicyName)})
			continue
		}
		bindings[b.obj.Spec.PolicyName] = append(bindings[b.obj.Spec.PolicyName], b.obj)
	}
	broken := map[string]bool{}
	for _, name := range m.brokenFor {
		broken[name] = true
	}
	for _, p := range m.policies {
		le := &LoadError{File: p.file, Document: p.index, Kind: "MutatingAdmissionPolicy", Name: p.obj.Name}
		if broken[p.obj.Name] {
			le.Err = errors.New("not evaluated: one of its bindings failed to load")
			set.Errors = append(set.Errors, le)
			continue
		}
		compiled, err := l.eng.CompileMutatingAdmissionPolicy(engine.MutatingAdmissionPolicySource{Policy: p.obj, Bindings: bindings[p.obj.Name]})
		if err != nil {
			le.Err = err
			set.Errors = append(set.Errors, le)
			continue
		}
		set.Policies = append(set.Policies, compiled)
	}
}
