package fetch

import (
	"errors"
	"fmt"
	"strings"

	"github.com/blang/semver/v4"
	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// target is a ref resolved in the cache.
type target struct {
	commit  *object.Commit
	tag     *object.Tag // the annotated tag object; nil for a lightweight tag or no tag
	tagName string
	branch  string
}

// revision returns the Flux form: "<branch or tag>@sha1:<hash>", or
// "sha1:<hash>" for a commit ref.
func (t target) revision() string {
	digest := "sha1:" + t.commit.Hash.String()
	switch {
	case t.branch != "":
		return t.branch + "@" + digest
	case t.tagName != "":
		return t.tagName + "@" + digest
	}
	return digest
}

// resolve finds the commit j.ref names in the (already updated) cache.
func resolve(repo *git.Repository, j job) (target, error) {
	switch {
	case j.ref.Branch != "":
		return resolveBranch(repo, j.ref.Branch)
	case j.ref.Tag != "":
		return resolveTag(repo, j.ref.Tag)
	case j.ref.SemVer != "":
		name, err := highestTag(repo, j.rng, j.ref.SemVer)
		if err != nil {
			return target{}, err
		}
		return resolveTag(repo, name)
	}
	c, err := repo.CommitObject(plumbing.NewHash(j.ref.Commit))
	if err != nil {
		return target{}, notFound("commit "+j.ref.Commit, err)
	}
	return target{commit: c}, nil
}

func notFound(what string, err error) error {
	if errors.Is(err, plumbing.ErrObjectNotFound) || errors.Is(err, plumbing.ErrReferenceNotFound) {
		return &Error{Reason: ReasonNotFound, Err: fmt.Errorf("%s: %w", what, err)}
	}
	return &Error{Reason: ReasonFailed, Err: fmt.Errorf("%s: %w", what, err)}
}

func resolveBranch(repo *git.Repository, name string) (target, error) {
	ref, err := repo.Reference(plumbing.NewBranchReferenceName(name), false)
	if err != nil {
		return target{}, notFound("branch "+name, err)
	}
	c, err := repo.CommitObject(ref.Hash())
	if err != nil {
		return target{}, notFound("branch "+name, err)
	}
	return target{commit: c, branch: name}, nil
}

// resolveTag peels a tag ref, annotated or lightweight, to its commit.
func resolveTag(repo *git.Repository, name string) (target, error) {
	ref, err := repo.Reference(plumbing.NewTagReferenceName(name), false)
	if err != nil {
		return target{}, notFound("tag "+name, err)
	}
	t := target{tagName: name}
	hash := ref.Hash()
	tag, err := repo.TagObject(hash)
	switch {
	case err == nil:
		t.tag = tag
		t.commit, err = peel(repo, tag)
	case errors.Is(err, plumbing.ErrObjectNotFound):
		t.commit, err = repo.CommitObject(hash)
	}
	if err != nil {
		return target{}, notFound("tag "+name, err)
	}
	return t, nil
}

// peel follows a chain of tag objects to the commit at its end.
func peel(repo *git.Repository, tag *object.Tag) (*object.Commit, error) {
	for range 10 {
		if tag.TargetType != plumbing.TagObject {
			return tag.Commit()
		}
		next, err := repo.TagObject(tag.Target)
		if err != nil {
			return nil, err
		}
		tag = next
	}
	return nil, fmt.Errorf("tag %s: too many nested tags", tag.Name)
}

// highestTag returns the name of the highest tag version in rng. Tags may
// have a leading "v"; on equal versions the lexically smallest name wins.
// Pre-release versions count only when the range itself names one (has a
// "-"), so ">=1.0.0" never picks "2.0.0-rc.1".
func highestTag(repo *git.Repository, rng semver.Range, expr string) (string, error) {
	allowPre := strings.Contains(expr, "-")
	iter, err := repo.Tags()
	if err != nil {
		return "", &Error{Reason: ReasonFailed, Err: fmt.Errorf("list tags: %w", err)}
	}
	var best string
	var bestV semver.Version
	err = iter.ForEach(func(ref *plumbing.Reference) error {
		name := ref.Name().Short()
		v, err := semver.Parse(strings.TrimPrefix(name, "v"))
		if err != nil || !rng(v) || (len(v.Pre) > 0 && !allowPre) {
			return nil //nolint:nilerr // tags that are not versions are skipped
		}
		if best == "" || v.GT(bestV) || (v.EQ(bestV) && name < best) {
			best, bestV = name, v
		}
		return nil
	})
	if err != nil {
		return "", &Error{Reason: ReasonFailed, Err: fmt.Errorf("list tags: %w", err)}
	}
	if best == "" {
		return "", &Error{Reason: ReasonNoSemVerMatch, Err: fmt.Errorf("no tag matches %q", expr)}
	}
	return best, nil
}
