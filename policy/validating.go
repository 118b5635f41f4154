package policy

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	policiesv1 "github.com/bylaw-dev/bylaw/api/policies/v1"
	"github.com/bylaw-dev/bylaw/api/v1alpha1"
	"github.com/bylaw-dev/bylaw/engine"
)

// isValidatingKind reports whether apiVersion/kind is a ValidatingPolicy or NamespacedValidatingPolicy Bylaw reads:
// policies.kyverno.io v1, v1beta1 or v1alpha1 (one schema), or bylaw.dev/v1alpha1.
func isValidatingKind(group, version, kind string) bool {
	if kind != policiesv1.ValidatingPolicyKind && kind != policiesv1.NamespacedValidatingPolicyKind {
		return false
	}
	if group == v1alpha1.SchemeGroupVersion.Group {
		return version == v1alpha1.SchemeGroupVersion.Version
	}
	return group == policiesv1.GroupName && isPoliciesVersion(version)
}

func isPoliciesVersion(version string) bool {
	for _, v := range policiesv1.Versions {
		if v == version {
			return true
		}
	}
	return false
}

func (l *Loader) loadValidating(data []byte, tm typeMeta) (*engine.Policy, string, error) {
	var obj policiesv1.ValidatingPolicy // both kinds share one schema
	if field, err := decodeStrict(data, &obj); err != nil {
		return nil, field, err
	}
	return l.compileValidating(tm.Kind, &obj.ObjectMeta, &obj.Spec)
}

// CompileValidating checks and compiles a ValidatingPolicy or NamespacedValidatingPolicy object, as read from the
// API server. The error names the field at fault.
func (l *Loader) CompileValidating(kind string, meta *metav1.ObjectMeta, spec *policiesv1.ValidatingPolicySpec) (*engine.Policy, error) {
	p, field, err := l.compileValidating(kind, meta, spec)
	if err != nil {
		return nil, &LoadError{Kind: kind, Name: meta.Name, Field: field, Err: err}
	}
	return p, nil
}

func (l *Loader) compileValidating(kind string, meta *metav1.ObjectMeta, spec *policiesv1.ValidatingPolicySpec) (*engine.Policy, string, error) {
	if meta.Name == "" {
		return nil, "metadata.name", errors.New("required")
	}
	src := engine.ValidatingSource{Kind: kind, Name: meta.Name, Annotations: meta.Annotations, Spec: spec}
	if kind == policiesv1.NamespacedValidatingPolicyKind {
		src.Namespace = meta.Namespace
		if src.Namespace == "" {
			src.Namespace = "default"
		}
	}
	configs, err := AutogenValidating(spec)
	if err != nil {
		return nil, "spec.autogen", fmt.Errorf("autogen: %w", err)
	}
	for _, name := range slices.Sorted(maps.Keys(configs)) {
		src.Variants = append(src.Variants, engine.ValidatingVariant{Rule: meta.Name, Spec: configs[name].Spec})
	}
	p, err := l.eng.CompileValidating(src)
	if err != nil {
		return nil, "", err
	}
	return p, "", nil
}

func (l *Loader) loadCELException(data []byte) (*engine.Exception, string, error) {
	var obj policiesv1.PolicyException
	if field, err := decodeStrict(data, &obj); err != nil {
		return nil, field, err
	}
	if obj.Namespace == "" {
		obj.Namespace = "default"
	}
	if Expired(&obj, time.Now()) {
		return nil, "", nil
	}
	x, err := l.CompileCELException(&obj)
	if err != nil {
		return nil, "", err
	}
	return x, "", nil
}

// CompileCELException compiles a policies.kyverno.io PolicyException object, as read from the API server.
func (l *Loader) CompileCELException(obj *policiesv1.PolicyException) (*engine.Exception, error) {
	x, err := l.eng.CompileCELException(obj)
	if err != nil {
		return nil, &LoadError{Kind: policiesv1.PolicyExceptionKind, Name: obj.Name, Err: err}
	}
	return x, nil
}

// Expired reports whether a CEL PolicyException's expiresAt has passed at now: it then no longer applies.
func Expired(obj *policiesv1.PolicyException, now time.Time) bool {
	return obj.Spec.ExpiresAt != nil && !now.Before(obj.Spec.ExpiresAt.Time)
}
