package cel

import (
	"fmt"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
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

// withValueAdapter wraps the environment's type adapter in a valueAdapter. It must come after the options that set
// the type provider, whose adapter it wraps.
func withValueAdapter() cel.EnvOption {
	return func(e *cel.Env) (*cel.Env, error) {
		return cel.CustomTypeAdapter(valueAdapter{next: e.CELTypeAdapter()})(e)
	}
}

// valueAdapter returns the values the untracked programs see most, which are already CEL values, as they are. The
// interpreter passes every resolved attribute and field through the adapter, and the Kubernetes adapter reaches
// the same answer only after two wrapping providers and cel-go's conversion switch. Every other value goes to
// the wrapped adapter.
type valueAdapter struct {
	next types.Adapter
}

// NativeToValue implements types.Adapter. The value is returned as the interface it came in, not re-boxed.
func (a valueAdapter) NativeToValue(v any) ref.Val {
	switch v.(type) {
	case *lazyMap, *lazyList, *valList, types.String, types.Bool, types.Int, types.Double, types.Null, *types.Optional:
		return v.(ref.Val)
	}
	return a.next.NativeToValue(v)
}
