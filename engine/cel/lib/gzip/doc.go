// Package gzip is Kyverno's `gzip` CEL library: gzip.decompress(bytes) returns the decompressed data as a string,
// gzip.compress(string) returns it compressed as bytes (deterministically: no file name, modification time zero).
// Pair them with base64.decode and base64.encode for text fields. Unlike Kyverno, decompression stops with an error
// past 10 MiB of output, so a small crafted input cannot exhaust the webhook's memory. The cost is 1 plus 0.1 per
// byte read and written.
package gzip
