package server

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/go-logr/logr"
)

// httpsServer serves the admission handler with the certificate the keeper holds; a renewed certificate is used by
// the next connection, without restart. It runs on every replica.
type httpsServer struct {
	addr     string
	handler  http.Handler
	tls      *tls.Config
	shutdown time.Duration
	// listening is closed once the port is bound.
	listening chan struct{}
}

func newHTTPSServer(host string, port int, h http.Handler, cfg *tls.Config, shutdown time.Duration) *httpsServer {
	return &httpsServer{addr: net.JoinHostPort(host, strconv.Itoa(port)), handler: h, tls: cfg, shutdown: shutdown,
		listening: make(chan struct{})}
}

func (s *httpsServer) NeedLeaderElection() bool { return false }

func (s *httpsServer) Start(ctx context.Context) error {
	log := logr.FromContextOrDiscard(ctx).WithName("webhook-server")
	srv := &http.Server{
		Handler:           s.handler,
		TLSConfig:         s.tls,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      35 * time.Second,
		IdleTimeout:       90 * time.Second,
		MaxHeaderBytes:    64 << 10,
		BaseContext:       func(net.Listener) context.Context { return logr.NewContext(context.Background(), log) },
	}
	ln, err := net.Listen("tcp", s.addr)
	if err != nil {
		return fmt.Errorf("webhook server: listening on %s: %w", s.addr, err)
	}
	close(s.listening)
	log.Info("serving admission", "address", ln.Addr().String())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(tls.NewListener(ln, s.tls)) }()
	select {
	case err := <-errc:
		return fmt.Errorf("webhook server: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), s.shutdown)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("webhook server shutdown: %w", err)
	}
	log.Info("webhook server stopped")
	return nil
}
