package gitremote_test

import (
	"crypto/ed25519"
	"encoding/pem"
	"testing"

	"github.com/go-git/go-git/v5/plumbing/transport"
	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"
	gitssh "github.com/go-git/go-git/v5/plumbing/transport/ssh"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"

	"github.com/bylaw-dev/bylaw/gitremote"
)

// sshKeys returns an OpenSSH private key, made from a fixed seed, and a known_hosts line for example.com:22.
func sshKeys(t *testing.T) (identity, knownHosts []byte) {
	t.Helper()
	priv := ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize))
	block, err := ssh.MarshalPrivateKey(priv, "")
	require.NoError(t, err)
	signer, err := ssh.NewSignerFromKey(priv)
	require.NoError(t, err)
	return pem.EncodeToMemory(block), []byte(knownhosts.Line([]string{"example.com"}, signer.PublicKey()) + "\n")
}

func TestAuthFromSecretDataUsesFluxKeys(t *testing.T) {
	data := map[string][]byte{gitremote.SecretKeyUsername: []byte("u"), gitremote.SecretKeyPassword: []byte("p"),
		gitremote.SecretKeyBearerToken: []byte("t"), gitremote.SecretKeyIdentity: []byte("KEY"),
		gitremote.SecretKeyKnownHosts: []byte("HOSTS")}
	want := gitremote.Auth{Username: "u", Password: "p", BearerToken: "t", SSHPrivateKey: []byte("KEY"),
		SSHKnownHosts: []byte("HOSTS")}
	assert.Equal(t, want, gitremote.AuthFromSecretData(data))
}

func TestTransportAuth(t *testing.T) {
	identity, knownHosts := sshKeys(t)
	withKeys := gitremote.Auth{SSHPrivateKey: identity, SSHKnownHosts: knownHosts}
	tests := []struct {
		name     string
		url      string
		auth     gitremote.Auth
		want     transport.AuthMethod // for HTTP and file URLs
		wantUser string               // for SSH URLs
		wantErr  string
	}{
		{name: "http without credentials", url: "https://example.com/r.git"},
		{name: "http basic", url: "http://example.com/r.git", auth: gitremote.Auth{Username: "u", Password: "p"},
			want: &githttp.BasicAuth{Username: "u", Password: "p"}},
		{name: "bearer token wins", url: "https://example.com/r.git",
			auth: gitremote.Auth{Username: "u", BearerToken: "t"}, want: &githttp.TokenAuth{Token: "t"}},
		{name: "file", url: "file:///tmp/r.git", auth: gitremote.Auth{Username: "u"}},
		{name: "ssh default user", url: "ssh://example.com/r.git", auth: withKeys, wantUser: "git"},
		{name: "ssh user of the URL", url: "ssh://deploy@example.com:2222/r.git", auth: withKeys, wantUser: "deploy"},
		{name: "ssh user override", url: "deploy@example.com:r.git",
			auth: gitremote.Auth{SSHPrivateKey: identity, SSHKnownHosts: knownHosts, SSHUser: "bot"}, wantUser: "bot"},
		{name: "ssh without key", url: "ssh://example.com/r.git", auth: gitremote.Auth{SSHKnownHosts: knownHosts},
			wantErr: "needs a private key"},
		{name: "ssh without known_hosts", url: "ssh://example.com/r.git", auth: gitremote.Auth{SSHPrivateKey: identity},
			wantErr: "needs known_hosts"},
		{name: "ssh garbage key", url: "ssh://example.com/r.git",
			auth: gitremote.Auth{SSHPrivateKey: []byte("nope"), SSHKnownHosts: knownHosts}, wantErr: "parse SSH private key"},
		{name: "unsupported scheme", url: "ftp://example.com/r.git", wantErr: `unsupported URL scheme "ftp"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := gitremote.TransportAuth(tt.url, tt.auth)
			if tt.wantErr != "" {
				require.ErrorContains(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			if tt.wantUser == "" {
				assert.Equal(t, tt.want, got)
				return
			}
			keys, ok := got.(*gitssh.PublicKeys)
			require.True(t, ok, "SSH URLs authenticate with public keys, got %T", got)
			assert.Equal(t, tt.wantUser, keys.User)
			assert.NotNil(t, keys.HostKeyCallback)
		})
	}
}
