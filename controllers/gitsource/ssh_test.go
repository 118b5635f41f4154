package gitsource_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fluxcd/gitkit"
	"github.com/fluxcd/pkg/apis/meta"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/ssh"
)

// The same source over SSH: a client key and known_hosts from the Secret.
func TestSignedBundleOverSSH(t *testing.T) {
	e := newEnv(t)
	keyDir := t.TempDir()
	e.git.KeyDir(keyDir)
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	block, err := ssh.MarshalPrivateKey(priv, "")
	require.NoError(t, err)
	sshPub, err := ssh.NewPublicKey(pub)
	require.NoError(t, err)
	authorized := strings.TrimSpace(string(ssh.MarshalAuthorizedKey(sshPub)))
	e.git.PublicKeyLookupFunc(func(content string) (*gitkit.PublicKey, error) {
		if content == authorized {
			return &gitkit.PublicKey{Id: "bylaw"}, nil
		}
		return nil, errors.New("unknown key")
	})
	require.NoError(t, e.git.ListenSSH())
	go func() { _ = e.git.StartSSH() }()
	t.Cleanup(func() { _ = e.git.StopSSH() })
	hostKey, err := os.ReadFile(filepath.Join(keyDir, "gitkit.rsa.pub"))
	require.NoError(t, err)
	addr := strings.TrimPrefix(e.git.SSHAddress(), "ssh://git@")
	host, port, _ := strings.Cut(addr, ":")
	e.secret("ssh-auth", map[string][]byte{
		"identity":    pem.EncodeToMemory(block),
		"known_hosts": []byte("[" + host + "]:" + port + " " + string(hostKey)),
	})

	repo := e.repo("over-ssh")
	repo.publish(bundleSpec{version: 1, policies: goodPolicies("v1"), signers: []string{"release"}})
	src := e.source("ssh", "over-ssh", "release")
	src.Spec.URL = e.git.SSHAddress() + "/over-ssh"
	src.Spec.SecretRef.Name = "ssh-auth"
	require.NoError(t, e.client.Update(e.ctx, src))
	got, err := e.reconcile(e.reconciler(), src)
	require.NoError(t, err)
	ready := condition(got, meta.ReadyCondition)
	assert.Equal(t, "True", string(ready.Status), ready.Message)
	assert.Len(t, e.store.Snapshot().Policies, 1)
}
