package clustercontext

import (
	"fmt"

	"k8s.io/apimachinery/pkg/runtime/schema"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
)

// NewRESTClient returns the client Loader.REST needs: apiCall entries name absolute API paths, so one REST client
// serves them all. It is built without the typed clientset, which would link every API group's client.
func NewRESTClient(cfg *rest.Config) (*rest.RESTClient, error) {
	rc := rest.CopyConfig(cfg)
	rc.APIPath = "/api"
	rc.GroupVersion = &schema.GroupVersion{Version: "v1"}
	rc.NegotiatedSerializer = clientgoscheme.Codecs.WithoutConversion()
	c, err := rest.RESTClientFor(rc)
	if err != nil {
		return nil, fmt.Errorf("REST client for apiCall context: %w", err)
	}
	return c, nil
}
