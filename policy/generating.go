package policy

import (
	"errors"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	policiesv1 "github.com/bylaw-dev/bylaw/api/policies/v1"
	"github.com/bylaw-dev/bylaw/engine"
)

// isGeneratingKind reports whether apiVersion/kind is a GeneratingPolicy or NamespacedGeneratingPolicy of
// policies.kyverno.io v1, v1beta1 or v1alpha1 (one schema).
func isGeneratingKind(group, version, kind string) bool {
	return (kind == policiesv1.GeneratingPolicyKind || kind == policiesv1.NamespacedGeneratingPolicyKind) &&
		group == policiesv1.GroupName && isPoliciesVersion(version)
}

func (l *Loader) loadGenerating(data []byte, tm typeMeta) (*engine.Policy, string, error) {
	var obj policiesv1.GeneratingPolicy // both kinds share one schema
	if field, err := decodeStrict(data, &obj); err != nil {
		return nil, field, err
	}
	return l.compileGenerating(tm.Kind, &obj.ObjectMeta, &obj.Spec)
}

// CompileGenerating checks and compiles a GeneratingPolicy or NamespacedGeneratingPolicy object, as read from the
// API server. The error names the field at fault.
func (l *Loader) CompileGenerating(kind string, meta *metav1.ObjectMeta, spec *policiesv1.GeneratingPolicySpec) (*engine.Policy, error) {
	p, field, err := l.compileGenerating(kind, meta, spec)
	if err != nil {
		return nil, &LoadError{Kind: kind, Name: meta.Name, Field: field, Err: err}
	}
	return p, nil
}

func (l *Loader) compileGenerating(kind string, meta *metav1.ObjectMeta, spec *policiesv1.GeneratingPolicySpec) (*engine.Policy, string, error) {
	if meta.Name == "" {
		return nil, "metadata.name", errors.New("required")
	}
	src := engine.GeneratingSource{Kind: kind, Name: meta.Name, Annotations: meta.Annotations, Spec: spec}
	if kind == policiesv1.NamespacedGeneratingPolicyKind {
		src.Namespace = meta.Namespace
		if src.Namespace == "" {
			src.Namespace = "default"
		}
	}
	p, err := l.eng.CompileGenerating(src)
	if err != nil {
		return nil, "", err
	}
	return p, "", nil
}
