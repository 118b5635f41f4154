// Package globalcontext is Kyverno's `globalContext` CEL library: globalContext.Get(name) returns the data of
// the GlobalContextEntry name, globalContext.Get(name, projection) one of its named projections (Kyverno 1.18 also
// spells them get). The library does no I/O: calls go to the Client bound for the evaluation, and fail when none
// is bound (lib.ErrUnbound) or the entry cannot be read, with Kyverno's message ("failed to get global reference:
// ..."). Each call costs lib.ExternalCall.
package globalcontext
