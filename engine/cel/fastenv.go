package cel

import (
	"fmt"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/ext"
	"k8s.io/apiserver/pkg/cel/environment"
	"k8s.io/apiserver/pkg/cel/library"
)

// fastBaseEnv builds the environment used to plan the untracked ("fast") programs: the same libraries, at the
// same versions, as the stored-expressions environment of environment.MustBaseEnvSet, but without its program
// options (cost tracking and the per-call cost limit), which cel-go offers no way to remove from an environment.
//
// Expressions are always parsed and type-checked in the Kubernetes environment; this one only plans programs from
// those checked ASTs, and only for evaluations whose cost is proven below the limits (see estimate.go).
// TestFastEnvMatchesKubernetes fails when the Kubernetes base environment gains or loses an overload, so this
// list is kept in step with k8s.io/apiserver.
func fastBaseEnv() (*cel.Env, error) {
	env, err := cel.NewEnv(
		cel.HomogeneousAggregateLiterals(),
		cel.EagerlyValidateDeclarations(true),
		cel.DefaultUTCTimeZone(true),
		environment.UnversionedLib(library.URLs),
		environment.UnversionedLib(library.Regex),
		environment.UnversionedLib(library.Authz),
		cel.CrossTypeNumericComparisons(true),
		cel.OptionalTypes(),
		environment.UnversionedLib(library.Quantity),
		ext.Strings(ext.StringsVersion(2)),
		ext.Sets(),
		environment.UnversionedLib(library.IP),
		environment.UnversionedLib(library.CIDR),
		environment.UnversionedLib(library.Format),
		environment.UnversionedLib(library.AuthzSelectors),
		ext.TwoVarComprehensions(),
		library.SemverLib(library.SemverVersion(1)),
		ext.Lists(ext.ListsVersion(3)),
		library.Lists(library.ListsVersion(1)),
	)
	if err != nil {
		return nil, fmt.Errorf("build untracked CEL environment: %w", err)
	}
	return env, nil
}
