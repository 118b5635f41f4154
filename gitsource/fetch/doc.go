// Package fetch gets a revision of a git repository for the GitSource
// controller.
//
// A Fetcher keeps one bare clone per URL under a cache folder (named after a
// hash of the URL). The first Fetch of a URL clones it; later ones fetch only
// the refs the Ref needs (a branch, a tag, all tags for a SemVer range, all
// branches and tags for a commit that is not cached yet), so an unchanged
// revision costs one ref advertisement. Fetches of one repository are
// serialised; different repositories run in parallel; every Fetch is bounded
// by Options.Timeout.
//
// Fetch resolves the Ref to a commit and returns a Result whose Revision has
// Flux's form ("main@sha1:<hex>", "v1.2.0@sha1:<hex>", "sha1:<hex>").
// Result.ReadDir reads the files below a folder straight from the commit's
// tree, without a checkout; symbolic links are reported, never followed.
//
// With Options.Verify, the commit, the annotated tag or both must carry an
// OpenPGP signature made by one of the given public keys; the Result names
// the signing keys. SSH and X.509 signatures are refused as unsupported.
//
// Every error is an *Error whose Reason fits a status condition; test it
// with errors.Is against ErrAuth, ErrNotFound, ErrTimeout, ErrUnreachable,
// ErrNoSemVerMatch, ErrSignature, ErrInvalid or ErrFailed.
//
// Credentials come from Auth, which AuthFromSecretData fills from a Secret
// with Flux's keys: username and password (HTTP basic auth), bearerToken,
// identity and known_hosts (SSH; password is then the key's passphrase).
// Both come from package gitremote, which also classifies the errors of the
// remote, for the git report sink as well.
package fetch
