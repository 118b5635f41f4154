package clustercontext

import (
	"fmt"

	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apiserver/pkg/authentication/serviceaccount"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
)

// NewRESTClient returns the client Loader.REST needs: apiCall entries name absolute API paths, so one REST client
// serves them all. It is built without the typed clientset, which would link every API group's client.
//
// Every request impersonates the ServiceAccount as (in `bylaw serve`, --context-service-account in Bylaw's
// namespace), so a policy's apiCall reads with that account's rights, never with those of cfg: Bylaw's own identity
// may read the webhook CA key and the GitSource credentials in its namespace, which no policy may lift. cfg's
// identity needs the impersonate verb on that ServiceAccount only. A zero as impersonates no one; only tests and
// tools that hold no secrets of their own use that.
func NewRESTClient(cfg *rest.Config, as types.NamespacedName) (*rest.RESTClient, error) {
	rc := rest.CopyConfig(cfg)
	rc.APIPath = "/api"
	rc.GroupVersion = &schema.GroupVersion{Version: "v1"}
	rc.NegotiatedSerializer = clientgoscheme.Codecs.WithoutConversion()
	if as.Name != "" {
		rc.Impersonate = rest.ImpersonationConfig{UserName: serviceaccount.MakeUsername(as.Namespace, as.Name)}
	}
	c, err := rest.RESTClientFor(rc)
	if err != nil {
		return nil, fmt.Errorf("REST client for apiCall context: %w", err)
	}
	return c, nil
}
