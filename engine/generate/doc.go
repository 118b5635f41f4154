// Package generate builds the objects that Kyverno `generate` rules ask for: from `data` (a manifest written in the
// rule) or by cloning existing objects (`clone`, `cloneList`). It is pure: the engine renders variables and fetches
// clone sources through its loader, then calls these builders. Applying the objects in a cluster is the generate
// controller's job.
package generate
