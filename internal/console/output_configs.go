package console

import (
	"context"
	"fmt"

	"github.com/greenroom-dev/greenroom/internal/audit"
	"github.com/greenroom-dev/greenroom/internal/ivs"
)

// Encoder and storage configurations and public keys: a page of each list,
// one of each by id, and the audited create (import) and delete. IVS
// refuses to delete a configuration a composition uses (a conflict naming
// it): the error goes back to the page as IVS worded it.

// EncoderList is a page of the region's encoder configurations.
func (c *Console) EncoderList(ctx context.Context, region ivs.Region, next string) (ivs.Page[ivs.EncoderConfiguration], error) {
	p, err := c.ivs.ListEncoderConfigurations(ctx, region, ivs.ListQuery{NextToken: next, MaxResults: ivs.MaxPageSize})
	for i := range p.Items {
		p.Items[i].ID = ivs.IDFromARN(p.Items[i].ARN)
	}
	return p, err
}

// EncoderDetail is an encoder configuration and the compositions that use it.
type EncoderDetail struct {
	Config  ivs.EncoderConfiguration
	UsedBy  []ivs.Composition
	UsedErr error
}

// Encoder reads one encoder configuration by id.
func (c *Console) Encoder(ctx context.Context, region ivs.Region, id string) (ivs.EncoderConfiguration, error) {
	arn, err := c.ResourceARN(ctx, region, ivs.ResourceEncoderConfig, id)
	if err != nil {
		return ivs.EncoderConfiguration{}, err
	}
	e, err := c.ivs.GetEncoderConfiguration(ctx, region, arn)
	e.ID = id
	return e, missing(err, ResourceEncoder, Ref{Region: region}, id)
}

// EncoderDetail reads a configuration, then the compositions that use it.
func (c *Console) EncoderDetail(ctx context.Context, region ivs.Region, id string) (EncoderDetail, error) {
	e, err := c.Encoder(ctx, region, id)
	if err != nil {
		return EncoderDetail{}, err
	}
	v := EncoderDetail{Config: e}
	p, err := c.ivs.ListCompositions(ctx, region, ivs.CompositionQuery{EncoderConfigurationARN: e.ARN, ListQuery: ivs.ListQuery{MaxResults: ivs.MaxPageSize}})
	v.UsedBy, v.UsedErr = p.Items, err
	for i := range v.UsedBy {
		v.UsedBy[i].ID = ivs.IDFromARN(v.UsedBy[i].ARN)
	}
	return v, nil
}

// CreateEncoder creates an encoder configuration and audits the attempt.
func (c *Console) CreateEncoder(ctx context.Context, a Actor, region ivs.Region, in ivs.CreateEncoderInput) (ivs.EncoderConfiguration, error) {
	if err := c.canAudit(); err != nil {
		return ivs.EncoderConfiguration{}, err
	}
	e, err := c.ivs.CreateEncoderConfiguration(ctx, region, in)
	e.ID = ivs.IDFromARN(e.ARN)
	detail := fmt.Sprintf("name=%q video=%dx%d@%gfps %d bps", in.Name, in.Width, in.Height, in.Framerate, in.Bitrate)
	return e, c.audited(ctx, a, region, audit.ActionEncoderCreate, e.ARN, err, detail)
}

// DeleteEncoder deletes an encoder configuration and audits the attempt.
func (c *Console) DeleteEncoder(ctx context.Context, a Actor, region ivs.Region, e ivs.EncoderConfiguration) error {
	if err := c.canAudit(); err != nil {
		return err
	}
	err := c.ivs.DeleteEncoderConfiguration(ctx, region, e.ARN)
	return missing(c.audited(ctx, a, region, audit.ActionEncoderDelete, e.ARN, err, fmt.Sprintf("name=%q", e.Name)), ResourceEncoder, Ref{Region: region}, e.ID)
}

// StorageList is a page of the region's storage configurations.
func (c *Console) StorageList(ctx context.Context, region ivs.Region, next string) (ivs.Page[ivs.StorageConfiguration], error) {
	p, err := c.ivs.ListStorageConfigurations(ctx, region, ivs.ListQuery{NextToken: next, MaxResults: ivs.MaxPageSize})
	for i := range p.Items {
		p.Items[i].ID = ivs.IDFromARN(p.Items[i].ARN)
	}
	return p, err
}

// Storage reads one storage configuration by id.
func (c *Console) Storage(ctx context.Context, region ivs.Region, id string) (ivs.StorageConfiguration, error) {
	arn, err := c.ResourceARN(ctx, region, ivs.ResourceStorageConfig, id)
	if err != nil {
		return ivs.StorageConfiguration{}, err
	}
	s, err := c.ivs.GetStorageConfiguration(ctx, region, arn)
	s.ID = id
	return s, missing(err, ResourceStorage, Ref{Region: region}, id)
}

// CreateStorage creates a storage configuration and audits the attempt.
func (c *Console) CreateStorage(ctx context.Context, a Actor, region ivs.Region, in ivs.CreateStorageInput) (ivs.StorageConfiguration, error) {
	if err := c.canAudit(); err != nil {
		return ivs.StorageConfiguration{}, err
	}
	s, err := c.ivs.CreateStorageConfiguration(ctx, region, in)
	s.ID = ivs.IDFromARN(s.ARN)
	return s, c.audited(ctx, a, region, audit.ActionStorageCreate, s.ARN, err, fmt.Sprintf("name=%q bucket=%s", in.Name, in.S3Bucket))
}

// DeleteStorage deletes a storage configuration and audits the attempt.
func (c *Console) DeleteStorage(ctx context.Context, a Actor, region ivs.Region, s ivs.StorageConfiguration) error {
	if err := c.canAudit(); err != nil {
		return err
	}
	err := c.ivs.DeleteStorageConfiguration(ctx, region, s.ARN)
	return missing(c.audited(ctx, a, region, audit.ActionStorageDelete, s.ARN, err, fmt.Sprintf("name=%q bucket=%s", s.Name, s.S3Bucket)), ResourceStorage, Ref{Region: region}, s.ID)
}

// PublicKeyList is a page of the region's public keys.
func (c *Console) PublicKeyList(ctx context.Context, region ivs.Region, next string) (ivs.Page[ivs.PublicKey], error) {
	p, err := c.ivs.ListPublicKeys(ctx, region, ivs.ListQuery{NextToken: next, MaxResults: ivs.MaxPageSize})
	for i := range p.Items {
		p.Items[i].ID = ivs.IDFromARN(p.Items[i].ARN)
	}
	return p, err
}

// PublicKey reads one public key by id.
func (c *Console) PublicKey(ctx context.Context, region ivs.Region, id string) (ivs.PublicKey, error) {
	arn, err := c.ResourceARN(ctx, region, ivs.ResourcePublicKey, id)
	if err != nil {
		return ivs.PublicKey{}, err
	}
	k, err := c.ivs.GetPublicKey(ctx, region, arn)
	k.ID = id
	return k, missing(err, ResourcePublicKey, Ref{Region: region}, id)
}

// ImportPublicKey imports a public key and audits the attempt (with its
// fingerprint, never the material: it is public, but long).
func (c *Console) ImportPublicKey(ctx context.Context, a Actor, region ivs.Region, in ivs.ImportPublicKeyInput) (ivs.PublicKey, error) {
	if err := c.canAudit(); err != nil {
		return ivs.PublicKey{}, err
	}
	k, err := c.ivs.ImportPublicKey(ctx, region, in)
	k.ID = ivs.IDFromARN(k.ARN)
	return k, c.audited(ctx, a, region, audit.ActionPublicKeyImport, k.ARN, err, fmt.Sprintf("name=%q fingerprint=%s", in.Name, k.Fingerprint))
}

// DeletePublicKey deletes a public key (tokens signed with its private key
// stop working) and audits the attempt.
func (c *Console) DeletePublicKey(ctx context.Context, a Actor, region ivs.Region, k ivs.PublicKey) error {
	if err := c.canAudit(); err != nil {
		return err
	}
	err := c.ivs.DeletePublicKey(ctx, region, k.ARN)
	return missing(c.audited(ctx, a, region, audit.ActionPublicKeyDelete, k.ARN, err, fmt.Sprintf("name=%q fingerprint=%s", k.Name, k.Fingerprint)), ResourcePublicKey, Ref{Region: region}, k.ID)
}
