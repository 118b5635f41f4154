// Package gitremote holds the credentials and error classification for talking to git remotes, shared by GitSource
// fetching (gitsource/fetch) and the git report sink (reports/gitsink).
//
// Credentials: Auth holds what a Secret with Flux's keys gives (AuthFromSecretData: username, password, bearerToken,
// identity, known_hosts), and TransportAuth turns it into go-git's auth method for a URL's scheme: HTTP basic or
// bearer auth, SSH public keys checked against known_hosts, nothing for file URLs.
//
// Errors: KindOf says what kind of failure an error of go-git (or of the network below it) is: the remote refused
// the credentials, has no such repository or ref, could not be reached, dropped the connection, timed out or
// rejected a push. Each caller keeps its own Reason type, whose values stand in status conditions, and names one for
// each Kind in a Reasons; Classify then wraps an error into an *Error of that Reason type, with one rule for an
// operation whose context is done: the context's error wins.
package gitremote
