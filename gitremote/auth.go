package gitremote

import (
	"errors"
	"fmt"
	"os"

	"github.com/go-git/go-git/v5/plumbing/transport"
	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"
	gitssh "github.com/go-git/go-git/v5/plumbing/transport/ssh"
	"github.com/skeema/knownhosts"
	"golang.org/x/crypto/ssh"
)

// Keys of a Kubernetes Secret, as Flux reads them for GitRepository.
const (
	SecretKeyUsername    = "username"
	SecretKeyPassword    = "password"
	SecretKeyBearerToken = "bearerToken"
	SecretKeyIdentity    = "identity"
	SecretKeyKnownHosts  = "known_hosts"
)

// Auth holds credentials. HTTP(S) URLs use BearerToken, or else
// Username/Password (basic auth). SSH URLs use SSHPrivateKey (PEM or
// OpenSSH format; Password, when set, is its passphrase) and require
// SSHKnownHosts.
type Auth struct {
	Username      string
	Password      string
	BearerToken   string
	SSHPrivateKey []byte
	SSHKnownHosts []byte
	// SSHUser overrides the user of the SSH URL; default "git".
	SSHUser string
}

// AuthFromSecretData builds Auth from the data of a Secret using Flux's keys
// (username, password, bearerToken, identity, known_hosts).
func AuthFromSecretData(data map[string][]byte) Auth {
	return Auth{
		Username:      string(data[SecretKeyUsername]),
		Password:      string(data[SecretKeyPassword]),
		BearerToken:   string(data[SecretKeyBearerToken]),
		SSHPrivateKey: data[SecretKeyIdentity],
		SSHKnownHosts: data[SecretKeyKnownHosts],
	}
}

// TransportAuth turns a into go-git's auth method for the URL's scheme. A nil method (no credentials) is valid for
// HTTP(S) and file URLs; an SSH URL needs a private key and known_hosts.
func TransportAuth(url string, a Auth) (transport.AuthMethod, error) {
	ep, err := transport.NewEndpoint(url)
	if err != nil {
		return nil, fmt.Errorf("parse URL: %w", err)
	}
	switch ep.Protocol {
	case "http", "https":
		return httpAuth(a), nil
	case "ssh":
		user := a.SSHUser
		if user == "" {
			user = ep.User
		}
		if user == "" {
			user = "git"
		}
		return sshAuth(user, ep.Host, ep.Port, a)
	case "file":
		return nil, nil
	}
	return nil, fmt.Errorf("unsupported URL scheme %q", ep.Protocol)
}

func httpAuth(a Auth) transport.AuthMethod {
	switch {
	case a.BearerToken != "":
		return &githttp.TokenAuth{Token: a.BearerToken}
	case a.Username != "" || a.Password != "":
		return &githttp.BasicAuth{Username: a.Username, Password: a.Password}
	}
	return nil
}

func sshAuth(user, host string, port int, a Auth) (transport.AuthMethod, error) {
	if len(a.SSHPrivateKey) == 0 {
		return nil, errors.New("SSH URL needs a private key (identity)")
	}
	if len(a.SSHKnownHosts) == 0 {
		return nil, errors.New("SSH URL needs known_hosts")
	}
	signer, err := parseSigner(a.SSHPrivateKey, a.Password)
	if err != nil {
		return nil, err
	}
	db, err := knownHostsDB(a.SSHKnownHosts)
	if err != nil {
		return nil, err
	}
	if port <= 0 {
		port = 22
	}
	hostPort := fmt.Sprintf("%s:%d", host, port)
	return &gitssh.PublicKeys{
		User:   user,
		Signer: signer,
		HostKeyCallbackHelper: gitssh.HostKeyCallbackHelper{
			HostKeyCallback:   db.HostKeyCallback(),
			HostKeyAlgorithms: db.HostKeyAlgorithms(hostPort),
		},
	}, nil
}

func parseSigner(key []byte, passphrase string) (ssh.Signer, error) {
	signer, err := ssh.ParsePrivateKey(key)
	var missing *ssh.PassphraseMissingError
	if errors.As(err, &missing) && passphrase != "" {
		signer, err = ssh.ParsePrivateKeyWithPassphrase(key, []byte(passphrase))
	}
	if err != nil {
		return nil, fmt.Errorf("parse SSH private key: %w", err)
	}
	return signer, nil
}

// knownHostsDB parses known_hosts content. The library reads files only,
// so the content goes through a short-lived temporary file.
func knownHostsDB(content []byte) (*knownhosts.HostKeyDB, error) {
	f, err := os.CreateTemp("", "bylaw-known-hosts-*")
	if err != nil {
		return nil, fmt.Errorf("known_hosts: %w", err)
	}
	defer os.Remove(f.Name())
	_, werr := f.Write(content)
	cerr := f.Close()
	if err := errors.Join(werr, cerr); err != nil {
		return nil, fmt.Errorf("known_hosts: %w", err)
	}
	db, err := gitssh.NewKnownHostsDb(f.Name())
	if err != nil {
		return nil, fmt.Errorf("known_hosts: %w", err)
	}
	return db, nil
}
