package jmespath

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"

	"github.com/distribution/reference"
)

// imageNormalize gives the full reference Kyverno uses internally: default
// registry added to short names, tag "latest" when there is neither tag nor
// digest, and only the digest when there are both.
func (rt *runtime) imageNormalize(args []any) (any, error) {
	image, err := stringArg("image_normalize", args, 0)
	if err != nil {
		return nil, err
	}
	out, err := rt.normalizeImage(image)
	if err != nil {
		return nil, fnError("image_normalize", err)
	}
	return out, nil
}

func (rt *runtime) normalizeImage(image string) (string, error) {
	full := withDefaultRegistry(image, rt.defaultRegistry)
	ref, err := reference.Parse(full)
	if err != nil {
		return "", fmt.Errorf("bad image: %s, defaultRegistry: %s, enableDefaultRegistryMutation: %t: %w",
			full, rt.defaultRegistry, rt.registryMutation, err)
	}
	named, ok := ref.(reference.Named)
	if !ok {
		return "", fmt.Errorf("bad image: %s: no repository name", full)
	}
	name := reference.Path(named)
	if full == image || rt.registryMutation {
		name = reference.Domain(named) + "/" + name
	}
	if digested, ok := ref.(reference.Digested); ok {
		return name + "@" + digested.Digest().String(), nil
	}
	tag := "latest"
	if tagged, ok := ref.(reference.Tagged); ok {
		tag = tagged.Tag()
	}
	return name + ":" + tag, nil
}

// withDefaultRegistry prefixes registry unless the first path element already
// names one (contains '.' or ':', or is "localhost").
func withDefaultRegistry(image, registry string) string {
	first, _, found := strings.Cut(image, "/")
	if !found || (!strings.ContainsAny(first, ".:") && first != "localhost" && strings.ToLower(first) == first) {
		return registry + "/" + image
	}
	return image
}

// isExternalURL reports whether the URL's host (an IP, or every address it
// resolves to) is outside loopback and private ranges.
func (rt *runtime) isExternalURL(args []any) (any, error) {
	raw, err := stringArg("is_external_url", args, 0)
	if err != nil {
		return nil, err
	}
	parsed, err := url.Parse(raw)
	if err != nil {
		return nil, fnError("is_external_url", err)
	}
	host := parsed.Hostname()
	if ip := net.ParseIP(host); ip != nil {
		return !internalIP(ip), nil
	}
	if rt.resolver == nil {
		return nil, fnError("is_external_url", errors.New("no resolver configured for host "+host))
	}
	ips, err := rt.resolver(context.Background(), host)
	if err != nil {
		return nil, fnError("is_external_url", err)
	}
	for _, ip := range ips {
		if internalIP(ip) {
			return false, nil
		}
	}
	return true, nil
}

func internalIP(ip net.IP) bool {
	return ip.IsLoopback() || ip.IsPrivate()
}
