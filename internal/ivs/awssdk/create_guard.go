package awssdk

import (
	"context"
	"maps"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime"

	"github.com/greenroom-dev/greenroom/internal/ivs"
)

const createMemory = 15 * time.Minute

// createGuard remembers, per region and idempotency key, the configuration a
// create produced, and makes concurrent creates with the same key wait for
// the first one: a double-clicked submit yields one configuration.
type createGuard struct {
	mu   sync.Mutex
	done map[string]createResult
	busy map[string]chan struct{}
}

type createResult struct {
	arn string
	at  time.Time
}

func newCreateGuard() *createGuard {
	return &createGuard{done: map[string]createResult{}, busy: map[string]chan struct{}{}}
}

func (g *createGuard) do(region ivs.Region, key string, create func() (string, error)) (string, error) {
	k := string(region) + "\x00" + key
	for {
		g.mu.Lock()
		if r, ok := g.done[k]; ok && time.Since(r.at) < createMemory {
			g.mu.Unlock()
			return r.arn, nil
		}
		if wait, ok := g.busy[k]; ok {
			g.mu.Unlock()
			<-wait
			continue
		}
		ch := make(chan struct{})
		g.busy[k] = ch
		g.expireLocked()
		g.mu.Unlock()

		arn, err := create()
		g.mu.Lock()
		delete(g.busy, k)
		if err == nil {
			g.done[k] = createResult{arn: arn, at: time.Now()}
		}
		g.mu.Unlock()
		close(ch)
		return arn, err
	}
}

func (g *createGuard) expireLocked() {
	for k, r := range g.done {
		if time.Since(r.at) >= createMemory {
			delete(g.done, k)
		}
	}
}

// createReconciled creates once; when the outcome is unknown (a 5xx or a
// timeout: the request may have been applied), it looks for a configuration
// tagged with the key before trying again, so a lost response never becomes
// a duplicate.
func (s *Service) createReconciled(ctx context.Context, c *ivsrealtime.Client, region ivs.Region, in ivs.CreateIngestInput) (ivs.IngestConfiguration, error) {
	const attempts = 3
	var err error
	for i := 0; i < attempts; i++ {
		if i > 0 {
			if found, ferr := s.findByIdempotencyKey(ctx, region, in); ferr == nil && found != "" {
				return ivs.IngestConfiguration{ARN: found}, nil
			}
			select {
			case <-ctx.Done():
				return ivs.IngestConfiguration{}, err
			case <-time.After(time.Duration(i) * 300 * time.Millisecond):
			}
		}
		var ic ivs.IngestConfiguration
		ic, err = s.createOnce(ctx, c, region, in)
		if err == nil {
			return ic, nil
		}
		switch ivs.KindOf(err) {
		case ivs.KindUnavailable:
			continue // ambiguous: maybe applied
		case ivs.KindThrottled:
			continue // refused before it was applied: safe to retry
		default:
			return ivs.IngestConfiguration{}, err
		}
	}
	if found, ferr := s.findByIdempotencyKey(ctx, region, in); ferr == nil && found != "" {
		return ivs.IngestConfiguration{ARN: found}, nil
	}
	return ivs.IngestConfiguration{}, err
}

// findByIdempotencyKey scans the candidates that match the request's visible
// fields and reads their tags.
func (s *Service) findByIdempotencyKey(ctx context.Context, region ivs.Region, in ivs.CreateIngestInput) (string, error) {
	q := ivs.IngestQuery{StageARN: in.StageARN, ListQuery: ivs.ListQuery{MaxResults: 100}}
	for {
		page, err := s.ListIngestConfigurations(ctx, region, q)
		if err != nil {
			return "", err
		}
		for _, ic := range page.Items {
			if ic.Name != in.Name || ic.Protocol != in.Protocol || ic.UserID != in.UserID || ic.StageARN != in.StageARN {
				continue
			}
			full, err := s.GetIngestConfiguration(ctx, region, ic.ARN)
			if err != nil {
				continue
			}
			if full.Tags[ivs.IdempotencyTag] == in.IdempotencyKey {
				return ic.ARN, nil
			}
		}
		if page.NextToken == "" {
			return "", nil
		}
		q.NextToken = page.NextToken
	}
}

// tagsWithKey are a create's tags with its idempotency key added as
// Greenroom's tag (nil when there are neither), so that an ambiguous
// failure can be reconciled by finding the resource again.
func tagsWithKey(tags map[string]string, key string) map[string]string {
	if len(tags) == 0 && key == "" {
		return nil
	}
	out := maps.Clone(tags)
	if out == nil {
		out = map[string]string{}
	}
	if key != "" {
		out[ivs.IdempotencyTag] = key
	}
	return out
}
