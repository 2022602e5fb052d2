package cached

import (
	"context"

	"github.com/greenroom-dev/greenroom/internal/ivs"
)

// Reads of the program output, built like reads.go's: key on the stack,
// cache first. None of these values holds a secret (a public key's PEM is
// public material).

func (s *Service) ListCompositions(ctx context.Context, region ivs.Region, q ivs.CompositionQuery) (ivs.Page[ivs.Composition], error) {
	const op = OpListCompositions
	var b keyBuf
	k := appendList(appendKey(b[:0], op, region, q.StageARN, q.EncoderConfigurationARN), q.ListQuery)
	if v, ok := hit[ivs.Page[ivs.Composition]](s, op, k); ok {
		return v, nil
	}
	return load(ctx, s, k, scope{region: region, op: op, stage: q.StageARN}, func(ctx context.Context) (ivs.Page[ivs.Composition], error) {
		return s.inner.ListCompositions(ctx, region, q)
	})
}

func (s *Service) GetComposition(ctx context.Context, region ivs.Region, arn string) (ivs.Composition, error) {
	return getByARN(ctx, s, OpGetComposition, region, arn, s.inner.GetComposition)
}

func (s *Service) ListEncoderConfigurations(ctx context.Context, region ivs.Region, q ivs.ListQuery) (ivs.Page[ivs.EncoderConfiguration], error) {
	return listRegion(ctx, s, OpListEncoderConfigurations, region, q, s.inner.ListEncoderConfigurations)
}

func (s *Service) GetEncoderConfiguration(ctx context.Context, region ivs.Region, arn string) (ivs.EncoderConfiguration, error) {
	return getByARN(ctx, s, OpGetEncoderConfiguration, region, arn, s.inner.GetEncoderConfiguration)
}

func (s *Service) ListStorageConfigurations(ctx context.Context, region ivs.Region, q ivs.ListQuery) (ivs.Page[ivs.StorageConfiguration], error) {
	return listRegion(ctx, s, OpListStorageConfigurations, region, q, s.inner.ListStorageConfigurations)
}

func (s *Service) GetStorageConfiguration(ctx context.Context, region ivs.Region, arn string) (ivs.StorageConfiguration, error) {
	return getByARN(ctx, s, OpGetStorageConfiguration, region, arn, s.inner.GetStorageConfiguration)
}

func (s *Service) ListPublicKeys(ctx context.Context, region ivs.Region, q ivs.ListQuery) (ivs.Page[ivs.PublicKey], error) {
	return listRegion(ctx, s, OpListPublicKeys, region, q, s.inner.ListPublicKeys)
}

func (s *Service) GetPublicKey(ctx context.Context, region ivs.Region, arn string) (ivs.PublicKey, error) {
	return getByARN(ctx, s, OpGetPublicKey, region, arn, s.inner.GetPublicKey)
}

func (s *Service) ListParticipantReplicas(ctx context.Context, region ivs.Region, q ivs.ReplicaQuery) (ivs.Page[ivs.Replica], error) {
	const op = OpListParticipantReplicas
	var b keyBuf
	k := appendList(appendKey(b[:0], op, region, q.SourceStageARN, q.ParticipantID), q.ListQuery)
	if v, ok := hit[ivs.Page[ivs.Replica]](s, op, k); ok {
		return v, nil
	}
	sc := scope{region: region, op: op, stage: q.SourceStageARN, participant: q.ParticipantID}
	return load(ctx, s, k, sc, func(ctx context.Context) (ivs.Page[ivs.Replica], error) {
		return s.inner.ListParticipantReplicas(ctx, region, q)
	})
}

// getByARN is a cached read of one resource by ARN.
func getByARN[T any](ctx context.Context, s *Service, op Op, region ivs.Region, arn string, fetch func(context.Context, ivs.Region, string) (T, error)) (T, error) {
	var b keyBuf
	k := appendKey(b[:0], op, region, arn)
	if v, ok := hit[T](s, op, k); ok {
		return v, nil
	}
	return load(ctx, s, k, scope{region: region, op: op, arn: arn}, func(ctx context.Context) (T, error) {
		return fetch(ctx, region, arn)
	})
}

// listRegion is a cached page of a region-wide list without filters.
func listRegion[T any](ctx context.Context, s *Service, op Op, region ivs.Region, q ivs.ListQuery, fetch func(context.Context, ivs.Region, ivs.ListQuery) (ivs.Page[T], error)) (ivs.Page[T], error) {
	var b keyBuf
	k := appendList(appendKey(b[:0], op, region), q)
	if v, ok := hit[ivs.Page[T]](s, op, k); ok {
		return v, nil
	}
	return load(ctx, s, k, scope{region: region, op: op}, func(ctx context.Context) (ivs.Page[T], error) {
		return fetch(ctx, region, q)
	})
}
