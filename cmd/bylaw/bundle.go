package main

import (
	"context"
	"io"

	"github.com/spf13/cobra"

	bundlecli "github.com/bylaw-dev/bylaw/cli/bundle"
)

// bundleRunner does the work of a bundle subcommand once its flags are parsed, returning the exit code.
type bundleRunner[O any] func(ctx context.Context, o O, stdout, stderr io.Writer) (int, error)

// bundleRunners are the runners of `bylaw bundle build|sign|verify`.
type bundleRunners struct {
	build  bundleRunner[bundlecli.BuildOptions]
	sign   bundleRunner[bundlecli.SignOptions]
	verify bundleRunner[bundlecli.VerifyOptions]
}

func defaultBundleRunners() bundleRunners {
	return bundleRunners{build: bundlecli.RunBuild, sign: bundlecli.RunSign, verify: bundlecli.RunVerify}
}

func newBundleCommand(r bundleRunners) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "bundle",
		Short: "Build, sign and verify signed policy bundles, offline",
		Long: "A bundle is a folder of policy files with a manifest (bundle.yaml) listing every file with its sha256, and\n" +
			"signatures/<signer>.sig files over the manifest. Exit code 1 when the bundle is refused, 2 on wrong options.",
		Args: cobra.NoArgs, // an unknown subcommand is an error
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newBundleBuildCommand(r.build), newBundleSignCommand(r.sign), newBundleVerifyCommand(r.verify))
	return cmd
}

func newBundleBuildCommand(run bundleRunner[bundlecli.BuildOptions]) *cobra.Command {
	var o bundlecli.BuildOptions
	cmd := &cobra.Command{
		Use:   "build DIR --name NAME --version N [--expires T]",
		Short: "Check every file and policy of DIR and write DIR/bundle.yaml",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Dir = args[0]
			return exitWith(run(cmd.Context(), o, cmd.OutOrStdout(), cmd.ErrOrStderr()))
		},
	}
	o.BindFlags(cmd.Flags())
	_ = cmd.MarkFlagRequired("name")
	_ = cmd.MarkFlagRequired("version")
	return cmd
}

func newBundleSignCommand(run bundleRunner[bundlecli.SignOptions]) *cobra.Command {
	var o bundlecli.SignOptions
	cmd := &cobra.Command{
		Use:   "sign DIR --key KEY.pem [--signer NAME]",
		Short: "Sign DIR/bundle.yaml as cosign sign-blob does and write DIR/signatures/NAME.sig",
		Long: "Sign the manifest of a bundle after checking its files. An encrypted key's password comes from\n" +
			"COSIGN_PASSWORD, else from a prompt when stdin is a terminal.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Dir = args[0]
			return exitWith(run(cmd.Context(), o, cmd.OutOrStdout(), cmd.ErrOrStderr()))
		},
	}
	o.BindFlags(cmd.Flags())
	_ = cmd.MarkFlagRequired("key")
	return cmd
}

func newBundleVerifyCommand(run bundleRunner[bundlecli.VerifyOptions]) *cobra.Command {
	var o bundlecli.VerifyOptions
	cmd := &cobra.Command{
		Use:   "verify DIR [--key NAME=PUB.pem...] [--identity NAME,issuer=URL,subject=S... --trusted-root FILE] [--requires a,b] [--threshold N] [--min-version V]",
		Short: "Verify a bundle as the cluster does and print every check",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Dir = args[0]
			return exitWith(run(cmd.Context(), o, cmd.OutOrStdout(), cmd.ErrOrStderr()))
		},
	}
	o.BindFlags(cmd.Flags())
	cmd.MarkFlagsOneRequired("key", "identity")
	return cmd
}
