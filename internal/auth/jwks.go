package auth

import (
	"context"
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

func (k *jwksKeys) keyfunc(ctx context.Context) jwt.Keyfunc { return k.kf.KeyfuncCtx(ctx) }
func (k *jwksKeys) close()                                  { k.cancel() }
