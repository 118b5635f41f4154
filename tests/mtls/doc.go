// Package mtls tests mutual TLS between the API server and the webhook on a real control plane: kube-apiserver
// started with an admission configuration whose webhook kubeconfig presents a client certificate, and `bylaw serve`
// started with --client-ca-file, which refuses in the TLS handshake every client without a valid certificate.
package mtls
