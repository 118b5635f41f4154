package main

import (
	"context"
	"fmt"
	"io"

	"github.com/go-logr/logr"
	"github.com/spf13/cobra"
	"go.uber.org/zap/zapcore"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"

	"github.com/bylaw-dev/bylaw/server"
)

// serveRunner runs `bylaw serve` once its flags are parsed.
type serveRunner func(ctx context.Context, o server.Options, log logr.Logger) error

// logOptions are the logging flags of serve.
type logOptions struct {
	level  string
	format string
}

func (l logOptions) logger(w io.Writer) (logr.Logger, error) {
	var level zapcore.Level
	if err := level.UnmarshalText([]byte(l.level)); err != nil {
		return logr.Logger{}, fmt.Errorf("--log-level %q: %w", l.level, err)
	}
	var enc zap.Opts
	switch l.format {
	case "json":
		enc = zap.JSONEncoder()
	case "console":
		enc = zap.ConsoleEncoder()
	default:
		return logr.Logger{}, fmt.Errorf("--log-format %q: want json or console", l.format)
	}
	return zap.New(zap.WriteTo(w), zap.Level(level), enc), nil
}

func newServeCommand(run serveRunner) *cobra.Command {
	o := server.DefaultOptions()
	lo := logOptions{level: "info", format: "json"}
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run in a cluster: load policies, serve admission, keep the webhook certificate and configurations",
		Long: "serve runs Bylaw in a Kubernetes cluster. It loads ClusterPolicy, Policy and PolicyException objects and the\n" +
			"signed bundles of GitSources (verified before they are used), serves AdmissionReview v1 validate and mutate\n" +
			"requests over HTTPS, creates and renews its CA and serving certificate (in the --cert-secret Secret), and\n" +
			"registers the webhook configurations the loaded policies need.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			log, err := lo.logger(cmd.ErrOrStderr())
			if err != nil {
				return exitWith(2, err)
			}
			ctrl.SetLogger(log)
			if err := run(cmd.Context(), o, log); err != nil {
				return exitWith(1, err)
			}
			return nil
		},
	}
	o.AddFlags(cmd.Flags())
	cmd.Flags().StringVar(&lo.level, "log-level", lo.level, "log level: debug, info, warn or error")
	cmd.Flags().StringVar(&lo.format, "log-format", lo.format, "log format: json or console")
	return cmd
}
