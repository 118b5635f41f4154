package jmespath

import (
	"strings"
	"sync"

	"github.com/jmespath-community/go-jmespath/pkg/functions"
)

// runtime is the state Kyverno's functions share inside one Interpreter.
type runtime struct {
	settings
	regexes *regexCache
	rngMu   sync.Mutex
}

func newRuntime(s settings) *runtime {
	return &runtime{settings: s, regexes: newRegexCache(s.regexCacheSize)}
}

// arg is the kind of one parameter: what JMESPath checks and its doc text.
type arg int

const (
	argString arg = iota
	argNumber
	argAny
	argObject
	argArray
	argStrOrNum
	argObjOrArr
)

func (a arg) types() []functions.JpType {
	switch a {
	case argString:
		return []functions.JpType{functions.JpString}
	case argNumber:
		return []functions.JpType{functions.JpNumber}
	case argObject:
		return []functions.JpType{functions.JpObject}
	case argArray:
		return []functions.JpType{functions.JpArray}
	case argStrOrNum:
		return []functions.JpType{functions.JpString, functions.JpNumber}
	case argObjOrArr:
		return []functions.JpType{functions.JpObject, functions.JpArray}
	}
	return []functions.JpType{functions.JpAny}
}

func (a arg) String() string {
	types := a.types()
	docs := make([]string, len(types))
	for n, t := range types {
		docs[n] = string(t)
	}
	return strings.Join(docs, "|")
}

// function is one custom function with its documentation.
type function struct {
	entry   functions.FunctionEntry
	args    []arg
	returns string
	note    string
}

func (f function) signature() string {
	docs := make([]string, len(f.args))
	for n, a := range f.args {
		docs[n] = a.String()
	}
	return f.entry.Name + "(" + strings.Join(docs, ", ") + ") " + f.returns
}

// fn builds a function entry.
func fn(name, returns, note string, handler functions.JpFunction, args ...arg) function {
	specs := make([]functions.ArgSpec, len(args))
	for n, a := range args {
		specs[n] = functions.ArgSpec{Types: a.types()}
	}
	return function{
		entry:   functions.FunctionEntry{Name: name, Arguments: specs, Handler: handler},
		args:    args,
		returns: returns,
		note:    note,
	}
}

// functions returns Kyverno's custom functions.
func (rt *runtime) functions() []function {
	var all []function
	all = append(all, stringFunctions()...)
	all = append(all, rt.regexFunctions()...)
	all = append(all, arithmeticFunctions()...)
	all = append(all, encodingFunctions()...)
	all = append(all, collectionFunctions()...)
	all = append(all, rt.timeFunctions()...)
	all = append(all, rt.otherFunctions()...)
	return all
}

func (rt *runtime) otherFunctions() []function {
	return []function{
		fn("random", "string", "generates a random sequence of characters matching a regular expression",
			rt.random, argString),
		fn("x509_decode", "object", "decodes a PEM x.509 certificate or certificate request to an object",
			x509Decode, argString),
		fn("image_normalize", "string", "normalizes an image reference (default registry and tag)",
			rt.imageNormalize, argString),
		fn("is_external_url", "boolean", "reports whether a URL resolves to an address outside loopback and private ranges",
			rt.isExternalURL, argString),
		fn("semver_compare", "boolean", "checks a semantic version (first) against a range (second)",
			semverCompare, argString, argString),
	}
}
