package emulator

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime/types"
)

func pemOf(t *testing.T, pub any) string {
	t.Helper()
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
}

func ecKey(t *testing.T, curve elliptic.Curve) string {
	t.Helper()
	k, err := ecdsa.GenerateKey(curve, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return pemOf(t, &k.PublicKey)
}

func TestPublicKeys(t *testing.T) {
	v := newEnv(t, SeedEmpty)
	c := v.client("us-east-1", noRetries)
	mat := ecKey(t, elliptic.P384())
	k := must(c.ImportPublicKey(ctx(), &ivsrealtime.ImportPublicKeyInput{PublicKeyMaterial: aws.String(mat),
		Name: aws.String("signer"), Tags: map[string]string{"a": "b"}})).PublicKey
	if !strings.HasPrefix(*k.Arn, "arn:aws:ivs:us-east-1:123456789012:public-key/") || *k.Name != "signer" ||
		*k.PublicKeyMaterial != mat || len(*k.Fingerprint) != 95 || k.Tags["a"] != "b" {
		t.Fatalf("imported %+v", k)
	}
	got := must(c.GetPublicKey(ctx(), &ivsrealtime.GetPublicKeyInput{Arn: k.Arn})).PublicKey
	if *got.Fingerprint != *k.Fingerprint || *got.PublicKeyMaterial != mat {
		t.Fatalf("get %+v", got)
	}
	// The same key twice: ConflictException.
	_, err := c.ImportPublicKey(ctx(), &ivsrealtime.ImportPublicKeyInput{PublicKeyMaterial: aws.String(mat)})
	var ce *types.ConflictException
	if !errors.As(err, &ce) || !strings.Contains(*ce.ExceptionMessage, *k.Arn) {
		t.Fatalf("second import: %v", err)
	}
	k2 := must(c.ImportPublicKey(ctx(), &ivsrealtime.ImportPublicKeyInput{PublicKeyMaterial: aws.String(ecKey(t, elliptic.P384()))})).PublicKey
	page := must(c.ListPublicKeys(ctx(), &ivsrealtime.ListPublicKeysInput{MaxResults: aws.Int32(1)}))
	if len(page.PublicKeys) != 1 || *page.PublicKeys[0].Arn != *k.Arn || page.NextToken == nil {
		t.Fatalf("page 1 %+v", page)
	}
	page = must(c.ListPublicKeys(ctx(), &ivsrealtime.ListPublicKeysInput{MaxResults: aws.Int32(1), NextToken: page.NextToken}))
	if len(page.PublicKeys) != 1 || *page.PublicKeys[0].Arn != *k2.Arn || page.NextToken != nil {
		t.Fatalf("page 2 %+v", page)
	}
	must(c.TagResource(ctx(), &ivsrealtime.TagResourceInput{ResourceArn: k2.Arn, Tags: map[string]string{"x": "y"}}))
	if tags := must(c.ListTagsForResource(ctx(), &ivsrealtime.ListTagsForResourceInput{ResourceArn: k2.Arn})).Tags; tags["x"] != "y" {
		t.Fatalf("tags %v", tags)
	}
	must(c.DeletePublicKey(ctx(), &ivsrealtime.DeletePublicKeyInput{Arn: k.Arn}))
	_, err = c.GetPublicKey(ctx(), &ivsrealtime.GetPublicKeyInput{Arn: k.Arn})
	var nf *types.ResourceNotFoundException
	if !errors.As(err, &nf) {
		t.Fatalf("get after delete: %v", err)
	}
	_, err = c.DeletePublicKey(ctx(), &ivsrealtime.DeletePublicKeyInput{Arn: k.Arn})
	if !errors.As(err, &nf) {
		t.Fatalf("delete after delete: %v", err)
	}
	// Deleted, it can be imported again.
	must(c.ImportPublicKey(ctx(), &ivsrealtime.ImportPublicKeyInput{PublicKeyMaterial: aws.String(mat)}))
}

func TestPublicKeyValidation(t *testing.T) {
	v := newEnv(t, SeedEmpty)
	c := v.client("us-east-1", noRetries)
	edPub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, material, want string
	}{
		{"P-256", ecKey(t, elliptic.P256()), "P-384"},
		{"Ed25519", pemOf(t, edPub), "P-384"},
		{"not PEM", "hello", "at 'publicKeyMaterial' failed to satisfy constraint: Member must satisfy regular expression pattern"},
		{"bad DER", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n", "not a valid PEM-encoded public key"},
	} {
		_, err := c.ImportPublicKey(ctx(), &ivsrealtime.ImportPublicKeyInput{PublicKeyMaterial: aws.String(tc.material)})
		var ve *types.ValidationException
		if !errors.As(err, &ve) || !strings.Contains(*ve.ExceptionMessage, tc.want) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		}
	}
	resp, body := v.raw("ImportPublicKey", `{}`)
	if resp.StatusCode != 400 || !strings.Contains(body, "Value null at 'publicKeyMaterial'") {
		t.Fatalf("missing material: %d %s", resp.StatusCode, body)
	}
	resp, body = v.raw("GetPublicKey", `{"arn":"arn:aws:ivs:us-east-1:123456789012:stage/abc"}`)
	if resp.StatusCode != 400 || !strings.Contains(body, "public-key/") {
		t.Fatalf("bad arn: %d %s", resp.StatusCode, body)
	}
}
