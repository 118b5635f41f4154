// Package image is Kyverno's `image` CEL library for image references: parseImageReference(string) (and its older
// name image(string)) parses a reference as go-containerregistry's name.ParseReference does, Kyverno's parser: a
// reference without registry is on index.docker.io, one without tag or digest has the tag latest, and a reference
// that is not valid is an error; isImage(string) says whether a string parses. The result, of type kyverno.image,
// has registry(), repository() (library/nginx for nginx), identifier() (the digest when there is one, else the
// tag), identifierWithSeparator() (":tag", "@digest" or ":tag@digest"), tag() and digest() (each "" when absent)
// and containsDigest(). Each call costs 1 plus 0.1 per byte of the reference.
//
// Image metadata from the registry, image.GetMetadata(ref), is the imagedata library.
package image
