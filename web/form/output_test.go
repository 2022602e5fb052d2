package form

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"net/url"
	"strings"
	"testing"
)

func pemOf(t *testing.T, pub any) string {
	t.Helper()
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
}

func TestPublicKeyMustBeECDSAP384(t *testing.T) {
	p384, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	p256, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	rsaKey, _ := rsa.GenerateKey(rand.Reader, 1024)
	priv, _ := x509.MarshalECPrivateKey(p384)
	cases := []struct {
		name, pem, want string
	}{
		{"P-384", pemOf(t, &p384.PublicKey), ""},
		{"P-256", pemOf(t, &p256.PublicKey), "P-256 curve"},
		{"RSA", pemOf(t, &rsaKey.PublicKey), "ECDSA key on the P-384"},
		{"private", string(pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: priv})), "private key"},
		{"not PEM", "hello", "not PEM"},
		{"certificate", string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: []byte{1}})), "“CERTIFICATE”"},
		{"two keys", pemOf(t, &p384.PublicKey) + pemOf(t, &p384.PublicKey), "one public key only"},
		{"damaged", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n", "could not be read"},
	}
	for _, c := range cases {
		f := ParsePublicKeyForm(url.Values{FieldName: {"signer"}, FieldPEM: {strings.ReplaceAll(c.pem, "\n", "\r\n")}})
		errs := f.Validate()
		if got := errs[FieldPEM]; (c.want == "") != (got == "") || !strings.Contains(got, c.want) {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
}

func TestCompositionFormValidation(t *testing.T) {
	const ch = "arn:aws:ivs:us-east-1:123456789012:channel/Chan12345678"
	const sto = "arn:aws:ivs:us-east-1:123456789012:storage-configuration/Store1234567"
	const enc = "arn:aws:ivs:us-east-1:123456789012:encoder-configuration/Enc123456789"
	base := func() url.Values {
		return url.Values{FieldLayout: {"grid"}, FieldChannels: {ch + "\n"}, FieldToken: {"tok-0123456789abcdef"}}
	}
	cases := []struct {
		name  string
		edit  func(url.Values)
		field string
		want  string
	}{
		{"ok", func(url.Values) {}, "", ""},
		{"no destination", func(v url.Values) { v.Del(FieldChannels) }, FieldChannels, "at least one destination"},
		{"not a channel", func(v url.Values) { v.Set(FieldChannels, sto) }, FieldChannels, "not a channel ARN"},
		{"other region", func(v url.Values) { v.Set(FieldChannels, strings.Replace(ch, "us-east-1", "eu-west-1", 1)) }, FieldChannels, "is in eu-west-1"},
		{"three", func(v url.Values) {
			v.Set(FieldChannels, ch+"\n"+ch+"2\n")
			v.Set(FieldStorages, sto)
			v.Set(FieldEncoder, enc)
		}, FieldChannels, "at most 2"},
		{"S3 without encoder", func(v url.Values) { v.Set(FieldStorages, sto) }, FieldEncoder, "needs an encoder configuration"},
		{"bad layout", func(v url.Values) { v.Set(FieldLayout, "mosaic") }, FieldLayout, "grid or picture-in-picture"},
		{"pip corner", func(v url.Values) { v.Set(FieldLayout, "PIP"); v.Set(FieldPipPosition, "MIDDLE") }, FieldPipPosition, "corner"},
		{"attribute", func(v url.Values) { v.Set(FieldFeatured, "has space") }, FieldFeatured, "attribute name"},
	}
	for _, c := range cases {
		v := base()
		c.edit(v)
		f := ParseCompositionForm(v)
		errs := f.Validate("us-east-1")
		if c.field == "" {
			if errs.Any() {
				t.Errorf("%s: %v", c.name, errs)
			}
			continue
		}
		if !strings.Contains(errs[c.field], c.want) {
			t.Errorf("%s: %v, want %q at %s", c.name, errs, c.want, c.field)
		}
	}
	f := ParseCompositionForm(url.Values{FieldLayout: {"pip"}, FieldPipPosition: {"TOP_LEFT"}, FieldPipBehavior: {"DYNAMIC"},
		FieldStorages: {sto}, FieldEncoder: {enc}, FieldToken: {"tok-0123456789abcdef"}})
	in := f.StartInput()
	if in.Layout.Kind != "PIP" || in.Layout.PipPosition != "TOP_LEFT" || len(in.Destinations) != 1 || in.Destinations[0].EncoderConfigurationARNs[0] != enc || in.IdempotencyKey == "" {
		t.Fatalf("%+v", in)
	}
}
