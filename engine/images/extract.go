package images

// containerLists are the Pod spec fields that hold containers, with the key they get under `images`.
var containerLists = [...]string{"containers", "initContainers", "ephemeralContainers"}

// FromObject returns the `images` document of a Pod or Pod controller, or nil when the object holds no Pod spec.
func FromObject(obj map[string]any) map[string]any {
	spec := podSpec(obj)
	if spec == nil {
		return nil
	}
	out := map[string]any{}
	for _, list := range containerLists {
		items, _ := spec[list].([]any)
		byName := map[string]any{}
		for _, c := range items {
			cm, _ := c.(map[string]any)
			name, _ := cm["name"].(string)
			ref, _ := cm["image"].(string)
			info, err := Parse(ref)
			if name == "" || err != nil {
				continue
			}
			byName[name] = info.Document()
		}
		if len(byName) > 0 {
			out[list] = byName
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// podSpec finds the Pod spec of a Pod, a Pod controller (spec.template.spec) or a CronJob (spec.jobTemplate.spec.template.spec).
func podSpec(obj map[string]any) map[string]any {
	spec, _ := obj["spec"].(map[string]any)
	if spec == nil {
		return nil
	}
	switch obj["kind"] {
	case "Pod":
		return spec
	case "CronJob":
		spec = dig(spec, "jobTemplate", "spec")
	}
	return dig(spec, "template", "spec")
}

func dig(m map[string]any, keys ...string) map[string]any {
	for _, k := range keys {
		next, _ := m[k].(map[string]any)
		if next == nil {
			return nil
		}
		m = next
	}
	return m
}
