// Package user is Kyverno's `user` CEL library: parseServiceAccount(string) (also user.parseServiceAccount in
// Kyverno 1.18) splits a user name of the form system:serviceaccount:<namespace>:<name> into an object with the
// fields Namespace and Name (the name keeps any further colons); any other user name gives both empty.
package user
