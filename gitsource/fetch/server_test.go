package fetch

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fluxcd/gitkit"
	"github.com/fluxcd/pkg/gittestserver"
	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/ssh"
)

const (
	testUser     = "bylaw"
	testPassword = "s3cret"
)

// gitServer is a real git server (HTTP with basic auth, SSH with a host key
// and one accepted client key), each reached through a tcpProxy so tests can
// cut or stall the network.
type gitServer struct {
	srv        *gittestserver.GitServer
	httpProxy  *tcpProxy
	sshProxy   *tcpProxy
	clientKey  []byte // OpenSSH PEM of the accepted client key
	knownHosts []byte // known_hosts line for the SSH proxy address
}

func newGitServer(tb testing.TB) *gitServer {
	tb.Helper()
	srv, err := gittestserver.NewTempGitServer()
	require.NoError(tb, err)
	tb.Cleanup(func() { _ = os.RemoveAll(srv.Root()) })
	keyDir := tb.TempDir()
	srv.Auth(testUser, testPassword).AutoCreate().KeyDir(keyDir)

	clientKey, authorized := newSSHKey(tb)
	// The lookup function is package state of gittestserver; tests of this
	// package therefore do not run in parallel.
	srv.PublicKeyLookupFunc(func(content string) (*gitkit.PublicKey, error) {
		if content == authorized {
			return &gitkit.PublicKey{Id: "test-client"}, nil
		}
		return nil, errors.New("unknown client key")
	})
	require.NoError(tb, srv.StartHTTP())
	tb.Cleanup(srv.StopHTTP)
	require.NoError(tb, srv.ListenSSH())
	go func() { _ = srv.StartSSH() }()
	tb.Cleanup(func() { _ = srv.StopSSH() })

	g := &gitServer{srv: srv, clientKey: clientKey}
	g.httpProxy = newTCPProxy(tb, strings.TrimPrefix(srv.HTTPAddress(), "http://"))
	g.sshProxy = newTCPProxy(tb, strings.TrimPrefix(srv.SSHAddress(), "ssh://git@"))
	hostKey, err := os.ReadFile(filepath.Join(keyDir, "gitkit.rsa.pub"))
	require.NoError(tb, err)
	g.knownHosts = []byte("[127.0.0.1]:" + g.sshProxy.port() + " " + string(hostKey))
	return g
}

// newSSHKey returns an ed25519 private key in OpenSSH PEM form and its
// authorized_keys line.
func newSSHKey(tb testing.TB) (private []byte, authorized string) {
	tb.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(tb, err)
	block, err := ssh.MarshalPrivateKey(priv, "")
	require.NoError(tb, err)
	sshPub, err := ssh.NewPublicKey(pub)
	require.NoError(tb, err)
	return pem.EncodeToMemory(block), strings.TrimSpace(string(ssh.MarshalAuthorizedKey(sshPub)))
}

// pushURL reaches the server directly, with credentials, to push content.
func (g *gitServer) pushURL(repo string) string {
	return g.srv.HTTPAddressWithCredentials() + "/" + repo
}

func (g *gitServer) httpURL(repo string) string { return "http://" + g.httpProxy.addr + "/" + repo }

func (g *gitServer) sshURL(repo string) string { return "ssh://git@" + g.sshProxy.addr + "/" + repo }

func (g *gitServer) httpAuth() Auth { return Auth{Username: testUser, Password: testPassword} }

func (g *gitServer) sshAuth() Auth {
	return Auth{SSHPrivateKey: g.clientKey, SSHKnownHosts: g.knownHosts}
}

// transportCase is one way of reaching the server.
type transportCase struct {
	name string
	url  func(repo string) string
	auth Auth
	net  *tcpProxy
}

func (g *gitServer) transports() []transportCase {
	return []transportCase{
		{name: "http", url: g.httpURL, auth: g.httpAuth(), net: g.httpProxy},
		{name: "ssh", url: g.sshURL, auth: g.sshAuth(), net: g.sshProxy},
	}
}

// tcpProxy forwards TCP connections to target. It can be stopped and
// restarted on the same address, or stalled (connections accepted, never
// answered).
type tcpProxy struct {
	tb      testing.TB
	addr    string
	target  string
	mu      sync.Mutex
	ln      net.Listener
	conns   map[net.Conn]struct{}
	stalled bool
}

func newTCPProxy(tb testing.TB, target string) *tcpProxy {
	tb.Helper()
	p := &tcpProxy{tb: tb, target: target, conns: map[net.Conn]struct{}{}}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(tb, err)
	p.addr = ln.Addr().String()
	p.serve(ln)
	tb.Cleanup(p.stop)
	return p
}

func (p *tcpProxy) port() string {
	_, port, _ := net.SplitHostPort(p.addr)
	return port
}

// start listens again on the same address.
func (p *tcpProxy) start() {
	p.tb.Helper()
	var ln net.Listener
	var err error
	for range 50 {
		if ln, err = net.Listen("tcp", p.addr); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	require.NoError(p.tb, err)
	p.serve(ln)
}

// stop closes the listener and every open connection.
func (p *tcpProxy) stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		_ = p.ln.Close()
		p.ln = nil
	}
	for c := range p.conns {
		_ = c.Close()
	}
	clear(p.conns)
}

// stall holds new connections silently; stall(false) closes those held.
func (p *tcpProxy) stall(on bool) {
	p.mu.Lock()
	p.stalled = on
	p.mu.Unlock()
	if !on {
		p.stop()
		p.start()
	}
}

func (p *tcpProxy) serve(ln net.Listener) {
	p.mu.Lock()
	p.ln = ln
	p.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			p.mu.Lock()
			p.conns[c] = struct{}{}
			stalled := p.stalled
			p.mu.Unlock()
			if !stalled {
				go p.forward(c)
			}
		}
	}()
}

func (p *tcpProxy) forward(c net.Conn) {
	up, err := net.Dial("tcp", p.target)
	if err != nil {
		_ = c.Close()
		return
	}
	p.mu.Lock()
	p.conns[up] = struct{}{}
	p.mu.Unlock()
	done := make(chan struct{}, 2)
	pipe := func(dst, src net.Conn) {
		_, _ = io.Copy(dst, src)
		done <- struct{}{}
	}
	go pipe(up, c)
	go pipe(c, up)
	<-done
	_ = c.Close()
	_ = up.Close()
	p.mu.Lock()
	delete(p.conns, c)
	delete(p.conns, up)
	p.mu.Unlock()
}
