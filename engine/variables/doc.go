// Package variables compiles and renders Kyverno-style variables: `{{ jmespath }}` expressions embedded in strings and in
// arbitrary JSON trees (patterns, condition keys and values, messages, context entries).
//
// Templates are compiled once, at policy compile time; rendering runs the pre-parsed JMESPath queries against a context
// document. A string that is exactly one variable renders to the query's typed result; a variable embedded in a longer string
// renders as text (JSON for non-string values). `\{{ ... }}` escapes a variable and renders as the literal `{{ ... }}`.
package variables
