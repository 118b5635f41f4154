package cel

import "sync"

// deferred builds the request and namespace object of an Input on first use.
type deferred struct {
	build [2]func() map[string]any
	once  [2]sync.Once
	vals  [2]map[string]any
}

func (d *deferred) get(i int) map[string]any {
	d.once[i].Do(func() { d.vals[i] = d.build[i]() })
	return d.vals[i]
}

// Defer returns a copy of in whose Request and NamespaceObject are built by request and namespace when a rule
// first reads them (a nil function keeps the field of in), for callers that would otherwise build both for every
// resource while most rules read neither. Each function runs at most once for the copy and every copy made from it
// (Prepare included); the fields of the copy are not set.
func (in Input) Defer(request, namespace func() map[string]any) Input {
	d := &deferred{build: [2]func() map[string]any{request, namespace}}
	if request == nil {
		req := in.Request
		d.build[0] = func() map[string]any { return req }
	}
	if namespace == nil {
		ns := in.NamespaceObject
		d.build[1] = func() map[string]any { return ns }
	}
	in.deferred, in.Request, in.NamespaceObject = d, nil, nil
	return in
}

// request returns Request, built now when it is deferred.
func (in *Input) request() map[string]any {
	if in.deferred != nil {
		return in.deferred.get(0)
	}
	return in.Request
}

// namespaceObject returns NamespaceObject, built now when it is deferred.
func (in *Input) namespaceObject() map[string]any {
	if in.deferred != nil {
		return in.deferred.get(1)
	}
	return in.NamespaceObject
}
