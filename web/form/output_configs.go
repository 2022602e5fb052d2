package form

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
)

// The create forms of encoder and storage configurations and the public key
// import, checked against the API's rules before anything is sent.

// Field names of these forms (beyond FieldName).
const (
	FieldWidth     = "width"
	FieldHeight    = "height"
	FieldFramerate = "framerate"
	FieldBitrate   = "bitrate"
	FieldBucket    = "bucket"
	FieldPEM       = "public_key_material"
)

// EncoderForm is the encoder configuration create form; empty numbers take
// IVS's defaults (1280x720, 30 fps, 2.5 Mbps).
type EncoderForm struct {
	Name                              string
	Width, Height, Framerate, Bitrate string
	width, height, bitrate            int32
	framerate                         float32
}

// ParseEncoderForm reads the form.
func ParseEncoderForm(v url.Values) EncoderForm {
	return EncoderForm{Name: strings.TrimSpace(v.Get(FieldName)), Width: strings.TrimSpace(v.Get(FieldWidth)),
		Height: strings.TrimSpace(v.Get(FieldHeight)), Framerate: strings.TrimSpace(v.Get(FieldFramerate)),
		Bitrate: strings.TrimSpace(v.Get(FieldBitrate))}
}

// Validate checks the name and the video settings against the model's
// ranges: 2-1920 pixels a side and at most 1920x1080 in all, 1-60 fps,
// 1-8,500,000 bps.
func (f *EncoderForm) Validate() Errors {
	errs := Errors{}
	checkName(errs, f.Name)
	num := func(field, s string, lo, hi int, what string) int32 {
		if s == "" {
			return 0
		}
		n, err := strconv.Atoi(s)
		if err != nil || n < lo || n > hi {
			errs.Add(field, fmt.Sprintf("%s: a whole number from %d to %d, or empty for IVS's default.", what, lo, hi))
			return 0
		}
		return int32(n)
	}
	f.width = num(FieldWidth, f.Width, 2, 1920, "Width in pixels")
	f.height = num(FieldHeight, f.Height, 2, 1920, "Height in pixels")
	f.bitrate = num(FieldBitrate, f.Bitrate, 1, 8_500_000, "Bitrate in bits per second")
	if f.Framerate != "" {
		fr, err := strconv.ParseFloat(f.Framerate, 32)
		if err != nil || fr < 1 || fr > 60 {
			errs.Add(FieldFramerate, "Frames per second: from 1 to 60, or empty for IVS's default (30).")
		}
		f.framerate = float32(fr)
	}
	if f.width != 0 && f.height != 0 && int(f.width)*int(f.height) > 1920*1080 {
		errs.Add(FieldWidth, fmt.Sprintf("%dx%d is more than IVS composes: at most 1920x1080 (or 1080x1920) in all.", f.width, f.height))
	}
	if (f.width == 0) != (f.height == 0) && !errs.Any() {
		errs.Add(FieldHeight, "Give both width and height, or neither for IVS's default 1280x720.")
	}
	return errs
}

// Values are the parsed video settings (after Validate).
func (f *EncoderForm) Values() (width, height int32, framerate float32, bitrate int32) {
	return f.width, f.height, f.framerate, f.bitrate
}

// StorageForm is the storage configuration create form.
type StorageForm struct {
	Name, Bucket string
}

// ParseStorageForm reads the form.
func ParseStorageForm(v url.Values) StorageForm {
	return StorageForm{Name: strings.TrimSpace(v.Get(FieldName)), Bucket: strings.TrimSpace(v.Get(FieldBucket))}
}

var bucketPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)

// Validate checks the name and the bucket's name (S3's naming rules: 3-63
// lower-case letters, digits, dots and hyphens).
func (f *StorageForm) Validate() Errors {
	errs := Errors{}
	checkName(errs, f.Name)
	if !bucketPattern.MatchString(f.Bucket) || strings.Contains(f.Bucket, "..") {
		errs.Add(FieldBucket, "An S3 bucket name: 3 to 63 lower-case letters, digits, dots and hyphens, starting and ending with a letter or digit. The bucket must be in this region.")
	}
	return errs
}

// PublicKeyForm is the public key import form.
type PublicKeyForm struct {
	Name, PEM string
}

// ParsePublicKeyForm reads the form.
func ParsePublicKeyForm(v url.Values) PublicKeyForm {
	return PublicKeyForm{Name: strings.TrimSpace(v.Get(FieldName)), PEM: strings.TrimSpace(strings.ReplaceAll(v.Get(FieldPEM), "\r\n", "\n")) + "\n"}
}

// maxPEM bounds the material: a P-384 public key's PEM is about 215 bytes.
const maxPEM = 4096

// Validate checks the name, and that the material is what IVS verifies
// participant tokens with: one PEM "PUBLIC KEY" block holding an ECDSA
// P-384 public key. A private key pasted by mistake is refused and named.
func (f *PublicKeyForm) Validate() Errors {
	errs := Errors{}
	checkName(errs, f.Name)
	if msg := PublicKeyProblem(f.PEM); msg != "" {
		errs.Add(FieldPEM, msg)
	}
	return errs
}

// PublicKeyProblem says what is wrong with PEM public key material ("" when
// it is an ECDSA P-384 public key).
func PublicKeyProblem(s string) string {
	if len(s) > maxPEM {
		return fmt.Sprintf("This is %d characters long; a P-384 public key in PEM is about 215.", len(s))
	}
	block, rest := pem.Decode([]byte(s))
	switch {
	case block == nil:
		return "This is not PEM: paste the whole public key, from “-----BEGIN PUBLIC KEY-----” to “-----END PUBLIC KEY-----”."
	case strings.Contains(block.Type, "PRIVATE"):
		return "This is a private key: never paste it anywhere. IVS needs only the public key (openssl ec -in private.pem -pubout)."
	case block.Type != "PUBLIC KEY":
		return "This PEM block is a “" + block.Type + "”; IVS takes a “PUBLIC KEY”."
	case strings.TrimSpace(string(rest)) != "":
		return "Paste one public key only."
	}
	key, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		return "The public key could not be read (" + err.Error() + ")."
	}
	ec, ok := key.(*ecdsa.PublicKey)
	if !ok {
		return fmt.Sprintf("This is a %T key; IVS takes an ECDSA key on the P-384 curve (openssl ecparam -name secp384r1 -genkey).", key)
	}
	if ec.Curve != elliptic.P384() {
		return "This ECDSA key is on the " + ec.Curve.Params().Name + " curve; IVS takes P-384 (secp384r1)."
	}
	return ""
}

// checkName is the resource name rule of these APIs: up to 128 letters,
// digits, hyphens and underscores (optional).
func checkName(errs Errors, name string) {
	if len(name) > 128 {
		errs.Add(FieldName, fmt.Sprintf("The name is %d characters long; IVS allows at most 128.", len(name)))
	} else if !ingestNamePattern.MatchString(name) {
		errs.Add(FieldName, "Use only letters, digits, hyphens (-) and underscores (_): no spaces or other characters.")
	}
}
