// Package random is Kyverno's `random` CEL library: random() returns 8 random characters of [0-9a-z];
// random(pattern) returns a random string the regular expression (RE2 syntax) matches, with unbounded repetitions
// (*, +, {n,}) repeated at most 10 times beyond their minimum, as Kyverno's generator does. A pattern that cannot
// be parsed, or whose result would exceed 10,000 characters, is an error. The cost is 1 plus 0.1 per pattern byte
// and per generated character.
package random
