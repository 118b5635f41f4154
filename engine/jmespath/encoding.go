package jmespath

import (
	"crypto/md5" //nolint:gosec // md5() is a documented Kyverno function, not used for security.
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"

	"sigs.k8s.io/yaml"
)

func encodingFunctions() []function {
	return []function{
		fn("base64_decode", "string", "decodes a base64 (standard encoding) string", base64Decode, argString),
		fn("base64_encode", "string", "encodes a string to base64 (standard encoding)", base64Encode, argString),
		fn("sha256", "string", "returns the hex SHA-256 digest of a string", sha256Hex, argString),
		fn("md5", "string", "returns the hex MD5 digest of a string", md5Hex, argString),
		fn("parse_json", "any", "decodes a JSON string to a value", parseJSON, argString),
		fn("parse_yaml", "any", "decodes a YAML string to a value representable as JSON", parseYAML, argString),
	}
}

func base64Decode(args []any) (any, error) {
	s, err := stringArg("base64_decode", args, 0)
	if err != nil {
		return nil, err
	}
	decoded, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, fnError("base64_decode", err)
	}
	return string(decoded), nil
}

func base64Encode(args []any) (any, error) {
	s, err := stringArg("base64_encode", args, 0)
	if err != nil {
		return nil, err
	}
	return base64.StdEncoding.EncodeToString([]byte(s)), nil
}

func sha256Hex(args []any) (any, error) {
	s, err := stringArg("sha256", args, 0)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:]), nil
}

func md5Hex(args []any) (any, error) {
	s, err := stringArg("md5", args, 0)
	if err != nil {
		return nil, err
	}
	sum := md5.Sum([]byte(s)) //nolint:gosec // see import.
	return hex.EncodeToString(sum[:]), nil
}

func parseJSON(args []any) (any, error) {
	s, err := stringArg("parse_json", args, 0)
	if err != nil {
		return nil, err
	}
	var out any
	if err := json.Unmarshal([]byte(s), &out); err != nil {
		return nil, fnError("parse_json", err)
	}
	return out, nil
}

func parseYAML(args []any) (any, error) {
	s, err := stringArg("parse_yaml", args, 0)
	if err != nil {
		return nil, err
	}
	data, err := yaml.YAMLToJSON([]byte(s))
	if err != nil {
		return nil, fnError("parse_yaml", err)
	}
	var out any
	if err := json.Unmarshal(data, &out); err != nil {
		return nil, fnError("parse_yaml", err)
	}
	return out, nil
}
