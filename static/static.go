// Package static embeds the built front-end assets (dist/) into the binary.
// They are built by `make assets` from src/ and committed, so a plain
// `go build` works from a clean clone.
package static

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
)

// FS holds dist/: app.css, app.js and htmx.
//
//go:embed dist
var FS embed.FS

// Dist is FS rooted at dist/.
var Dist, _ = fs.Sub(FS, "dist")

var versions = map[string]string{}

func init() {
	// A content hash in each asset URL lets browsers cache assets for a year
	// and still pick up a new build at once.
	entries, _ := fs.ReadDir(Dist, ".")
	for _, e := range entries {
		b, err := fs.ReadFile(Dist, e.Name())
		if err == nil {
			sum := sha256.Sum256(b)
			versions[e.Name()] = hex.EncodeToString(sum[:6])
		}
	}
}

// URL is the versioned address of an asset, e.g. /static/app.css?v=1a2b3c.
func URL(name string) string { return "/static/" + name + "?v=" + versions[name] }
