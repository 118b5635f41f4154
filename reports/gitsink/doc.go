// Package gitsink commits Bylaw's policy reports to a branch of a git repository: the archive of the compliance
// picture, reviewable with the tools of a repository (history, diffs, blame).
//
// Render turns the reports of a Book into a Tree, the content of one folder: <namespace>.yaml per namespace (the
// PolicyReport as YAML), cluster.yaml for the ClusterPolicyReport, and SUMMARY.md, a Markdown overview (counts per
// namespace, the failing results, the policy revisions behind them). A Tree holds no wall-clock time: result
// timestamps are those the Book keeps while an outcome stays the same, so equal results render to equal bytes.
//
// A Publisher keeps one bare clone per repository and branch in a cache folder. Publish fetches the branch (a
// missing branch is started without history), replaces the folder's content with the Tree, keeps every file outside
// it, and commits only when the resulting tree differs from the tip. It pushes without force: when someone else
// pushed in between (a non-fast-forward or a rejected update), it fetches the new tip, applies the Tree on top of it
// and tries again, a bounded number of times. Every error is an *Error whose Reason says whether the remote could
// not be reached, refused the credentials or refused the push; nothing is lost by a failure, since the caller
// still holds the content and publishes it again.
//
// The package is pure git and rendering: it knows no Kubernetes client.
package gitsink
