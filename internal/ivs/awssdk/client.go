// Package awssdk implements ivs.Service with the aws-sdk-go-v2 ivsrealtime
// client: one client per region, credentials from the SDK's default chain,
// and an optional base endpoint for the emulator. It is the only package that
// imports the SDK's IVS types; everything leaves it as ivs domain values.
package awssdk

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/greenroom-dev/greenroom/internal/ivs"
)

// Options configure the SDK clients.
type Options struct {
	Regions []ivs.Region
	// Endpoint, when set, is the base URL of an IVS-compatible API (the
	// emulator); static dummy credentials are used with it.
	Endpoint string
	// HTTPClient lets tests and the in-process emulator supply a transport.
	HTTPClient *http.Client
	// CallTimeout bounds one operation including the SDK's retries.
	CallTimeout time.Duration
	// MaxAttempts for idempotent calls (the SDK's standard retryer).
	MaxAttempts int
}

// Service is the SDK implementation of ivs.Service.
type Service struct {
	clients map[ivs.Region]*ivsrealtime.Client
	sts     *sts.Client
	timeout time.Duration
	creates *createGuard
	cfg     aws.Config

	accountOnce sync.Mutex
	account     string
}

var _ ivs.Service = (*Service)(nil)

// New builds one client per region from the SDK's default configuration chain.
func New(ctx context.Context, o Options) (*Service, error) {
	if len(o.Regions) == 0 {
		return nil, fmt.Errorf("awssdk: no region configured")
	}
	if o.CallTimeout == 0 {
		o.CallTimeout = 10 * time.Second
	}
	if o.MaxAttempts == 0 {
		o.MaxAttempts = 3
	}
	loadOpts := []func(*config.LoadOptions) error{
		config.WithRegion(string(o.Regions[0])),
		config.WithRetryer(func() aws.Retryer {
			return retry.NewStandard(func(so *retry.StandardOptions) { so.MaxAttempts = o.MaxAttempts })
		}),
	}
	if o.Endpoint != "" {
		// The emulator ignores signatures; never pick up real credentials for it.
		loadOpts = append(loadOpts, config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider("EMULATOR", "EMULATOR", "")))
	}
	cfg, err := config.LoadDefaultConfig(ctx, loadOpts...)
	if err != nil {
		return nil, fmt.Errorf("awssdk: load AWS configuration: %w", err)
	}
	s := &Service{clients: map[ivs.Region]*ivsrealtime.Client{}, timeout: o.CallTimeout, creates: newCreateGuard(), cfg: cfg}
	for _, r := range o.Regions {
		s.clients[r] = ivsrealtime.NewFromConfig(cfg, func(io *ivsrealtime.Options) {
			io.Region = string(r)
			if o.HTTPClient != nil {
				io.HTTPClient = o.HTTPClient
			}
			if o.Endpoint != "" {
				io.BaseEndpoint = aws.String(o.Endpoint)
			}
		})
	}
	s.sts = sts.NewFromConfig(cfg, func(so *sts.Options) {
		if o.HTTPClient != nil {
			so.HTTPClient = o.HTTPClient
		}
		if o.Endpoint != "" {
			so.BaseEndpoint = aws.String(o.Endpoint)
		}
	})
	return s, nil
}

// AWSConfig is the configuration the IVS clients were made from (the same
// credential chain), for the console's other AWS clients (SQS).
func (s *Service) AWSConfig() aws.Config { return s.cfg.Copy() }

func (s *Service) client(region ivs.Region) (*ivsrealtime.Client, error) {
	c, ok := s.clients[region]
	if !ok {
		return nil, &ivs.Error{Kind: ivs.KindNotFound, Message: fmt.Sprintf("region %s is not configured in this console", region)}
	}
	return c, nil
}

// AccountID asks STS once and remembers the answer.
func (s *Service) AccountID(ctx context.Context) (string, error) {
	s.accountOnce.Lock()
	defer s.accountOnce.Unlock()
	if s.account != "" {
		return s.account, nil
	}
	out, err := call(ctx, s, "GetCallerIdentity", "global", func(ctx context.Context) (*sts.GetCallerIdentityOutput, error) {
		return s.sts.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	})
	if err != nil {
		return "", err
	}
	s.account = aws.ToString(out.Account)
	return s.account, nil
}
