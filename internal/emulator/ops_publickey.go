package emulator

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"sort"
	"strings"
)

func init() {
	register("ImportPublicKey", opImportPublicKey, errQuota, errConflict, errPendingVerify)
	register("GetPublicKey", opGetPublicKey, errNotFound)
	register("ListPublicKeys", opListPublicKeys)
	register("DeletePublicKey", opDeletePublicKey, errNotFound, errConflict, errPendingVerify)
}

// maxPublicKeys is the emulator's public-keys-per-region quota.
const maxPublicKeys = 100

// patPublicKeyMaterial is the model's pattern; it is matched unanchored
// (it begins and ends with .*), with "." not matching newlines.
const patPublicKeyMaterial = `.*-----BEGIN PUBLIC KEY-----\r?\n([a-zA-Z0-9+/=\r\n]+)\r?\n-----END PUBLIC KEY-----(\r?\n)?.*`

const patPublicKeyArn = `arn:aws:ivs:[a-z0-9-]+:[0-9]+:public-key/[a-zA-Z0-9-]+`

var (
	rePublicKeyMaterial = whole(patPublicKeyMaterial)
	rePublicKeyArn      = whole(patPublicKeyArn)
)

type publicKey struct {
	seq           int64
	id, arn, name string
	material      string
	fingerprint   string
	tags          map[string]string
}

type publicKeyOut struct {
	Arn               string            `json:"arn"`
	Name              string            `json:"name"`
	PublicKeyMaterial string            `json:"publicKeyMaterial"`
	Fingerprint       string            `json:"fingerprint"`
	Tags              map[string]string `json:"tags"`
}

type publicKeySummaryOut struct {
	Arn  string            `json:"arn"`
	Name string            `json:"name"`
	Tags map[string]string `json:"tags"`
}

func publicKeyOutOf(k *publicKey) publicKeyOut {
	return publicKeyOut{Arn: k.arn, Name: k.name, PublicKeyMaterial: k.material, Fingerprint: k.fingerprint, Tags: emptyMap(k.tags)}
}

func (w *world) publicKeyByArn(arn string) *publicKey {
	if id, ok := w.idOf(arn, "public-key"); ok {
		return w.publicKeyByID[id]
	}
	return nil
}

type importPublicKeyReq struct {
	PublicKeyMaterial *string           `json:"publicKeyMaterial"`
	Name              *string           `json:"name"`
	Tags              map[string]string `json:"tags"`
}

// p384Fingerprint parses PEM material and returns the SHA-256 fingerprint of
// its DER if it is an ECDSA P-384 public key, as IVS requires.
func p384Fingerprint(material string) (string, error) {
	block, _ := pem.Decode([]byte(material[strings.Index(material, "-----BEGIN PUBLIC KEY-----"):]))
	if block == nil || block.Type != "PUBLIC KEY" {
		return "", validationf("The public key material is not a valid PEM-encoded public key")
	}
	key, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		return "", validationf("The public key material is not a valid PEM-encoded public key")
	}
	ec, ok := key.(*ecdsa.PublicKey)
	if !ok || ec.Curve != elliptic.P384() {
		return "", validationf("The public key must be an ECDSA public key on the P-384 curve (secp384r1)")
	}
	sum := sha256.Sum256(block.Bytes)
	parts := make([]string, len(sum))
	for i, b := range sum {
		parts[i] = hex.EncodeToString([]byte{b})
	}
	return strings.Join(parts, ":"), nil
}

func opImportPublicKey(c *call) (any, error) {
	var req importPublicKeyReq
	if err := decodeBody(c.body, &req); err != nil {
		return nil, err
	}
	var v validator
	if v.required("publicKeyMaterial", req.PublicKeyMaterial != nil) && !rePublicKeyMaterial.MatchString(*req.PublicKeyMaterial) {
		v.add(*req.PublicKeyMaterial, "publicKeyMaterial", "Member must satisfy regular expression pattern: "+patPublicKeyMaterial)
	}
	v.optStr("name", req.Name, 0, 128, reName, patName)
	v.tags("tags", req.Tags)
	if err := v.err(); err != nil {
		return nil, err
	}
	fp, err := p384Fingerprint(*req.PublicKeyMaterial)
	if err != nil {
		return nil, err
	}
	for _, k := range c.w.publicKeys {
		if k.fingerprint == fp {
			return nil, conflictf("This public key was already imported as %s", k.arn)
		}
	}
	if len(c.w.publicKeys) >= maxPublicKeys {
		return nil, quotaf("Limit of %d public keys per region reached", maxPublicKeys)
	}
	id := c.e.ids.resourceID()
	k := &publicKey{seq: c.e.nextSeq(), id: id, arn: c.w.arn("public-key", id), name: deref(req.Name),
		material: *req.PublicKeyMaterial, fingerprint: fp, tags: copyMap(req.Tags)}
	c.w.publicKeys = append(c.w.publicKeys, k)
	c.w.publicKeyByID[id] = k
	return publicKeyResp{publicKeyOutOf(k)}, nil
}

type publicKeyResp struct {
	PublicKey publicKeyOut `json:"publicKey"`
}

func (c *call) publicKeyArg(arn *string) (*publicKey, error) {
	return lookupArn("arn", arn, rePublicKeyArn, patPublicKeyArn, c.w.publicKeyByArn, "Public key")
}

func opGetPublicKey(c *call) (any, error) {
	var req arnReq
	if err := decodeBody(c.body, &req); err != nil {
		return nil, err
	}
	k, err := c.publicKeyArg(req.Arn)
	if err != nil {
		return nil, err
	}
	return publicKeyResp{publicKeyOutOf(k)}, nil
}

func opListPublicKeys(c *call) (any, error) {
	var req listReq
	if err := decodeBody(c.body, &req); err != nil {
		return nil, err
	}
	var v validator
	v.nextToken(req.NextToken)
	v.maxResults(req.MaxResults)
	if err := v.err(); err != nil {
		return nil, err
	}
	pg, err := c.page(scopeOf("ListPublicKeys"), req.MaxResults, req.NextToken)
	if err != nil {
		return nil, err
	}
	list := c.w.publicKeys
	i := 0
	if pg.has {
		i = sort.Search(len(list), func(i int) bool { return list[i].seq > pg.after })
	}
	out := make([]publicKeySummaryOut, 0, min(pg.limit, len(list)))
	var last int64
	for ; i < len(list) && len(out) < pg.limit; i++ {
		out = append(out, publicKeySummaryOut{Arn: list[i].arn, Name: list[i].name, Tags: emptyMap(list[i].tags)})
		last = list[i].seq
	}
	return struct {
		PublicKeys []publicKeySummaryOut `json:"publicKeys"`
		NextToken  *string               `json:"nextToken,omitempty"`
	}{out, c.next(pg, i < len(list), last)}, nil
}

// opDeletePublicKey deletes the key. The emulator does not verify token
// signatures, so nothing depends on a key and no ConflictException arises.
func opDeletePublicKey(c *call) (any, error) {
	var req arnReq
	if err := decodeBody(c.body, &req); err != nil {
		return nil, err
	}
	k, err := c.publicKeyArg(req.Arn)
	if err != nil {
		return nil, err
	}
	i := sort.Search(len(c.w.publicKeys), func(i int) bool { return c.w.publicKeys[i].seq >= k.seq })
	if i < len(c.w.publicKeys) && c.w.publicKeys[i] == k {
		c.w.publicKeys = append(c.w.publicKeys[:i], c.w.publicKeys[i+1:]...)
	}
	delete(c.w.publicKeyByID, k.id)
	return nil, nil
}
