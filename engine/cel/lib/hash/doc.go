// Package hash is Kyverno's `hash` CEL library: sha1(string), sha256(string) and md5(string) return the
// lower-case hexadecimal digest of the string's UTF-8 bytes; Kyverno 1.18 also names them hash.sha1, hash.sha256 and
// hash.md5. They cost 1 plus 0.1 per byte hashed.
package hash
