// Package images parses container image references and extracts the images of Pods and Pod controllers into the
// `images` context variable: images.<containers|initContainers|ephemeralContainers>.<container name>.{registry, path,
// name, tag, digest, reference, referenceWithTag}.
package images
