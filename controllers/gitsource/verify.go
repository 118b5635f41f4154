package gitsource

import (
	"errors"
	"fmt"
	"path"
	"testing/fstest"

	"github.com/bylaw-dev/bylaw/api/v1alpha1"
	"github.com/bylaw-dev/bylaw/engine"
	"github.com/bylaw-dev/bylaw/gitsource/bundle"
	"github.com/bylaw-dev/bylaw/gitsource/fetch"
	"github.com/bylaw-dev/bylaw/gitsource/verify"
)

// verified is a bundle that passed every check, compiled, with provenance on every policy.
type verified struct {
	bundle     *bundle.Bundle
	revision   string
	signers    []string
	policies   []*engine.Policy
	exceptions []*engine.Exception
}

// verify runs every check on the fetched bundle; on a refusal it returns the reason code and the error.
func (r *Reconciler) verify(src *v1alpha1.GitSource, res *fetch.Result, t *trust) (*verified, string, error) {
	b, err := r.load(res, src.Spec.Path)
	if err != nil {
		return nil, reasonOf(err), err
	}
	req := verify.Requirement{Requires: src.Spec.Verify.Requires, Threshold: src.Spec.Verify.Threshold}
	signers, err := t.check(b, req)
	if err != nil {
		return nil, reasonOf(err), err
	}
	if err := r.checkVersion(src, b); err != nil {
		return nil, reasonOf(err), err
	}
	out := &verified{bundle: b, revision: res.Revision, signers: signers}
	prov := engine.Provenance{Source: SourceName(keyOf(src)), Revision: res.Revision, Digest: b.Digest, Signers: signers}
	if err := r.compile(b, prov, out); err != nil {
		return nil, string(bundle.ErrInvalidPolicy), err
	}
	if err := r.checkConflicts(src, out.policies); err != nil {
		return nil, ReasonPolicyConflict, err
	}
	return out, "", nil
}

// load reads the bundle folder of the revision from git and checks its file set.
func (r *Reconciler) load(res *fetch.Result, dir string) (*bundle.Bundle, error) {
	if dir == "" {
		dir = "."
	}
	files, err := res.ReadDir(path.Clean(dir), r.Limits)
	if err != nil {
		if bundle.ReasonOf(err) != "" { // over the limits: the refusal names the file
			return nil, err
		}
		return nil, bundle.Refuse(bundle.ErrUnreadable, dir, "%w", err)
	}
	fsys := fstest.MapFS{}
	for _, f := range files {
		fsys[f.Path] = &fstest.MapFile{Data: f.Data, Mode: f.Mode}
	}
	return bundle.Load(fsys, r.Limits)
}

// checkVersion refuses an expired bundle, a version lower than the highest applied, and a version already applied
// with other content.
func (r *Reconciler) checkVersion(src *v1alpha1.GitSource, b *bundle.Bundle) error {
	if err := bundle.CheckFreshness(&b.Manifest, r.now(), src.Status.HighestVersion); err != nil {
		return err
	}
	a := src.Status.Artifact
	if a != nil && b.Manifest.Version == a.Version && b.Digest != a.Digest {
		return &reasonError{reason: ReasonVersionReused, err: fmt.Errorf(
			"bundle %s version %d has other content (%s) than the version %d in force (%s): a change needs a new version",
			b.Manifest.Name, b.Manifest.Version, b.Digest, a.Version, a.Digest)}
	}
	return nil
}

// compile loads every policy file; one invalid document refuses the whole bundle. The bundle's PolicyExceptions are
// taken whatever namespace their metadata names: --exception-namespaces governs PolicyException objects of the cluster
// (controllers/policy), while these come with the bundle's signatures from a GitSource in Bylaw's own namespace, so
// the admin who controls the signers controls them.
func (r *Reconciler) compile(b *bundle.Bundle, prov engine.Provenance, out *verified) error {
	var errs []error
	for _, file := range b.PolicyFiles() {
		set := r.Loader.LoadBytes(file, b.Files[file])
		for _, e := range set.Errors {
			errs = append(errs, e)
		}
		for _, p := range set.Policies {
			p.Provenance = prov
		}
		out.policies = append(out.policies, set.Policies...)
		out.exceptions = append(out.exceptions, set.Exceptions...)
	}
	if len(errs) > 0 {
		return bundle.Refuse(bundle.ErrInvalidPolicy, "", "%w", errors.Join(errs...))
	}
	return nil
}

// checkConflicts refuses a bundle with a policy that another source supplies: never a silent winner.
func (r *Reconciler) checkConflicts(src *v1alpha1.GitSource, policies []*engine.Policy) error {
	self := SourceName(keyOf(src))
	var errs []error
	for _, p := range policies {
		if others := r.Store.OtherSources(self, p.Key()); len(others) > 0 {
			errs = append(errs, fmt.Errorf("policy %s is also supplied by %v", p.Key(), others))
		}
	}
	return errors.Join(errs...)
}

// reasonError carries a reason code of this controller.
type reasonError struct {
	reason string
	err    error
}

func (e *reasonError) Error() string { return e.err.Error() }
func (e *reasonError) Unwrap() error { return e.err }

// reasonOf is the condition reason for a refusal.
func reasonOf(err error) string {
	var re *reasonError
	if errors.As(err, &re) {
		return re.reason
	}
	if reason := bundle.ReasonOf(err); reason != "" {
		return string(reason)
	}
	return "Refused"
}
