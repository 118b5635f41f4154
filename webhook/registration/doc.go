// Package registration turns the loaded policy set into the cluster's ValidatingWebhookConfiguration and
// MutatingWebhookConfiguration and keeps them up to date.
//
// Desired computes both configurations from the policies that run at admission. Each rule's kind selectors ("Pod",
// "apps/v1/Deployment", "Pod/exec", "*/scale", "*") are resolved through a RESTMapper to API groups, versions and
// resources (every served version of a kind), so the API server sends exactly the requests some rule may act on. A kind
// the server does not serve yields a warning, not a failure: the rest of the set still registers.
//
// There is one webhook per class, a class being the configuration (validating or mutating) and the policy's
// failurePolicy and timeout. Path names a class ("/validate/fail/10", "/mutate/ignore/5") and ParsePath reads it back,
// so the admission handler evaluates only the policies of the class it was called for (those whose Normalize(Webhook)
// equals the class, their rules with Scope.Mutating matching the configuration) and each policy runs once per request.
//
// Namespaced Policy objects register their kinds with scope Namespaced but without a per-namespace selector: a
// selector per policy would need a webhook per policy. The handler restricts a Policy to its own namespace.
//
// Syncer applies the desired configurations with a controller-runtime client: it creates them, updates them only when
// their webhooks differ (no churn on a periodic resync) and deletes them when no policy needs them.
package registration
