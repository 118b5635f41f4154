package cleanup

import (
	"context"

	"github.com/go-logr/logr"
	authorizationv1 "k8s.io/api/authorization/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// cleanupVerbs are the rights a run needs on every resource it lists.
var cleanupVerbs = [...]string{"list", "delete"}

// denied returns, as "verb group/resource in namespace", the rights Bylaw lacks on gvr in namespace ("" for every
// namespace). A review that cannot be made counts as allowed: the request itself then fails and says why.
func (c *Controller) denied(ctx context.Context, gvr schema.GroupVersionResource, namespace string) []string {
	if c.Access == nil {
		return nil
	}
	var out []string
	for _, verb := range cleanupVerbs {
		review := &authorizationv1.SelfSubjectAccessReview{Spec: authorizationv1.SelfSubjectAccessReviewSpec{
			ResourceAttributes: &authorizationv1.ResourceAttributes{Verb: verb, Group: gvr.Group, Version: gvr.Version,
				Resource: gvr.Resource, Namespace: namespace}}}
		res, err := c.Access.Create(ctx, review, metav1.CreateOptions{})
		if err != nil {
			logr.FromContextOrDiscard(ctx).Error(err, "access review failed", "verb", verb, "resource", gvr.String())
			continue
		}
		if !res.Status.Allowed {
			out = append(out, verb+" "+gvr.GroupResource().String()+" in "+namespaceOrAll(namespace))
		}
	}
	return out
}
