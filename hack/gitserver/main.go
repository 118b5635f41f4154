// Command gitserver serves a folder of bare git repositories over HTTP on the loopback interface, for `make demo` and
// for trying GitSources by hand. It wraps fluxcd's gittestserver (git's own smart HTTP protocol, through gitkit and
// the git binary): a push to a repository that does not exist yet creates it. It prints its base URL on the first
// line of its standard output, and with --hook-url it calls a push hook after every push, as a git hosting service's
// push webhook does; `bylaw serve`'s POST /hooks/git is one. It stops on SIGINT or SIGTERM.
//
//	go run ./hack/gitserver --root /tmp/repos --hook-url https://127.0.0.1:19443/hooks/git \
//	  --hook-token-file token --hook-ca-file ca.crt
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/fluxcd/pkg/gittestserver"
	"github.com/spf13/pflag"
)

// Options are the command's flags.
type Options struct {
	// Root is the folder of bare repositories.
	Root string
	// Hook is where pushes are announced; no URL, no announcement.
	Hook HookOptions
}

// BindFlags binds the options to fs.
func (o *Options) BindFlags(fs *pflag.FlagSet) {
	fs.StringVar(&o.Root, "root", o.Root, "folder of bare repositories, created if absent; a push to a new "+
		"repository creates it (required)")
	o.Hook.BindFlags(fs)
}

func main() {
	var o Options
	fs := pflag.NewFlagSet("gitserver", pflag.ContinueOnError)
	o.BindFlags(fs)
	if err := fs.Parse(os.Args[1:]); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return
		}
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, o, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "gitserver:", err)
		os.Exit(1)
	}
}

// run serves o.Root until ctx is done. The base URL is the first line written to stdout; what happens to pushes is
// logged on logs.
func run(ctx context.Context, o Options, stdout, logs io.Writer) error {
	if o.Root == "" {
		return errors.New("--root is required")
	}
	if err := os.MkdirAll(o.Root, 0o755); err != nil {
		return fmt.Errorf("--root: %w", err)
	}
	hook, err := newPushHook(o.Hook, logs)
	if err != nil {
		return err
	}
	srv := gittestserver.NewGitServer(o.Root).AutoCreate()
	if hook != nil {
		srv.AddHTTPMiddlewares(hook.middleware)
	}
	if err := srv.StartHTTP(); err != nil {
		return fmt.Errorf("serving %s: %w", o.Root, err)
	}
	defer srv.StopHTTP()
	if _, err := fmt.Fprintln(stdout, srv.HTTPAddress()); err != nil {
		return fmt.Errorf("printing the URL: %w", err)
	}
	<-ctx.Done()
	_, _ = fmt.Fprintln(logs, "gitserver: stopping")
	return nil
}
