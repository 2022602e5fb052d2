// Package config reads the console's settings from flags and GREENROOM_*
// environment variables (a flag wins over its variable), and validates them
// at start so that a wrong value stops the console with one clear line.
package config

import (
	"errors"
	"flag"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/greenroom-dev/greenroom/internal/ivs"
	"github.com/greenroom-dev/greenroom/internal/notify"
)

// Config is the validated configuration.
type Config struct {
	Addr        string
	Backend     string // emulator | aws
	Regions     []ivs.Region
	IVSEndpoint string // external IVS-compatible endpoint (an emulator elsewhere)
	Seed        string // demo | empty, for the embedded emulator

	Auth AuthConfig
	// PublicURL is the console's address as browsers see it (an origin:
	// scheme and host); state-changing requests must come from it. Empty:
	// the request's own host and scheme, as told by trusted proxies.
	PublicURL string
	// DevAuthAgainstAWS allows dev mode (everyone on this machine is the
	// admin) with -backend aws.
	DevAuthAgainstAWS bool

	SessionKeys  [][]byte // first signs; all verify (rotation)
	CookieSecure string   // auto | always | never
	SessionTTL   time.Duration

	AuditDB        string
	AuditRetention time.Duration
	// Database is a PostgreSQL URL: the store shared by several replicas
	// (audit log, history, alert state, the live model). Empty: SQLite at
	// AuditDB, for one replica.
	Database string
	// RedisURL is where the replicas share one IVS call budget (empty:
	// each replica spends its share, the budget divided by Replicas).
	RedisURL string
	// Replicas is how many replicas run; a replica that cannot reach Redis
	// spends 1/Replicas of the budget.
	Replicas int
	// ReplicaID names this replica to operators (default host:port).
	ReplicaID string
	// EventsQueues are the SQS queues that receive IVS's EventBridge
	// events, by region ("emulator": the embedded emulator's queue in
	// every region). Empty: the watcher polls.
	EventsQueues map[ivs.Region]string
	// EventsQueueEmulator is set by -events-queue-url emulator.
	EventsQueueEmulator bool
	eventsQueues        []string
	// ReconcileEvery is how often a region fed by events is swept anyway.
	ReconcileEvery time.Duration
	// HistoryRetention is how long the board's history (transitions,
	// samples, alert deliveries) is kept; it lives in the audit database.
	HistoryRetention time.Duration
	// NotifyWebhooks receive a message per alert transition.
	NotifyWebhooks []string

	CacheOff    bool
	CallRate    float64 // IVS calls per second per operation and region
	CallBurst   int
	CallTimeout time.Duration
	// The watcher of live stages (the ops board): its own share of the
	// call budget, and the shortest time between two sweeps of a region.
	WatchRate     float64
	WatchCadence  time.Duration
	LogLevel      string
	LogFormat     string // json | text
	ShutdownGrace time.Duration
	DebugAddr     string // loopback address for pprof; "" = off
}

// AuthConfig holds the identity settings (see internal/auth).
type AuthConfig struct {
	Mode           string // dev | proxy | jwt
	TrustedProxies string
	ProxyPreset    string
	UserHeader     string
	EmailHeader    string
	GroupsHeader   string
	GroupSeparator string
	JWTPreset      string // pomerium | cloudflare | alb | custom
	JWTHeader      string
	JWKSURL        string
	JWTKeyFile     string
	JWTIssuer      string
	JWTAudience    string
	EmailClaim     string
	GroupsClaim    string
	CloudflareTeam string
	ALBRegion      string
	ALBArn         string
	RoleMap        string
	DefaultRole    string

	// TrustedNetworks is TrustedProxies parsed: the peers whose identity
	// and forwarding headers (X-Forwarded-For, -Proto, -Host, X-Request-Id)
	// are believed.
	TrustedNetworks []netip.Prefix
}

// Backends allowed for -backend.
var Backends = []string{"emulator", "aws"}

// Load parses args (without the program name) and the environment.
func Load(args []string, getenv func(string) string) (*Config, error) {
	c := &Config{}
	fs := flag.NewFlagSet("greenroom", flag.ContinueOnError)
	fs.SetOutput(new(strings.Builder))
	s, regions, keys := register(fs, getenv, c)
	if err := fs.Parse(args); err != nil {
		return nil, fmt.Errorf("%s", strings.TrimSpace(strings.SplitN(err.Error(), "\n", 2)[0]))
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q (settings are flags like -addr 127.0.0.1:8080)", fs.Arg(0))
	}
	if err := s.err(); err != nil {
		return nil, err
	}
	for _, r := range splitList(*regions) {
		c.Regions = append(c.Regions, ivs.Region(r))
	}
	for _, k := range splitList(*keys) {
		b, err := decodeKey(k)
		if err != nil {
			return nil, fmt.Errorf("-session-keys (GREENROOM_SESSION_KEYS): %v", err)
		}
		c.SessionKeys = append(c.SessionKeys, b)
	}
	nets, err := parseNetworks(c.Auth.TrustedProxies)
	if err != nil {
		return nil, err
	}
	c.Auth.TrustedNetworks = nets
	return c, c.validate()
}

// parseNetworks reads -trusted-proxies: addresses or CIDRs. A prefix of
// length 0 (0.0.0.0/0, ::/0) is refused rather than warned about: it makes
// every peer on the internet a trusted proxy, so anyone could assert any
// identity (proxy mode), client address and scheme. No set-up needs it: a
// proxy's addresses can always be listed.
func parseNetworks(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, p := range splitList(s) {
		if !strings.Contains(p, "/") {
			if a, err := netip.ParseAddr(p); err == nil {
				a = a.Unmap()
				out = append(out, netip.PrefixFrom(a, a.BitLen()))
				continue
			}
		}
		pr, err := netip.ParsePrefix(p)
		if err != nil {
			return nil, fmt.Errorf("-trusted-proxies (GREENROOM_TRUSTED_PROXIES): %q is not an address or CIDR like 10.0.0.0/8", p)
		}
		if pr.Bits() == 0 {
			return nil, fmt.Errorf("-trusted-proxies (GREENROOM_TRUSTED_PROXIES): %q trusts every address, so any client could claim an identity and an address: list your proxies' addresses, e.g. 10.0.0.5/32", p)
		}
		out = append(out, pr.Masked())
	}
	return out, nil
}

func (c *Config) validate() error {
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		return fmt.Errorf("-addr (GREENROOM_ADDR): %q is not host:port", c.Addr)
	}
	if !slices.Contains(Backends, c.Backend) {
		return fmt.Errorf("-backend (GREENROOM_BACKEND): %q is not allowed (want emulator or aws)", c.Backend)
	}
	if len(c.Regions) == 0 {
		if c.Backend == "aws" {
			c.Regions = []ivs.Region{"us-east-1"}
		} else {
			c.Regions = []ivs.Region{"us-east-1", "eu-west-1"}
		}
	}
	for _, r := range c.Regions {
		if !ivs.ValidRegion(string(r)) {
			return fmt.Errorf("-region (GREENROOM_REGION): %q is not a region code like us-east-1", r)
		}
	}
	if c.IVSEndpoint != "" {
		u, err := url.Parse(c.IVSEndpoint)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("-ivs-endpoint (GREENROOM_IVS_ENDPOINT): %q is not an http(s) URL", c.IVSEndpoint)
		}
	}
	if c.Seed != "demo" && c.Seed != "empty" {
		return fmt.Errorf("-emulator-seed (GREENROOM_EMULATOR_SEED): %q is not allowed (want demo or empty)", c.Seed)
	}
	if !slices.Contains([]string{"auto", "always", "never"}, c.CookieSecure) {
		return fmt.Errorf("-cookie-secure (GREENROOM_COOKIE_SECURE): %q is not allowed (want auto, always or never)", c.CookieSecure)
	}
	if c.Auth.Mode == "dev" && c.Backend == "aws" && !c.DevAuthAgainstAWS {
		return errors.New("-auth (GREENROOM_AUTH): dev mode makes everyone who reaches this machine's loopback the admin of the real AWS account (-backend aws): use -auth proxy or jwt, or add -dev-auth-against-aws-i-know-what-i-am-doing")
	}
	if c.PublicURL != "" {
		u, err := url.Parse(c.PublicURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil ||
			(u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || u.Opaque != "" {
			return fmt.Errorf("-public-url (GREENROOM_PUBLIC_URL): %q is not an origin like https://greenroom.example.com (scheme and host, no path)", c.PublicURL)
		}
	}
	if c.Auth.Mode != "dev" && len(c.SessionKeys) == 0 {
		return errors.New("-session-keys (GREENROOM_SESSION_KEYS): required outside dev mode, so sessions survive restarts and replicas agree")
	}
	if c.CallRate <= 0 || c.CallRate > 5 {
		return fmt.Errorf("-ivs-call-rate (GREENROOM_IVS_CALL_RATE): %v is outside (0, 5]: AWS allows 5 calls per second per operation", c.CallRate)
	}
	if c.CallBurst < 1 {
		return fmt.Errorf("-ivs-call-burst (GREENROOM_IVS_CALL_BURST): must be at least 1")
	}
	if err := c.validateCluster(); err != nil {
		return err
	}
	if err := c.validateEvents(); err != nil {
		return err
	}
	if c.HistoryRetention < 48*time.Hour {
		return fmt.Errorf("-history-retention (GREENROOM_HISTORY_RETENTION): %v is too short (at least 48h, so that alerts pending delivery are kept)", c.HistoryRetention)
	}
	for _, u := range c.NotifyWebhooks {
		if err := notify.CheckTarget(u); err != nil {
			return fmt.Errorf("-notify-webhook (GREENROOM_NOTIFY_WEBHOOK): %v", err)
		}
	}
	if c.WatchRate <= 0 || c.WatchRate > 5 {
		return fmt.Errorf("-watch-call-rate (GREENROOM_WATCH_CALL_RATE): %v is outside (0, 5]: AWS allows 5 calls per second per operation", c.WatchRate)
	}
	if c.WatchCadence < time.Second || c.WatchCadence > 5*time.Minute {
		return fmt.Errorf("-watch-min-cadence (GREENROOM_WATCH_MIN_CADENCE): %v is outside 1s to 5m", c.WatchCadence)
	}
	if c.CallTimeout < time.Second {
		return fmt.Errorf("-ivs-timeout (GREENROOM_IVS_TIMEOUT): %v is too short (at least 1s)", c.CallTimeout)
	}
	if !slices.Contains([]string{"debug", "info", "warn", "error"}, c.LogLevel) {
		return fmt.Errorf("-log-level (GREENROOM_LOG_LEVEL): %q is not allowed (want debug, info, warn or error)", c.LogLevel)
	}
	if c.DebugAddr != "" {
		host, _, err := net.SplitHostPort(c.DebugAddr)
		if ip := net.ParseIP(host); err != nil || (host != "localhost" && (ip == nil || !ip.IsLoopback())) {
			return fmt.Errorf("-debug-addr (GREENROOM_DEBUG_ADDR): %q must be a loopback host:port (profiles reveal internals)", c.DebugAddr)
		}
	}
	if c.LogFormat != "json" && c.LogFormat != "text" {
		return fmt.Errorf("-log-format (GREENROOM_LOG_FORMAT): %q is not allowed (want json or text)", c.LogFormat)
	}
	return nil
}

// sqsHost is the region of an AWS SQS queue URL's host.
var sqsHost = regexp.MustCompile(`^sqs\.([a-z]{2}(?:-gov)?-[a-z]+-\d)\.amazonaws\.com$`)

// validateEvents reads -events-queue-url into EventsQueues.
func (c *Config) validateEvents() error {
	const name = "-events-queue-url (GREENROOM_EVENTS_QUEUE_URL)"
	if c.ReconcileEvery < 10*time.Second || c.ReconcileEvery > time.Hour {
		return fmt.Errorf("-watch-reconcile-every (GREENROOM_WATCH_RECONCILE_EVERY): %v is outside 10s to 1h", c.ReconcileEvery)
	}
	c.EventsQueues = map[ivs.Region]string{}
	for _, v := range c.eventsQueues {
		if v == "emulator" {
			if !c.Emulated() || c.IVSEndpoint != "" {
				return errors.New(name + ": \"emulator\" names the embedded emulator's queue; with -backend aws or -ivs-endpoint give the queue's URL")
			}
			c.EventsQueueEmulator = true
			continue
		}
		region, raw, explicit := strings.Cut(v, "=")
		if !explicit {
			raw, region = v, ""
		}
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil {
			return fmt.Errorf("%s: %q is not a queue URL like https://sqs.us-east-1.amazonaws.com/123456789012/ivs-events", name, v)
		}
		if region == "" {
			m := sqsHost.FindStringSubmatch(u.Hostname())
			if m == nil {
				return fmt.Errorf("%s: the region of %q cannot be told from its host: write region=URL", name, v)
			}
			region = m[1]
		}
		r := ivs.Region(region)
		if !slices.Contains(c.Regions, r) {
			return fmt.Errorf("%s: %s is not one of the regions shown (-region)", name, region)
		}
		if _, dup := c.EventsQueues[r]; dup {
			return fmt.Errorf("%s: two queues for %s", name, region)
		}
		c.EventsQueues[r] = raw
	}
	return nil
}

// validateCluster checks the settings of several replicas.
func (c *Config) validateCluster() error {
	if c.Database != "" {
		u, err := url.Parse(c.Database)
		if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") || u.Host == "" {
			return errors.New("-database (GREENROOM_DATABASE): not a PostgreSQL URL like postgres://greenroom@db.internal:5432/greenroom")
		}
	}
	if c.RedisURL != "" {
		u, err := url.Parse(c.RedisURL)
		if err != nil || (u.Scheme != "redis" && u.Scheme != "rediss") || u.Host == "" {
			return errors.New("-redis-url (GREENROOM_REDIS_URL): not a Redis URL like redis://redis.internal:6379/0")
		}
	}
	if c.Replicas < 1 || c.Replicas > 50 {
		return fmt.Errorf("-replicas (GREENROOM_REPLICAS): %d is outside 1 to 50", c.Replicas)
	}
	if c.Replicas > 1 && c.Database == "" {
		return fmt.Errorf("-replicas (GREENROOM_REPLICAS): %d replicas need a shared store: set -database to a PostgreSQL URL (SQLite serves one replica)", c.Replicas)
	}
	return nil
}

// Emulated reports whether the console talks to an emulator, not AWS.
func (c *Config) Emulated() bool { return c.Backend == "emulator" }

// Reference lists every setting, for the generated configuration reference
// (docs/configuration.md is checked against it by a test).
func Reference() []Setting {
	s, _, _ := register(flag.NewFlagSet("greenroom", flag.ContinueOnError), func(string) string { return "" }, &Config{})
	return s.list
}

// register declares every setting once; Load and Reference share it.
func register(fs *flag.FlagSet, getenv func(string) string, c *Config) (s *settings, regions, keys *string) {
	s = newSettings(fs, getenv)

	s.str(&c.Addr, "addr", "127.0.0.1:8080", "address the console listens on (host:port)")
	s.str(&c.Backend, "backend", "emulator", "where IVS calls go: emulator (embedded demo world) or aws")
	regions = s.strv("region", "", "comma-separated IVS regions to show (default: us-east-1,eu-west-1 on the emulator, us-east-1 on aws)")
	s.str(&c.IVSEndpoint, "ivs-endpoint", "", "base URL of an external IVS-compatible API, e.g. http://127.0.0.1:4566 (skips the embedded emulator)")
	s.str(&c.Seed, "emulator-seed", "demo", "world of the embedded emulator: demo or empty")

	s.str(&c.Auth.Mode, "auth", "dev", "identity mode: dev (local admin, loopback only), proxy (trusted headers) or jwt (signed assertion)")
	s.boolean(&c.DevAuthAgainstAWS, "dev-auth-against-aws-i-know-what-i-am-doing", false, "allow -auth dev with -backend aws: everyone who reaches the loopback listener is the admin of the real account")
	s.str(&c.Auth.TrustedProxies, "trusted-proxies", "", "comma-separated CIDRs of the reverse proxies whose identity and forwarding headers (X-Forwarded-For, -Proto, -Host, X-Request-Id) are trusted; 0.0.0.0/0 is refused")
	s.str(&c.PublicURL, "public-url", "", "the console's address as browsers see it, e.g. https://greenroom.example.com: POSTs whose Origin is another site are refused (empty: the request's own host and scheme)")
	s.str(&c.Auth.ProxyPreset, "proxy-preset", "oauth2-proxy", "proxy mode: header family: oauth2-proxy (X-Forwarded-*), authelia (Remote-*) or authentik (X-Authentik-*)")
	s.str(&c.Auth.UserHeader, "auth-user-header", "", "proxy mode: header with the user name (default from the preset)")
	s.str(&c.Auth.EmailHeader, "auth-email-header", "", "proxy mode: header with the e-mail (default from the preset)")
	s.str(&c.Auth.GroupsHeader, "auth-groups-header", "", "proxy mode: header with the groups (default from the preset)")
	s.str(&c.Auth.GroupSeparator, "auth-group-separator", "", "separator of the groups header and of a string groups claim (default from the preset: \",\" for oauth2-proxy and Authelia, \"|\" for authentik)")
	s.str(&c.Auth.JWTPreset, "jwt-preset", "", "jwt mode: pomerium, cloudflare, alb, or empty for a generic issuer")
	s.str(&c.Auth.JWTHeader, "jwt-header", "", "jwt mode: header carrying the assertion (preset default)")
	s.str(&c.Auth.JWKSURL, "jwks-url", "", "jwt mode: JWKS URL to verify assertions")
	s.str(&c.Auth.JWTKeyFile, "jwt-key-file", "", "jwt mode: PEM public key file, instead of a JWKS URL")
	s.str(&c.Auth.JWTIssuer, "jwt-issuer", "", "jwt mode: required issuer (iss)")
	s.str(&c.Auth.JWTAudience, "jwt-audience", "", "jwt mode: required audience (aud); the Cloudflare Access AUD tag")
	s.str(&c.Auth.EmailClaim, "jwt-email-claim", "email", "jwt mode: claim with the e-mail")
	s.str(&c.Auth.GroupsClaim, "jwt-groups-claim", "groups", "jwt mode: claim with the groups")
	s.str(&c.Auth.CloudflareTeam, "cloudflare-team", "", "cloudflare preset: the Access team name (<team>.cloudflareaccess.com)")
	s.str(&c.Auth.ALBRegion, "alb-region", "", "alb preset: region of the load balancer (its key URL is built from it)")
	s.str(&c.Auth.ALBArn, "alb-arn", "", "alb preset: ARN of the load balancer that must have signed the assertion")
	s.str(&c.Auth.RoleMap, "role-map", "", "group-to-role mapping, e.g. \"ivs-admins=admin,ivs-ops=operator,ivs-ops=keyholder,staff=viewer\"")
	s.str(&c.Auth.DefaultRole, "default-role", "", "role for authenticated users whose groups map to none (empty: no access)")

	keys = s.strv("session-keys", "", "comma-separated session keys (32+ bytes each, hex or base64); the first signs, all verify. Empty: random per start (dev only)")
	s.str(&c.CookieSecure, "cookie-secure", "auto", "Secure cookies: auto (when TLS or X-Forwarded-Proto https from a trusted proxy), always or never")
	s.dur(&c.SessionTTL, "session-ttl", 12*time.Hour, "session cookie lifetime")

	s.str(&c.AuditDB, "audit-db", "greenroom-audit.db", "path of the SQLite audit log")
	s.str(&c.Database, "database", "", "PostgreSQL URL (postgres://user:pass@host/db) of the store several replicas share: audit log, board history, alerts, the live model; empty: SQLite at -audit-db, one replica")
	s.str(&c.RedisURL, "redis-url", "", "Redis or Valkey URL (redis://host:6379/0) where the replicas share one IVS call budget; empty: each replica spends the budget divided by -replicas")
	s.integer(&c.Replicas, "replicas", 1, "how many replicas of the console run (each spends 1/replicas of the call budget when Redis is not set or not reachable)")
	s.str(&c.ReplicaID, "replica-id", "", "this replica's name on /readyz and in logs (default: host name and port)")
	s.dur(&c.AuditRetention, "audit-retention", 400*24*time.Hour, "how long audit events are kept (0: forever)")
	s.dur(&c.HistoryRetention, "history-retention", 90*24*time.Hour, "how long the board's history (transitions, samples, alert deliveries) is kept; at least 48h")
	s.strs(&c.NotifyWebhooks, "notify-webhook", "URL that receives a JSON message (Slack-compatible) for each alert and each recovery; the URL is a secret and is never logged")

	s.boolean(&c.CacheOff, "cache-off", false, "turn off caching and coalescing of IVS reads (for baselines only)")
	s.float(&c.CallRate, "ivs-call-rate", 2, "IVS calls per second per operation and region the console may spend (AWS allows 5, shared with your backend)")
	s.integer(&c.CallBurst, "ivs-call-burst", 2, "burst of the per-operation call budget")
	s.dur(&c.CallTimeout, "ivs-timeout", 10*time.Second, "timeout of one IVS call, retries included")
	s.float(&c.WatchRate, "watch-call-rate", 1, "IVS calls per second per operation and region the watcher of live stages may spend, on top of -ivs-call-rate (the two together at most 5)")
	s.strs(&c.eventsQueues, "events-queue-url", "SQS queue URL that receives IVS's EventBridge events (source aws.ivs), per region: https://sqs.us-east-1.amazonaws.com/123456789012/ivs-events, or region=URL; \"emulator\" for the embedded emulator's queue in every region. The watcher then applies events as they come and sweeps only to reconcile")
	s.dur(&c.ReconcileEvery, "watch-reconcile-every", 2*time.Minute, "with events: how often a region is swept anyway, to correct what events missed (AWS delivers them on a best-effort basis)")
	s.dur(&c.WatchCadence, "watch-min-cadence", 2*time.Second, "shortest time between two sweeps of a region by the watcher (more live stages make sweeps longer)")
	s.str(&c.LogLevel, "log-level", "info", "log level: debug, info, warn or error")
	s.str(&c.LogFormat, "log-format", "json", "log format: json or text")
	s.dur(&c.ShutdownGrace, "shutdown-grace", 15*time.Second, "how long in-flight requests may finish on shutdown")
	s.str(&c.DebugAddr, "debug-addr", "", "loopback address serving Go's pprof profiles (/debug/pprof/), e.g. 127.0.0.1:6060; empty: off")

	return s, regions, keys
}

// BudgetWarning says, when the pages' and the watcher's shares of the call
// budget add up to more than AWS allows, what that means ("" otherwise).
// It is allowed (an emulator has no quota) but never silently.
func (c *Config) BudgetWarning() string {
	if c.CallRate+c.WatchRate <= 5 {
		return ""
	}
	return fmt.Sprintf("-ivs-call-rate %v plus -watch-call-rate %v is more than the 5 calls per second per operation AWS allows: against AWS, IVS will throttle the console and your own backend", c.CallRate, c.WatchRate)
}

// Getenv is os.Getenv, the default source of GREENROOM_* variables.
var Getenv = os.Getenv
