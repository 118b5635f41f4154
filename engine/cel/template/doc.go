// Package template parses the YAML templates of GeneratingPolicy generate entries (spec.generate[].template), as
// Kyverno defines them: the value is one or more YAML documents, each a mapping describing an object. With CEL
// interpolation, `(( expression ))` placeholders in scalar values are CEL expressions: a scalar that is exactly one
// placeholder is replaced by the expression's value (any value: map, list, scalar); placeholders inside a longer
// string are replaced by their text and must give scalars; `\((` writes a literal `((`. Placeholders may not
// appear in mapping keys. Without interpolation the text is taken literally.
//
// The package only parses and renders: the caller compiles the expressions (Tree.Expressions) and evaluates them
// while rendering (Tree.Render), so it holds no CEL environment of its own.
package template
