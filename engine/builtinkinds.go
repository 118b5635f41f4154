package engine

import (
	"sync"

	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"

	"github.com/bylaw-dev/bylaw/engine/match"
)

// builtinKinds maps the resources of the built-in kinds (client-go's scheme) to their kinds, for the rules that
// name resources but must list objects by kind (MutatingPolicy mutateExisting). Built on first use.
type builtinKinds struct {
	once       sync.Once
	byResource map[string]string // group/version/resource -> kind
}

// kindOf returns the kind of a built-in resource, or false.
func (b *builtinKinds) kindOf(group, version, resource string) (string, bool) {
	b.once.Do(func() {
		b.byResource = map[string]string{}
		s := runtime.NewScheme()
		if clientgoscheme.AddToScheme(s) != nil {
			return // no built-in kinds: every mutateExisting resource is then refused with its name
		}
		for gvk := range s.AllKnownTypes() {
			if gvk.Version == runtime.APIVersionInternal || len(gvk.Kind) > 4 && gvk.Kind[len(gvk.Kind)-4:] == "List" {
				continue
			}
			b.byResource[gvk.Group+"/"+gvk.Version+"/"+match.ResourceForKind(gvk.Kind)] = gvk.Kind
		}
	})
	k, ok := b.byResource[group+"/"+version+"/"+resource]
	return k, ok
}
