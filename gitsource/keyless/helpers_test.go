package keyless

import (
	"encoding/hex"
	"testing"

	protobundle "github.com/sigstore/protobuf-specs/gen/pb-go/bundle/v1"
	protocommon "github.com/sigstore/protobuf-specs/gen/pb-go/common/v1"
	protorekor "github.com/sigstore/protobuf-specs/gen/pb-go/rekor/v1"
	"github.com/sigstore/sigstore-go/pkg/root"
	"github.com/sigstore/sigstore-go/pkg/testing/ca"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/bylaw-dev/bylaw/tests/bundlerepo"
)

const (
	manifest = "apiVersion: bylaw.dev/v1alpha1\nkind: Bundle\nname: \"platform\"\nversion: 1\nfiles: []\n"
	issuer   = "https://token.actions.githubusercontent.com"
	subject  = "https://github.com/example/policies/.github/workflows/bundle.yaml@refs/heads/main"
)

func newSigstore(t testing.TB) *ca.VirtualSigstore {
	t.Helper()
	vs, err := ca.NewVirtualSigstore()
	require.NoError(t, err)
	return vs
}

// rootOptions say what a test trusted root lists beyond the certificate authority.
type rootOptions struct {
	ctLog, rekor, tsa bool
}

// allButCT is the virtual sigstore's root without its CT log: the virtual Fulcio embeds no SCTs.
var allButCT = rootOptions{rekor: true, tsa: true}

// trustedRootJSON writes the virtual sigstore's trusted_root.json.
func trustedRootJSON(t testing.TB, vs *ca.VirtualSigstore, o rootOptions) []byte {
	t.Helper()
	var ctLogs, rekorLogs map[string]*root.TransparencyLog
	var tsas []root.TimestampingAuthority
	if o.ctLog {
		ctLogs = rawIDs(t, vs.CTLogs())
	}
	if o.rekor {
		rekorLogs = rawIDs(t, vs.RekorLogs())
	}
	if o.tsa {
		tsas = vs.TimestampingAuthorities()
	}
	tr, err := root.NewTrustedRoot(root.TrustedRootMediaType01, vs.FulcioCertificateAuthorities(), ctLogs, tsas, rekorLogs)
	require.NoError(t, err)
	data, err := tr.MarshalJSON()
	require.NoError(t, err)
	return data
}

// rawIDs gives the virtual sigstore's logs their raw key IDs: it sets ID to the hex text, which a trusted_root.json
// would carry as bytes and parse back under another map key.
func rawIDs(t testing.TB, logs map[string]*root.TransparencyLog) map[string]*root.TransparencyLog {
	t.Helper()
	out := make(map[string]*root.TransparencyLog, len(logs))
	for id, l := range logs {
		raw, err := hex.DecodeString(id)
		require.NoError(t, err)
		c := *l
		c.ID = raw
		out[id] = &c
	}
	return out
}

func trustedRoot(t testing.TB, vs *ca.VirtualSigstore, o rootOptions) *root.TrustedRoot {
	t.Helper()
	tr, err := LoadTrustedRoot(trustedRootJSON(t, vs, o))
	require.NoError(t, err)
	return tr
}

// bundleOptions say what a test sigstore bundle carries beyond the certificate and the message signature.
type bundleOptions struct {
	noTlog, noTimestamp bool
}

// sign signs artifact as subject of issuer with the virtual sigstore, and writes the sigstore bundle (v0.3 JSON)
// `cosign sign-blob --new-bundle-format` would: certificate, message signature, a hashedrekord log entry with
// inclusion promise and proof, and an RFC 3161 timestamp.
func sign(t testing.TB, vs *ca.VirtualSigstore, subject, issuer string, artifact []byte, o bundleOptions) []byte {
	t.Helper()
	te, err := vs.Sign(subject, issuer, artifact)
	require.NoError(t, err)
	vc, err := te.VerificationContent()
	require.NoError(t, err)
	sc, err := te.SignatureContent()
	require.NoError(t, err)
	msg := sc.MessageSignatureContent()
	material := &protobundle.VerificationMaterial{
		Content: &protobundle.VerificationMaterial_Certificate{
			Certificate: &protocommon.X509Certificate{RawBytes: vc.Certificate().Raw}},
	}
	if !o.noTlog {
		material.TlogEntries = []*protorekor.TransparencyLogEntry{bundlerepo.LogEntry(t, vs, te)}
	}
	if !o.noTimestamp {
		stamps, err := te.Timestamps()
		require.NoError(t, err)
		material.TimestampVerificationData = &protobundle.TimestampVerificationData{
			Rfc3161Timestamps: []*protocommon.RFC3161SignedTimestamp{{SignedTimestamp: stamps[0]}}}
	}
	pb := &protobundle.Bundle{
		MediaType:            "application/vnd.dev.sigstore.bundle.v0.3+json",
		VerificationMaterial: material,
		Content: &protobundle.Bundle_MessageSignature{MessageSignature: &protocommon.MessageSignature{
			MessageDigest: &protocommon.HashOutput{Algorithm: protocommon.HashAlgorithm_SHA2_256, Digest: msg.Digest()},
			Signature:     msg.Signature(),
		}},
	}
	data, err := protojson.Marshal(pb)
	require.NoError(t, err)
	return data
}

func ciIdentity(name string) Identity {
	return Identity{Name: name, Issuer: issuer, Subject: subject}
}
