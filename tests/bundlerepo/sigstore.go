package bundlerepo

import (
	"encoding/base64"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"

	protobundle "github.com/sigstore/protobuf-specs/gen/pb-go/bundle/v1"
	protocommon "github.com/sigstore/protobuf-specs/gen/pb-go/common/v1"
	protorekor "github.com/sigstore/protobuf-specs/gen/pb-go/rekor/v1"
	"github.com/sigstore/sigstore-go/pkg/root"
	"github.com/sigstore/sigstore-go/pkg/testing/ca"
	"github.com/sigstore/sigstore-go/pkg/tlog"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/bylaw-dev/bylaw/gitsource/bundle"
)

// Sigstore is an in-memory Sigstore (Fulcio, Rekor, a timestamp authority) that signs keylessly for tests, with the
// trusted_root.json to verify its signatures offline.
type Sigstore struct {
	vs *ca.VirtualSigstore
}

// NewSigstore starts a virtual Sigstore.
func NewSigstore(t testing.TB) *Sigstore {
	t.Helper()
	vs, err := ca.NewVirtualSigstore()
	require.NoError(t, err)
	return &Sigstore{vs: vs}
}

// SignBundle returns a Tamper hook that signs the bundle's bundle.yaml keylessly as subject of issuer, into
// signatures/<signer>.sigstore.json.
func (s *Sigstore) SignBundle(t testing.TB, signer, subject, issuer string) func(dir string) {
	return func(dir string) {
		t.Helper()
		manifest, err := os.ReadFile(filepath.Join(dir, bundle.ManifestFile))
		require.NoError(t, err)
		require.NoError(t, os.MkdirAll(filepath.Join(dir, bundle.SignaturesDir), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(dir, bundle.SignaturesDir, signer+bundle.SigstoreBundleSuffix),
			s.Sign(t, subject, issuer, manifest), 0o644))
	}
}

// TrustedRootJSON writes the virtual sigstore's trusted_root.json without its CT log (the virtual Fulcio embeds no
// SCTs), with the logs under their raw key IDs as a real trusted_root.json carries them.
func (s *Sigstore) TrustedRootJSON(t testing.TB) []byte {
	vs := s.vs
	t.Helper()
	logs := map[string]*root.TransparencyLog{}
	for id, l := range vs.RekorLogs() {
		raw, err := hex.DecodeString(id)
		require.NoError(t, err)
		c := *l
		c.ID = raw
		logs[id] = &c
	}
	tr, err := root.NewTrustedRoot(root.TrustedRootMediaType01, vs.FulcioCertificateAuthorities(), nil,
		vs.TimestampingAuthorities(), logs)
	require.NoError(t, err)
	data, err := tr.MarshalJSON()
	require.NoError(t, err)
	return data
}

// Sign signs artifact as subject of issuer with the virtual sigstore and writes the sigstore bundle (v0.3 JSON)
// `cosign sign-blob --new-bundle-format` would: certificate, message signature, a log entry and a timestamp.
func (s *Sigstore) Sign(t testing.TB, subject, issuer string, artifact []byte) []byte {
	vs := s.vs
	t.Helper()
	te, err := vs.Sign(subject, issuer, artifact)
	require.NoError(t, err)
	vc, err := te.VerificationContent()
	require.NoError(t, err)
	sc, err := te.SignatureContent()
	require.NoError(t, err)
	stamps, err := te.Timestamps()
	require.NoError(t, err)
	msg := sc.MessageSignatureContent()
	pb := &protobundle.Bundle{
		MediaType: "application/vnd.dev.sigstore.bundle.v0.3+json",
		VerificationMaterial: &protobundle.VerificationMaterial{
			Content: &protobundle.VerificationMaterial_Certificate{
				Certificate: &protocommon.X509Certificate{RawBytes: vc.Certificate().Raw}},
			TlogEntries: []*protorekor.TransparencyLogEntry{LogEntry(t, vs, te)},
			TimestampVerificationData: &protobundle.TimestampVerificationData{
				Rfc3161Timestamps: []*protocommon.RFC3161SignedTimestamp{{SignedTimestamp: stamps[0]}}},
		},
		Content: &protobundle.Bundle_MessageSignature{MessageSignature: &protocommon.MessageSignature{
			MessageDigest: &protocommon.HashOutput{Algorithm: protocommon.HashAlgorithm_SHA2_256, Digest: msg.Digest()},
			Signature:     msg.Signature(),
		}},
	}
	data, err := protojson.Marshal(pb)
	require.NoError(t, err)
	return data
}

// LogEntry is the test entity's entry as Rekor v1 returns it: index 0 of a one-entry log, with a signed entry
// timestamp and an inclusion proof with a signed checkpoint.
func LogEntry(t testing.TB, vs *ca.VirtualSigstore, te *ca.TestEntity) *protorekor.TransparencyLogEntry {
	t.Helper()
	entries, err := te.TlogEntries()
	require.NoError(t, err)
	body := entries[0].TransparencyLogEntry().GetCanonicalizedBody()
	integrated := entries[0].IntegratedTime().Unix()
	logID, err := vs.RekorLogID()
	require.NoError(t, err)
	rawID, err := hex.DecodeString(logID)
	require.NoError(t, err)
	set, err := vs.RekorSignPayload(tlog.RekorPayload{Body: base64.StdEncoding.EncodeToString(body),
		IntegratedTime: integrated, LogIndex: 0, LogID: logID})
	require.NoError(t, err)
	proof, err := vs.GetInclusionProof(body)
	require.NoError(t, err)
	rootHash, err := hex.DecodeString(*proof.RootHash)
	require.NoError(t, err)
	return &protorekor.TransparencyLogEntry{
		LogId:            &protocommon.LogId{KeyId: rawID},
		KindVersion:      &protorekor.KindVersion{Kind: "hashedrekord", Version: "0.0.1"},
		IntegratedTime:   integrated,
		InclusionPromise: &protorekor.InclusionPromise{SignedEntryTimestamp: set},
		InclusionProof: &protorekor.InclusionProof{LogIndex: *proof.LogIndex, RootHash: rootHash,
			TreeSize: *proof.TreeSize, Checkpoint: &protorekor.Checkpoint{Envelope: *proof.Checkpoint}},
		CanonicalizedBody: body,
	}
}
