package auth

import (
	"context"
	"crypto"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/MicahParks/keyfunc/v3"
	"github.com/golang-jwt/jwt/v5"
	"golang.org/x/time/rate"
)

// keySource finds the key that should have signed a token.
type keySource interface {
	keyfunc(ctx context.Context) jwt.Keyfunc
	close()
}

// jwksKeys follows a JWKS URL: fetched at start (failure tolerated), refreshed
// every interval, and refreshed early when a token names an unknown key id,
// which is how a rotation shows up. Early refreshes are rate limited so
// tokens with made-up key ids cannot hammer the identity provider.
type jwksKeys struct {
	kf     keyfunc.Keyfunc
	cancel context.CancelFunc
}

// unknownKIDRefresh bounds early refreshes; the burst lets a rotation be
// picked up at once.
const unknownKIDRefresh = 30 * time.Second

func newJWKSKeys(url string, client *http.Client, every time.Duration, log *slog.Logger) (*jwksKeys, error) {
	ctx, cancel := context.WithCancel(context.Background())
	kf, err := keyfunc.NewDefaultOverrideCtx(ctx, []string{url}, keyfunc.Override{
		Client:          client,
		HTTPTimeout:     client.Timeout,
		RefreshInterval: every,
		// Never make a request wait for the limiter: fail it instead.
		RateLimitWaitMax:  time.Millisecond,
		RefreshUnknownKID: rate.NewLimiter(rate.Every(unknownKIDRefresh), 1),
		RefreshErrorHandlerFunc: func(u string) func(context.Context, error) {
			return func(ctx context.Context, err error) {
				log.WarnContext(ctx, "auth: JWKS refresh failed", "url", u, "error", err)
			}
		},
	})
	if err != nil {
		cancel()
		return nil, err
	}
	return &jwksKeys{kf: kf, cancel: cancel}, nil
}

// keyfunc finds the key by kid (refreshing the set on an unknown one), or
// tries every key when the token names none, in both cases only keys that
// may verify signatures: a key published with "use": "enc" is for
// encryption and is skipped, whatever the token says.
func (k *jwksKeys) keyfunc(ctx context.Context) jwt.Keyfunc {
	inner := k.kf.KeyfuncCtx(ctx)
	return func(t *jwt.Token) (any, error) {
		if _, named := t.Header["kid"]; !named {
			return k.signingKeys(ctx)
		}
		key, err := inner(t) // also refuses a kid that is not a string
		if err != nil {
			return nil, err
		}
		kid, _ := t.Header["kid"].(string)
		jwk, err := k.kf.Storage().KeyRead(ctx, kid)
		if err != nil {
			return nil, err
		}
		if use := jwk.Marshal().USE; use != "" && use != "sig" {
			return nil, fmt.Errorf("key %q is for %q, not for signatures", kid, use)
		}
		return key, nil
	}
}

// signingKeys is every key of the set that may verify signatures.
func (k *jwksKeys) signingKeys(ctx context.Context) (jwt.VerificationKeySet, error) {
	all, err := k.kf.Storage().KeyReadAll(ctx)
	if err != nil {
		return jwt.VerificationKeySet{}, err
	}
	var set jwt.VerificationKeySet
	for _, j := range all {
		if use := j.Marshal().USE; use != "" && use != "sig" {
			continue
		}
		key := j.Key()
		if pk, ok := key.(interface{ Public() crypto.PublicKey }); ok {
			key = pk.Public()
		}
		set.Keys = append(set.Keys, key)
	}
	if len(set.Keys) == 0 {
		return set, errors.New("no signature key in the JWKS")
	}
	return set, nil
}

func (k *jwksKeys) close() { k.cancel() }
