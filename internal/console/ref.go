package console

import (
	"context"
	"errors"
	"fmt"

	"github.com/greenroom-dev/greenroom/internal/ivs"
)

// Ref is what a URL addresses: a stage of a region, and maybe one of its
// sessions and one participant of that session. The web layer checks the
// ids' shape before it builds one.
type Ref struct {
	Region        ivs.Region
	StageID       string
	SessionID     string
	ParticipantID string
}

// Resource names what a NotFoundError is about.
type Resource string

const (
	ResourceStage       Resource = "stage"
	ResourceSession     Resource = "session"
	ResourceParticipant Resource = "participant"
	ResourceIngest      Resource = "ingest configuration"
	ResourceComposition Resource = "composition"
	ResourceEncoder     Resource = "encoder configuration"
	ResourceStorage     Resource = "storage configuration"
	ResourcePublicKey   Resource = "public key"
)

// NotFoundError says which of the things a page asked for does not exist,
// so that the answer can name it and lead one level up.
type NotFoundError struct {
	Resource Resource
	Ref      Ref
	// ID is the missing ingest configuration's (or composition's, encoder
	// or storage configuration's, public key's) id (Ref holds the others).
	ID  string
	Err error
}

func (e *NotFoundError) Error() string {
	return fmt.Sprintf("%s not found: %v", e.Resource, e.Err)
}

func (e *NotFoundError) Unwrap() error { return e.Err }

// missing turns IVS's not-found into a NotFoundError about res; other
// errors pass through unchanged.
func missing(err error, res Resource, ref Ref, id string) error {
	if err != nil && ivs.IsNotFound(err) {
		return &NotFoundError{Resource: res, Ref: ref, ID: id, Err: err}
	}
	return err
}

// IsNotFound reports whether err is a NotFoundError about res.
func IsNotFound(err error, res Resource) bool {
	var nf *NotFoundError
	return errors.As(err, &nf) && nf.Resource == res
}

// StageARN builds the ARN of a stage of the console's account.
func (c *Console) StageARN(ctx context.Context, region ivs.Region, stageID string) (string, error) {
	acct, err := c.ivs.AccountID(ctx)
	if err != nil {
		return "", err
	}
	return ivs.StageARN(region, acct, stageID), nil
}

// IngestARN builds the ARN of an ingest configuration of the console's account.
func (c *Console) IngestARN(ctx context.Context, region ivs.Region, id string) (string, error) {
	acct, err := c.ivs.AccountID(ctx)
	if err != nil {
		return "", err
	}
	return ivs.ARN{Partition: "aws", Region: region, Account: acct, Resource: ivs.ResourceIngestConfiguration, ID: id}.String(), nil
}

// ResourceARN builds the ARN of a resource (ivs.Resource…) of the console's account.
func (c *Console) ResourceARN(ctx context.Context, region ivs.Region, resource, id string) (string, error) {
	acct, err := c.ivs.AccountID(ctx)
	if err != nil {
		return "", err
	}
	return ivs.ARN{Partition: "aws", Region: region, Account: acct, Resource: resource, ID: id}.String(), nil
}
