// Package certs manages the TLS material of the admission webhook served by
// `bylaw serve`.
//
// On start a self-signed CA and a serving certificate are created and stored
// in one Secret of type kubernetes.io/tls (keys tls.crt, tls.key, ca.crt and
// ca.key), or taken from that Secret when it already exists. Every replica
// runs a [Keeper]: it calls [Ensure] at an interval, which renews the CA or
// the serving certificate when less than a fraction of its lifetime remains
// (one third by default) and writes the Secret with optimistic concurrency,
// so that replicas racing each other converge on what the winner wrote. The
// Keeper loads the certificate per TLS handshake ([Keeper.GetCertificate]),
// so a renewed certificate is served without a restart.
//
// ca.crt is a bundle: the current CA first, then earlier CAs until they
// expire. A CA renewal does not re-sign the serving certificate at once: the
// old serving certificate stays in use (its CA is still in the bundle) until
// its own renewal is due, which gives the webhook registration time to
// publish the new bundle (see [Keeper.OnCABundle]) before any replica serves
// a certificate signed by the new CA.
//
// A Secret that holds tls.crt but no ca.key is managed by someone else (for
// example cert-manager): it is loaded and reloaded, never written.
package certs
