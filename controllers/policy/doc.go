// Package policy reconciles the in-cluster policy objects (ClusterPolicy, Policy, PolicyException) into the policy
// store that admission and the controllers read.
//
// Every replica loads every policy, so that each can answer admission requests; only the elected leader writes
// status. A policy that does not compile never reaches the store: its Ready condition turns False with the reason
// and the version of the policy loaded before stays in force. Status uses kstatus conditions (Ready, Reconciling,
// Stalled) and observedGeneration, written with one deferred patch, so Flux and Argo CD health checks read it.
//
// PolicyExceptions are taken only from the namespaces of ExceptionNamespaces (bylaw serve --exception-namespaces);
// one elsewhere never reaches the store and gets Ready=False with reason UntrustedNamespace and a Warning event.
package policy
