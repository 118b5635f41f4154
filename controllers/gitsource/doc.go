// Package gitsource reconciles GitSource objects: it fetches the source's revision with go-git, reads the signed
// bundle at its path, verifies it (file set and digests, signatures and the source's signer rule, expiry, no
// rollback below the highest version applied, valid policies, no policy name another source supplies) and only then
// replaces the source's policies in the store, each carrying its provenance.
//
// Nothing partial and nothing unverified reaches the store: a refused bundle leaves the last good one in force, and
// the source's conditions (SourceVerified, Ready, Stalled) and a Warning event say why. A fetch that fails sets
// FetchFailed and is retried with backoff. The highest applied version is kept in status, so a restart does not reopen
// a rollback. An unchanged revision (same commit, same spec, same keys) is not verified again.
//
// Like the policy controller it runs on every replica, since every replica answers admission; only the leader writes
// status and events.
package gitsource
