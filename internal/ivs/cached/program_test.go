package cached

import (
	"context"
	"testing"

	"github.com/greenroom-dev/greenroom/internal/ivs"
	"github.com/greenroom-dev/greenroom/internal/ivs/ivstest"
)

// The program output's reads are cached; each write drops what it changes.
func TestProgramOutputReadsCacheAndWritesInvalidate(t *testing.T) {
	ctx := context.Background()
	f := &ivstest.Fake{}
	st := f.AddStage(ivs.Stage{ID: "StageOut1", ActiveSessionID: "st-1"})
	enc := f.AddEncoderConfiguration(ivs.EncoderConfiguration{Name: "720p"})
	s := New(f, Options{Budget: unlimited})

	read := func() {
		s.ListCompositions(ctx, region, ivs.CompositionQuery{StageARN: st.ARN})
		s.ListEncoderConfigurations(ctx, region, ivs.ListQuery{})
		s.GetEncoderConfiguration(ctx, region, enc.ARN)
		s.ListStorageConfigurations(ctx, region, ivs.ListQuery{})
		s.ListPublicKeys(ctx, region, ivs.ListQuery{})
	}
	read()
	read()
	for _, op := range []string{"ListCompositions", "ListEncoderConfigurations", "GetEncoderConfiguration", "ListStorageConfigurations", "ListPublicKeys"} {
		if n := f.Calls(op); n != 1 {
			t.Fatalf("%s: %d upstream calls for two reads, want 1", op, n)
		}
	}

	comp, err := s.StartComposition(ctx, region, ivs.StartCompositionInput{StageARN: st.ARN, Destinations: []ivs.DestinationInput{{ChannelARN: "arn:aws:ivs:us-east-1:123456789012:channel/Ch1"}}})
	if err != nil {
		t.Fatal(err)
	}
	if l, _ := s.ListCompositions(ctx, region, ivs.CompositionQuery{StageARN: st.ARN}); len(l.Items) != 1 {
		t.Fatalf("the started composition is not listed: %+v", l)
	}
	if _, err := s.GetComposition(ctx, region, comp.ARN); err != nil {
		t.Fatal(err)
	}
	if err := s.StopComposition(ctx, region, comp.ARN); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.GetComposition(ctx, region, comp.ARN); got.State != ivs.CompositionStopped {
		t.Fatalf("a stop left the cached composition %s", got.State)
	}
	if err := s.DeleteEncoderConfiguration(ctx, region, enc.ARN); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetEncoderConfiguration(ctx, region, enc.ARN); !ivs.IsNotFound(err) {
		t.Fatalf("deleted configuration still cached: %v", err)
	}
	if l, _ := s.ListEncoderConfigurations(ctx, region, ivs.ListQuery{}); len(l.Items) != 0 {
		t.Fatalf("deleted configuration still listed: %+v", l)
	}
	if _, err := s.CreateStorageConfiguration(ctx, region, ivs.CreateStorageInput{S3Bucket: "b"}); err != nil {
		t.Fatal(err)
	}
	if l, _ := s.ListStorageConfigurations(ctx, region, ivs.ListQuery{}); len(l.Items) != 1 {
		t.Fatalf("created storage configuration not listed: %+v", l)
	}
	if _, err := s.ImportPublicKey(ctx, region, ivs.ImportPublicKeyInput{PEM: "x"}); err != nil {
		t.Fatal(err)
	}
	if l, _ := s.ListPublicKeys(ctx, region, ivs.ListQuery{}); len(l.Items) != 1 {
		t.Fatalf("imported key not listed: %+v", l)
	}
}
