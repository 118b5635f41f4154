package e2e

import (
	"io"
	"net"
	"strconv"
	"sync"
)

// front is a TCP forwarder in front of a replica's webhook port: the address the API server is told to call
// (--webhook-url). A test can cut it, as a Service whose selector or endpoints were changed would: the webhook
// configurations stay as Bylaw wrote them, yet the API server no longer reaches Bylaw.
type front struct {
	listener net.Listener
	target   string
	mu       sync.Mutex
	broken   bool
	conns    map[net.Conn]struct{}
}

// fronts holds one front per webhook port, so that a replica started again on the same ports keeps its URL.
type fronts struct {
	mu  sync.Mutex
	all map[int]*front
}

// get returns the front of webhookPort, starting it on a free loopback port the first time.
func (f *fronts) get(webhookPort int) (*front, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if fr, ok := f.all[webhookPort]; ok {
		return fr, nil
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	fr := &front{listener: l, target: "127.0.0.1:" + strconv.Itoa(webhookPort), conns: map[net.Conn]struct{}{}}
	if f.all == nil {
		f.all = map[int]*front{}
	}
	f.all[webhookPort] = fr
	go fr.serve()
	return fr, nil
}

// url is the https URL of the front.
func (fr *front) url() string { return "https://" + fr.listener.Addr().String() }

func (fr *front) serve() {
	for {
		in, err := fr.listener.Accept()
		if err != nil {
			return
		}
		go fr.forward(in)
	}
}

func (fr *front) forward(in net.Conn) {
	if !fr.track(in) {
		_ = in.Close()
		return
	}
	defer fr.untrack(in)
	out, err := net.Dial("tcp", fr.target)
	if err != nil {
		return
	}
	if !fr.track(out) {
		_ = out.Close()
		return
	}
	defer fr.untrack(out)
	done := make(chan struct{}, 2)
	go func() { _, _ = io.Copy(out, in); done <- struct{}{} }()
	go func() { _, _ = io.Copy(in, out); done <- struct{}{} }()
	<-done
}

func (fr *front) track(c net.Conn) bool {
	fr.mu.Lock()
	defer fr.mu.Unlock()
	if fr.broken {
		return false
	}
	fr.conns[c] = struct{}{}
	return true
}

func (fr *front) untrack(c net.Conn) {
	fr.mu.Lock()
	defer fr.mu.Unlock()
	delete(fr.conns, c)
	_ = c.Close()
}

// cut closes every connection and refuses new ones until heal.
func (fr *front) cut() {
	fr.mu.Lock()
	defer fr.mu.Unlock()
	fr.broken = true
	for c := range fr.conns {
		_ = c.Close()
	}
}

// heal forwards again.
func (fr *front) heal() {
	fr.mu.Lock()
	defer fr.mu.Unlock()
	fr.broken = false
}
