package main

import (
	"github.com/spf13/cobra"

	"github.com/bylaw-dev/bylaw/cli/apply"
)

func newApplyCommand(run applyRunner) *cobra.Command {
	var o apply.Options
	cmd := &cobra.Command{
		Use:   "apply POLICY... (--resource FILE... | --json FILE...)",
		Short: "Evaluate policies on resource files",
		Long: "Evaluate policies (files or folders) on resources (files or folders), and ValidatingPolicies with " +
			"evaluation.mode JSON on JSON or YAML payloads (--json). Exit code 1 when a rule of an Enforce policy " +
			"fails, 2 when nothing could be loaded.",
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.PolicyPaths = args
			return exitWith(run(cmd.Context(), o, cmd.OutOrStdout(), cmd.ErrOrStderr()))
		},
	}
	o.BindFlags(cmd.Flags())
	cmd.MarkFlagsOneRequired("resource", "json")
	return cmd
}
