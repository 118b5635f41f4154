// Package imagedata is Kyverno's image metadata CEL library: the `image` variable has image.GetMetadata(ref)
// (also getMetadata in Kyverno 1.18), which returns the registry's data of an image: image, resolvedImage,
// registry, repository, identifier, manifest, config (the image configuration: created, config.User, ...) and
// imageIndex when the registry serves one. The library does no I/O: calls go to the Client bound for the
// evaluation, and fail when none is bound (lib.ErrUnbound) or the registry cannot be read, with Kyverno's message
// ("failed to get image data: ..."). Each call costs lib.ExternalCall. Parsing references (image(ref),
// parseImageReference(ref)) is the image library.
package imagedata
