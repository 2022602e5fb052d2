package emulator

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime"
)

func TestSmokeDemo(t *testing.T) {
	v := newEnv(t, SeedDemo)
	c := v.client("us-east-1")
	st := must(c.ListStages(ctx(), &ivsrealtime.ListStagesInput{}))
	for _, s := range st.Stages {
		t.Logf("%s %s %v", *s.Arn, *s.Name, s.ActiveSessionId)
	}
	ic := must(c.ListIngestConfigurations(ctx(), &ivsrealtime.ListIngestConfigurationsInput{}))
	for _, s := range ic.IngestConfigurations {
		t.Logf("%s %s %s %v", *s.Name, s.State, s.IngestProtocol, s.RedundantIngest)
	}
}
