// Package wildcard matches strings against patterns with `*` (any run of characters, including none) and `?` (exactly
// one character), the wildcard syntax of Kyverno names, namespaces, kinds, labels and pattern values.
package wildcard
