package generate

import (
	"fmt"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/bylaw-dev/bylaw/engine"
)

// confine refuses an object that a namespaced Policy would create or change outside its namespace, before anything
// is written. The engine refuses such objects already (engine.Policy.CheckNamespace, at compile and after variables
// are substituted); the controller asks the same check again where the write happens, with what only the API server
// knows: the scope of the kind. A namespace written on a cluster-scoped kind is dropped on create, so such an
// object counts as cluster-scoped, which no namespaced Policy may touch. field names the rule's field in the error.
func (r *Reconciler) confine(p *engine.Policy, rule, field string, u *unstructured.Unstructured) error {
	if p.Namespace == "" {
		return nil
	}
	namespaced, err := r.Client.IsObjectNamespaced(u)
	if err != nil {
		return fmt.Errorf("rule %s: the scope of %s %s: %w", rule, u.GetKind(), objectName(u), err)
	}
	if !namespaced {
		return fmt.Errorf("rule %s: %s %s is cluster-scoped: %w", rule, u.GetKind(), u.GetName(), p.CheckNamespace(field, ""))
	}
	if err := p.CheckNamespace(field, u.GetNamespace()); err != nil {
		return fmt.Errorf("rule %s: %s %s: %w", rule, u.GetKind(), objectName(u), err)
	}
	return nil
}
