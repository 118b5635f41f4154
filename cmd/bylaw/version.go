package main

import (
	"fmt"
	"runtime/debug"

	"github.com/spf13/cobra"
)

func newVersionCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version of this build",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := fmt.Fprintln(cmd.OutOrStdout(), versionString(debug.ReadBuildInfo()))
			return err
		},
	}
}

// versionString describes a build: module version, VCS revision (with +dirty) and Go version.
func versionString(info *debug.BuildInfo, ok bool) string {
	if !ok {
		return "bylaw (unknown build)"
	}
	version := info.Main.Version
	if version == "" {
		version = "(devel)"
	}
	var revision, dirty string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			revision = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				dirty = "+dirty"
			}
		}
	}
	out := "bylaw " + version
	if revision != "" {
		out += " (" + revision + dirty + ")"
	}
	return out + " " + info.GoVersion
}
