package server

import (
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/bylaw-dev/bylaw/clustercontext"
)

// newContextLoader builds the cluster Loader of the webhook, the scanner and the generate controller: ConfigMaps
// from cache, clone sources and mutate targets from reader, and apiCall entries through the API server as the
// ServiceAccount --context-service-account in Bylaw's namespace, never as Bylaw itself.
func newContextLoader(cfg *rest.Config, o Options, cache, reader client.Reader) (*clustercontext.Loader, error) {
	rc, err := clustercontext.NewRESTClient(cfg, types.NamespacedName{Namespace: o.Namespace, Name: o.ContextServiceAccount})
	if err != nil {
		return nil, err
	}
	return &clustercontext.Loader{Cache: cache, Reader: reader, REST: rc}, nil
}
