package auth

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"golang.org/x/time/rate"
)

// albKidRE admits key ids that are a single safe path segment: ALB key ids
// are UUIDs, and the kid comes from the (not yet verified) token, so it must
// not be able to steer the key URL elsewhere ("../", "?", "%2f", "@").
var albKidRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,128}$`)

const albMaxCachedKeys = 64

// albKeys fetches ALB signing keys from base/<kid>. The URL is built only
// from configuration and a validated kid, never from token claims. Keys are
// immutable per kid, so they are cached without expiry (bounded in number).
type albKeys struct {
	base   string // configured; no trailing slash
	signer string // the load balancer ARN every token's "signer" must equal
	client *http.Client
	// fetches of unknown kids are rate limited: anyone can mint a header with
	// our ARN as signer and a random kid.
	limiter *rate.Limiter

	mu   sync.RWMutex
	keys map[string]*ecdsa.PublicKey

	fetchMu sync.Mutex // one fetch at a time; the cache is re-read after it
}

func newALBKeys(base, signer string, client *http.Client) *albKeys {
	return &albKeys{
		base:    strings.TrimRight(base, "/"),
		signer:  signer,
		client:  client,
		limiter: rate.NewLimiter(rate.Every(time.Second), 5),
		keys:    map[string]*ecdsa.PublicKey{},
	}
}

func (k *albKeys) close() {}

func (k *albKeys) keyfunc(ctx context.Context) jwt.Keyfunc {
	return func(t *jwt.Token) (any, error) {
		if s, _ := t.Header["signer"].(string); s != k.signer {
			return nil, errors.New("signer is not the configured load balancer")
		}
		kid, _ := t.Header["kid"].(string)
		if !albKidRE.MatchString(kid) {
			return nil, errors.New("kid is not a safe key id")
		}
		return k.key(ctx, kid)
	}
}

func (k *albKeys) cached(kid string) *ecdsa.PublicKey {
	k.mu.RLock()
	defer k.mu.RUnlock()
	return k.keys[kid]
}

func (k *albKeys) key(ctx context.Context, kid string) (*ecdsa.PublicKey, error) {
	if key := k.cached(kid); key != nil {
		return key, nil
	}
	k.fetchMu.Lock()
	defer k.fetchMu.Unlock()
	if key := k.cached(kid); key != nil {
		return key, nil
	}
	if !k.limiter.Allow() {
		return nil, errors.New("ALB key fetch rate limited")
	}
	key, err := k.fetch(ctx, kid)
	if err != nil {
		return nil, err
	}
	k.mu.Lock()
	if len(k.keys) >= albMaxCachedKeys {
		clear(k.keys) // rare: ALB rotates keys slowly; refetching is cheap
	}
	k.keys[kid] = key
	k.mu.Unlock()
	return key, nil
}

func (k *albKeys) fetch(ctx context.Context, kid string) (*ecdsa.PublicKey, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, k.base+"/"+kid, nil)
	if err != nil {
		return nil, err
	}
	resp, err := k.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("fetch ALB key: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("fetch ALB key: HTTP %d", resp.StatusCode)
	}
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("fetch ALB key: %w", err)
	}
	key, err := parsePublicKeyPEM(string(body))
	if err != nil {
		return nil, fmt.Errorf("ALB key: %w", err)
	}
	ec, ok := key.(*ecdsa.PublicKey)
	if !ok {
		return nil, fmt.Errorf("ALB key is %T, want ECDSA", key)
	}
	return ec, nil
}
