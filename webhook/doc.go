// Package webhook serves Kubernetes admission: AdmissionReview v1 validate and mutate requests evaluated by the engine
// against the policy snapshot in force.
//
// One handler serves every webhook class that package registration registers (a path per failure policy and
// timeout, such as /validate/fail/10), and evaluates only the policies of that class, so each policy runs once per
// request. Enforce failures deny the request with the rules' messages; Audit failures allow it with a warning and an
// event. Requests are size-limited and a malformed review gets a 400 answer, never a panic. Sub-package certs keeps
// the serving certificate and registration the webhook configurations.
package webhook
