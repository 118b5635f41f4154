package policy

import (
	"fmt"
	"slices"
	"strings"
)

// ReasonUntrustedNamespace is the Ready reason of a PolicyException in a namespace Bylaw does not trust exceptions
// from (bylaw serve --exception-namespaces).
const ReasonUntrustedNamespace = "UntrustedNamespace"

// AllNamespaces in ExceptionNamespaces trusts PolicyExceptions from every namespace.
const AllNamespaces = "*"

// ExceptionNamespaces are the namespaces whose PolicyException objects may exempt resources from policies (the
// flag --exception-namespaces of bylaw serve). A PolicyException elsewhere is never compiled into the store: anyone
// who may create PolicyExceptions in a namespace (often a tenant's own) could otherwise exempt their workloads from
// every policy. Empty trusts no namespace; AllNamespaces trusts every one.
//
// Exceptions from a signed GitSource bundle do not pass through here: the bundle is verified against the source's
// signers and the GitSource lives in Bylaw's own namespace, so they are as trusted as the bundle's policies,
// whatever namespace their metadata names.
type ExceptionNamespaces []string

// Trusts reports whether PolicyExceptions in namespace ns take effect.
func (n ExceptionNamespaces) Trusts(ns string) bool {
	return slices.Contains(n, AllNamespaces) || slices.Contains(n, ns)
}

// check returns the error that says why a PolicyException in ns has no effect, or nil when ns is trusted.
func (n ExceptionNamespaces) check(ns, name string) error {
	if n.Trusts(ns) {
		return nil
	}
	trusted := "no namespace"
	if len(n) > 0 {
		trusted = "namespaces " + strings.Join(n, ", ")
	}
	return fmt.Errorf("PolicyException %s/%s has no effect: exceptions are trusted only from %s "+
		"(bylaw serve --exception-namespaces)", ns, name, trusted)
}
