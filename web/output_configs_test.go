package web

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/greenroom-dev/greenroom/internal/audit"
	"github.com/greenroom-dev/greenroom/internal/auth"
)

const (
	encBase = "/r/us-east-1/encoder-configurations"
	stoBase = "/r/us-east-1/storage-configurations"
	keyBase = "/r/us-east-1/public-keys"
)

func TestEncoderConfigurationsCreateAndRefusedDeleteInUse(t *testing.T) {
	w := newIngestWorld()
	enc, comp := withComposition(w)
	s := opServer(t, w)
	if d := s.get(encBase).doc(t); d.Find(`a[href="`+encBase+"/"+enc.ID+`"]`).Length() != 1 || d.Find(`a[href="`+encBase+`/new"]`).Length() != 1 {
		t.Fatal("list")
	}
	if d := s.get(encBase + "/" + enc.ID).doc(t); d.Find(`a[href="`+compBase+"/"+comp.ID+`"]`).Length() != 1 || !strings.Contains(d.Text(), "1920×1080, 30 fps, 6 Mbps") {
		t.Fatal("detail: the composition using it or the video settings are missing")
	}
	r := s.post(encBase, url.Values{"name": {"bad name"}, "width": {"4000"}}, true)
	d := r.doc(t)
	if r.Code != http.StatusUnprocessableEntity || !strings.Contains(d.Find("#err-name").Text(), "letters, digits") || !strings.Contains(d.Find("#err-width").Text(), "2 to 1920") {
		t.Fatalf("validation: %d", r.Code)
	}
	r = s.post(encBase, url.Values{"name": {"hd"}, "width": {"1920"}, "height": {"1080"}, "framerate": {"60"}, "bitrate": {"8000000"}}, true)
	if r.Code != http.StatusSeeOther || !strings.HasPrefix(r.Header().Get("Location"), encBase+"/") {
		t.Fatalf("create: %d", r.Code)
	}
	if a := lastAudit(t, s); a.Action != audit.ActionEncoderCreate || !strings.Contains(a.Detail, "1920x1080@60fps") {
		t.Fatalf("audit %+v", a)
	}
	r = s.post(encBase+"/"+enc.ID+"/delete", nil, true)
	if r.Code != http.StatusConflict || !strings.Contains(r.doc(t).Find(".alert-bad").Text(), "used by composition "+comp.ARN) {
		t.Fatalf("in use: %d %s", r.Code, r.body)
	}
	if a := lastAudit(t, s); a.Action != audit.ActionEncoderDelete || !audit.IsFailure(a.Outcome) {
		t.Fatalf("refusal audit %+v", a)
	}
	viewer := newTestServer(t, w.fake, identityWith(auth.RoleViewer))
	if r := viewer.post(encBase+"/"+enc.ID+"/delete", nil, true); r.Code != http.StatusForbidden {
		t.Errorf("viewer delete: %d", r.Code)
	}
}

func TestStorageConfigurationsCreateAndDelete(t *testing.T) {
	w := newIngestWorld()
	s := opServer(t, w)
	r := s.post(stoBase, url.Values{"bucket": {"Not_A_Bucket"}}, true)
	if r.Code != http.StatusUnprocessableEntity || !strings.Contains(r.doc(t).Find("#err-bucket").Text(), "S3 bucket name") || w.fake.Calls("CreateStorageConfiguration") != 0 {
		t.Fatalf("validation: %d", r.Code)
	}
	r = s.post(stoBase, url.Values{"name": {"archive"}, "bucket": {"program-archive"}}, true)
	loc := r.Header().Get("Location")
	if r.Code != http.StatusSeeOther || !strings.HasPrefix(loc, stoBase+"/") {
		t.Fatalf("create: %d", r.Code)
	}
	if d := s.get(loc).doc(t); !strings.Contains(d.Text(), "program-archive") {
		t.Fatal("detail")
	}
	if r := s.post(loc+"/delete", nil, true); r.Code != http.StatusSeeOther || lastAudit(t, s).Action != audit.ActionStorageDelete {
		t.Fatalf("delete: %d", r.Code)
	}
	if r := s.get(loc); r.Code != http.StatusNotFound {
		t.Errorf("deleted: %d", r.Code)
	}
}

func TestPublicKeyImportChecksThePEMAndIsForAdmins(t *testing.T) {
	w := newIngestWorld()
	k, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	der, _ := x509.MarshalPKIXPublicKey(&k.PublicKey)
	good := string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
	priv, _ := x509.MarshalECPrivateKey(k)
	private := string(pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: priv}))

	op := opServer(t, w)
	if r := op.get(keyBase + "/new"); r.Code != http.StatusForbidden {
		t.Fatalf("an operator may import keys: %d", r.Code)
	}
	if op.get(keyBase).doc(t).Find(`a[href="`+keyBase+`/new"]`).Length() != 0 {
		t.Error("an operator is offered the import")
	}
	s := newTestServer(t, w.fake, identityWith(auth.RoleAdmin))
	r := s.post(keyBase, url.Values{"name": {"signer"}, "public_key_material": {private}}, true)
	d := r.doc(t)
	if r.Code != http.StatusUnprocessableEntity || !strings.Contains(d.Find("#err-public_key_material").Text(), "private key") || w.fake.Calls("ImportPublicKey") != 0 {
		t.Fatalf("a private key: %d", r.Code)
	}
	if strings.Contains(r.body, "PRIVATE KEY-----") {
		t.Fatal("the pasted private key is echoed back")
	}
	r = s.post(keyBase, url.Values{"name": {"signer"}, "public_key_material": {good}}, true)
	loc := r.Header().Get("Location")
	if r.Code != http.StatusSeeOther || !strings.HasPrefix(loc, keyBase+"/") {
		t.Fatalf("import: %d %s", r.Code, r.body)
	}
	if a := lastAudit(t, s); a.Action != audit.ActionPublicKeyImport || strings.Contains(a.Detail, "BEGIN") {
		t.Fatalf("audit %+v", a)
	}
	r = s.post(keyBase, url.Values{"name": {"again"}, "public_key_material": {good}}, true)
	if r.Code != http.StatusConflict || !strings.Contains(r.doc(t).Find("#err-public_key_material").Text(), "already imported") {
		t.Fatalf("twice: %d", r.Code)
	}
	if d := s.get(loc).doc(t); !strings.Contains(d.Find("pre").Text(), "BEGIN PUBLIC KEY") {
		t.Fatal("the key's page does not show it")
	}
	if r := s.post(loc+"/delete", nil, true); r.Code != http.StatusSeeOther || lastAudit(t, s).Action != audit.ActionPublicKeyDelete {
		t.Fatalf("delete: %d", r.Code)
	}
}
