package mtls

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"
)

// authority is a CA that signs client certificates.
type authority struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	pem  []byte
}

// leaf is a client certificate and its key, as PEM and as a tls.Certificate.
type leaf struct {
	certPEM, keyPEM []byte
	tls             tls.Certificate
}

// nextSerial returns a random serial number.
func nextSerial() *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		panic(err) // crypto/rand does not fail
	}
	return n
}

func newAuthority(name string) (*authority, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{SerialNumber: nextSerial(), Subject: pkix.Name{CommonName: name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		KeyUsage: x509.KeyUsageCertSign, BasicConstraintsValid: true, IsCA: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	return &authority{cert: cert, key: key, pem: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})}, nil
}

// issue signs a client certificate (extended key usage clientAuth) with common name cn.
func (a *authority) issue(cn string) (*leaf, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{SerialNumber: nextSerial(), Subject: pkix.Name{CommonName: cn},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, a.cert, &key.PublicKey, a.key)
	if err != nil {
		return nil, err
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, err
	}
	l := &leaf{certPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		keyPEM: pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER})}
	if l.tls, err = tls.X509KeyPair(l.certPEM, l.keyPEM); err != nil {
		return nil, err
	}
	return l, nil
}

// writeAPIServerFiles makes the client CA and the API server's client certificate, writes --client-ca-file and the
// API server's admission configuration with its webhook kubeconfig, and returns the path of the admission
// configuration. The kubeconfig user is named for the webhook's host:port, as the API server looks it up for a
// webhook called by URL.
func writeAPIServerFiles(dir string, webhookPort int) (string, error) {
	var err error
	if env.clientCA, err = newAuthority("bylaw-test-client-ca"); err != nil {
		return "", err
	}
	if env.apiserver, err = env.clientCA.issue(apiserverName); err != nil {
		return "", err
	}
	env.caFile = filepath.Join(dir, "client-ca.crt")
	certFile, keyFile := filepath.Join(dir, "apiserver-client.crt"), filepath.Join(dir, "apiserver-client.key")
	kubeconfigFile, admissionFile := filepath.Join(dir, "webhook.kubeconfig"), filepath.Join(dir, "admission.yaml")
	kubeconfig := fmt.Sprintf(`apiVersion: v1
kind: Config
users:
- name: "127.0.0.1:%d"
  user:
    client-certificate: %s
    client-key: %s
`, webhookPort, certFile, keyFile)
	var admission bytes.Buffer
	admission.WriteString("apiVersion: apiserver.config.k8s.io/v1\nkind: AdmissionConfiguration\nplugins:\n")
	for _, plugin := range []string{"ValidatingAdmissionWebhook", "MutatingAdmissionWebhook"} {
		fmt.Fprintf(&admission, "- name: %s\n  configuration:\n    apiVersion: apiserver.config.k8s.io/v1\n"+
			"    kind: WebhookAdmissionConfiguration\n    kubeConfigFile: %s\n", plugin, kubeconfigFile)
	}
	for path, data := range map[string][]byte{env.caFile: env.clientCA.pem, certFile: env.apiserver.certPEM,
		keyFile: env.apiserver.keyPEM, kubeconfigFile: []byte(kubeconfig), admissionFile: admission.Bytes()} {
		if err := os.WriteFile(path, data, 0o600); err != nil {
			return "", err
		}
	}
	return admissionFile, nil
}

// replaceFile writes data to path atomically, as a kubelet updates a mounted ConfigMap.
func replaceFile(path string, data []byte) error {
	tmp := path + ".tmp" + strconv.FormatInt(time.Now().UnixNano(), 10)
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// syncBuffer is a bytes.Buffer that the server writes to and the suite reads from.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) WriteString(s string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf.WriteString(s)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
