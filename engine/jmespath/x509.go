package jmespath

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
)

// rsaPublicKey is how x509_decode shows an RSA key: the modulus in decimal.
type rsaPublicKey struct {
	N string
	E int
}

// x509Decode decodes a PEM certificate or certificate request (RSA keys
// only, as in Kyverno) to the JSON form of Go's x509 structures.
func x509Decode(args []any) (any, error) {
	s, err := stringArg("x509_decode", args, 0)
	if err != nil {
		return nil, err
	}
	block, _ := pem.Decode([]byte(s))
	if block == nil {
		return nil, fnError("x509_decode", errors.New("failed to decode PEM block"))
	}
	out, err := decodeBlock(block)
	if err != nil {
		return nil, fnError("x509_decode", err)
	}
	return out, nil
}

func decodeBlock(block *pem.Block) (any, error) {
	switch block.Type {
	case "CERTIFICATE":
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("parse certificate: %w", err)
		}
		key, err := rsaKey(cert.PublicKey)
		if err != nil {
			return nil, err
		}
		cert.PublicKey = key
		return toJSONObject(cert)
	case "CERTIFICATE REQUEST":
		csr, err := x509.ParseCertificateRequest(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("parse certificate request: %w", err)
		}
		key, err := rsaKey(csr.PublicKey)
		if err != nil {
			return nil, err
		}
		csr.PublicKey = key
		return toJSONObject(csr)
	}
	return nil, errors.New("PEM block neither contains a CERTIFICATE or CERTIFICATE REQUEST")
}

func rsaKey(key any) (rsaPublicKey, error) {
	pub, ok := key.(*rsa.PublicKey)
	if !ok {
		return rsaPublicKey{}, errors.New("certificate should use rsa algorithm")
	}
	return rsaPublicKey{N: pub.N.String(), E: pub.E}, nil
}

func toJSONObject(v any) (any, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encode: %w", err)
	}
	var out map[string]any
	if err := json.Unmarshal(data, &out); err != nil {
		return nil, fmt.Errorf("decode: %w", err)
	}
	return out, nil
}
