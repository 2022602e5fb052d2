package emulator

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime/types"
)

// replicationWorld: a source stage with a viewer then a publisher (live
// session), and an empty destination stage.
func replicationWorld(t *testing.T) (v *env, c *ivsrealtime.Client, src, dst, viewer, pub string) {
	v = newEnv(t, SeedEmpty)
	c = v.client("us-east-1", noRetries)
	src = *must(c.CreateStage(ctx(), &ivsrealtime.CreateStageInput{Name: aws.String("backstage")})).Stage.Arn
	dst = *must(c.CreateStage(ctx(), &ivsrealtime.CreateStageInput{Name: aws.String("main")})).Stage.Arn
	var added struct {
		ParticipantIDs []string `json:"participantIds"`
	}
	v.cue("participants/add", fmt.Sprintf(`{"stage":%q,"count":1}`, src), &added)
	viewer = added.ParticipantIDs[0]
	v.cue("participants/add", fmt.Sprintf(`{"stage":%q,"count":1,"published":true}`, src), &added)
	pub = added.ParticipantIDs[0]
	return
}

func replicas(c *ivsrealtime.Client, src, pid string) []types.ParticipantReplica {
	return must(c.ListParticipantReplicas(ctx(), &ivsrealtime.ListParticipantReplicasInput{SourceStageArn: aws.String(src), ParticipantId: aws.String(pid)})).Replicas
}

func TestParticipantReplication(t *testing.T) {
	v, c, src, dst, viewer, pub := replicationWorld(t)
	start := &ivsrealtime.StartParticipantReplicationInput{SourceStageArn: aws.String(src), DestinationStageArn: aws.String(dst),
		ParticipantId: aws.String(pub), Attributes: map[string]string{"role": "guest"}}
	must(c.StartParticipantReplication(ctx(), start))

	dstStage := must(c.GetStage(ctx(), &ivsrealtime.GetStageInput{Arn: aws.String(dst)})).Stage
	srcStage := must(c.GetStage(ctx(), &ivsrealtime.GetStageInput{Arn: aws.String(src)})).Stage
	if dstStage.ActiveSessionId == nil {
		t.Fatal("replication opens a session in the destination")
	}
	parts := must(c.ListParticipants(ctx(), &ivsrealtime.ListParticipantsInput{StageArn: aws.String(dst), SessionId: dstStage.ActiveSessionId})).Participants
	if len(parts) != 1 || *parts[0].ParticipantId != pub || parts[0].ReplicationType != types.ReplicationTypeReplica ||
		parts[0].ReplicationState != types.ReplicationStateActive || *parts[0].SourceStageArn != src ||
		*parts[0].SourceSessionId != *srcStage.ActiveSessionId || !parts[0].Published || parts[0].State != types.ParticipantStateConnected {
		t.Fatalf("replica %+v", parts)
	}
	rp := must(c.GetParticipant(ctx(), &ivsrealtime.GetParticipantInput{StageArn: aws.String(dst), SessionId: dstStage.ActiveSessionId, ParticipantId: aws.String(pub)})).Participant
	if rp.Attributes["role"] != "guest" {
		t.Fatalf("replica attributes %v", rp.Attributes)
	}
	sp := must(c.GetParticipant(ctx(), &ivsrealtime.GetParticipantInput{StageArn: aws.String(src), SessionId: srcStage.ActiveSessionId, ParticipantId: aws.String(pub)})).Participant
	if sp.ReplicationType != types.ReplicationTypeSource || sp.ReplicationState != types.ReplicationStateActive {
		t.Fatalf("source %s %s", sp.ReplicationType, sp.ReplicationState)
	}
	evs := must(c.ListParticipantEvents(ctx(), &ivsrealtime.ListParticipantEventsInput{StageArn: aws.String(src), SessionId: srcStage.ActiveSessionId, ParticipantId: aws.String(pub)})).Events
	last := evs[len(evs)-1]
	if last.Name != types.EventNameReplicationStarted || *last.DestinationStageArn != dst || *last.DestinationSessionId != *dstStage.ActiveSessionId {
		t.Fatalf("source events %+v", last)
	}
	reps := replicas(c, src, pub)
	if len(reps) != 1 || reps[0].ReplicationState != types.ReplicationStateActive || *reps[0].DestinationStageArn != dst ||
		*reps[0].DestinationSessionId != *dstStage.ActiveSessionId || *reps[0].SourceSessionId != *srcStage.ActiveSessionId {
		t.Fatalf("replicas %+v", reps)
	}

	// Conflicts: twice, a viewer, a replica; unknown participant: not found.
	var ce *types.ConflictException
	if _, err := c.StartParticipantReplication(ctx(), start); !errors.As(err, &ce) || !strings.Contains(*ce.ExceptionMessage, "already replicated") {
		t.Fatalf("twice: %v", err)
	}
	in := *start
	in.ParticipantId = aws.String(viewer)
	if _, err := c.StartParticipantReplication(ctx(), &in); !errors.As(err, &ce) || !strings.Contains(*ce.ExceptionMessage, "not publishing") {
		t.Fatalf("viewer: %v", err)
	}
	back := &ivsrealtime.StartParticipantReplicationInput{SourceStageArn: aws.String(dst), DestinationStageArn: aws.String(src), ParticipantId: aws.String(pub)}
	if _, err := c.StartParticipantReplication(ctx(), back); !errors.As(err, &ce) {
		t.Fatalf("replica of a replica: %v", err)
	}
	in.ParticipantId = aws.String("nobody")
	var nf *types.ResourceNotFoundException
	if _, err := c.StartParticipantReplication(ctx(), &in); !errors.As(err, &nf) {
		t.Fatalf("unknown participant: %v", err)
	}

	// Stop: the replica leaves, the source records REPLICATION_STOPPED.
	stop := &ivsrealtime.StopParticipantReplicationInput{SourceStageArn: aws.String(src), DestinationStageArn: aws.String(dst), ParticipantId: aws.String(pub)}
	must(c.StopParticipantReplication(ctx(), stop))
	if reps := replicas(c, src, pub); len(reps) != 1 || reps[0].ReplicationState != types.ReplicationStateStopped {
		t.Fatalf("after stop %+v", reps)
	}
	evs = must(c.ListParticipantEvents(ctx(), &ivsrealtime.ListParticipantEventsInput{StageArn: aws.String(src), SessionId: srcStage.ActiveSessionId, ParticipantId: aws.String(pub)})).Events
	if evs[len(evs)-1].Name != types.EventNameReplicationStopped {
		t.Fatalf("source events after stop %+v", evs[len(evs)-1])
	}
	if _, err := c.StopParticipantReplication(ctx(), stop); !errors.As(err, &nf) {
		t.Fatalf("stop twice: %v", err)
	}

	// Again, with a reconnect window: the source leaving stops the
	// replication once the window has passed.
	start.ReconnectWindowSeconds = aws.Int32(30)
	must(c.StartParticipantReplication(ctx(), start))
	if reps := replicas(c, src, pub); len(reps) != 1 || reps[0].ReplicationState != types.ReplicationStateActive {
		t.Fatalf("restarted in the same session %+v", reps)
	}
	must(c.DisconnectParticipant(ctx(), &ivsrealtime.DisconnectParticipantInput{StageArn: aws.String(src), ParticipantId: aws.String(pub)}))
	v.clock.Advance(29 * time.Second)
	if reps := replicas(c, src, pub); reps[0].ReplicationState != types.ReplicationStateActive {
		t.Fatal("stopped within the reconnect window")
	}
	v.clock.Advance(time.Second)
	if reps := replicas(c, src, pub); reps[0].ReplicationState != types.ReplicationStateStopped {
		t.Fatal("still active after the reconnect window")
	}
}

func TestParticipantReplicationValidation(t *testing.T) {
	v, c, src, dst, _, pub := replicationWorld(t)
	for _, tc := range []struct {
		in   *ivsrealtime.StartParticipantReplicationInput
		code string
		want string
	}{
		{&ivsrealtime.StartParticipantReplicationInput{SourceStageArn: aws.String(src), DestinationStageArn: aws.String(src), ParticipantId: aws.String(pub)},
			errValidation, "must be different"},
		{&ivsrealtime.StartParticipantReplicationInput{SourceStageArn: aws.String(src), DestinationStageArn: aws.String(dst), ParticipantId: aws.String(pub),
			ReconnectWindowSeconds: aws.Int32(301)}, errValidation, "Value '301' at 'reconnectWindowSeconds' failed to satisfy constraint: Member must have value less than or equal to 300"},
		{&ivsrealtime.StartParticipantReplicationInput{SourceStageArn: aws.String(src), DestinationStageArn: aws.String("arn:aws:ivs:us-east-1:123456789012:stage/nope"),
			ParticipantId: aws.String(pub)}, errNotFound, "Stage not found"},
		{&ivsrealtime.StartParticipantReplicationInput{SourceStageArn: aws.String(src), DestinationStageArn: aws.String(dst), ParticipantId: aws.String("a_b")},
			errValidation, "at 'participantId' failed to satisfy constraint: Member must satisfy regular expression pattern"},
		{&ivsrealtime.StartParticipantReplicationInput{SourceStageArn: aws.String(src), DestinationStageArn: aws.String(dst), ParticipantId: aws.String(pub),
			Attributes: map[string]string{"big": strings.Repeat("x", 1100)}}, errValidation, "at 'attributes'"},
	} {
		_, err := c.StartParticipantReplication(ctx(), tc.in)
		if errCode(err) != tc.code || !strings.Contains(errMessage(err), tc.want) {
			t.Errorf("%v, want %s %q", err, tc.code, tc.want)
		}
	}
	_, err := c.ListParticipantReplicas(ctx(), &ivsrealtime.ListParticipantReplicasInput{SourceStageArn: aws.String(src), ParticipantId: aws.String(pub), MaxResults: aws.Int32(51)})
	if errCode(err) != errValidation || !strings.Contains(errMessage(err), "less than or equal to 50") {
		t.Fatalf("maxResults 51: %v", err)
	}
	_, err = c.ListParticipantReplicas(ctx(), &ivsrealtime.ListParticipantReplicasInput{SourceStageArn: aws.String("arn:aws:ivs:us-east-1:123456789012:stage/nope"), ParticipantId: aws.String(pub)})
	if errCode(err) != errValidation {
		t.Fatalf("unknown stage (ListParticipantReplicas lists no ResourceNotFoundException): %v", err)
	}
	resp, body := v.raw("StopParticipantReplication", fmt.Sprintf(`{"sourceStageArn":%q,"destinationStageArn":%q,"participantId":%q,"reconnectWindowSeconds":3}`, src, dst, pub))
	if resp.StatusCode != 400 || !strings.Contains(body, "unknown member") {
		t.Fatalf("stop with a start-only member: %d %s", resp.StatusCode, body)
	}
	resp, body = v.raw("ListParticipantReplicas", fmt.Sprintf(`{"sourceStageArn":%q}`, src))
	if resp.StatusCode != 400 || !strings.Contains(body, "Value null at 'participantId'") {
		t.Fatalf("no participantId: %d %s", resp.StatusCode, body)
	}
}

func TestDemoReplicas(t *testing.T) {
	v := newEnv(t, SeedDemo)
	c := v.client("us-east-1")
	backstage, bs := v.stageNamed("us-east-1", "backstage-greenroom")
	keynote, _ := v.stageNamed("us-east-1", "main-stage-keynote")
	parts := must(c.ListParticipants(ctx(), &ivsrealtime.ListParticipantsInput{StageArn: aws.String(backstage), SessionId: aws.String(bs)})).Participants
	var active, stopped []string
	for _, p := range parts {
		if p.ReplicationType == types.ReplicationTypeSource {
			if p.ReplicationState == types.ReplicationStateActive {
				active = append(active, *p.ParticipantId)
			} else {
				stopped = append(stopped, *p.ParticipantId)
			}
		}
	}
	if len(active) != 2 || len(stopped) != 1 {
		t.Fatalf("demo sources: active %v stopped %v", active, stopped)
	}
	if reps := replicas(c, backstage, active[0]); len(reps) != 1 || reps[0].ReplicationState != types.ReplicationStateActive || *reps[0].DestinationStageArn != keynote {
		t.Fatalf("demo replicas %+v", reps)
	}
	if reps := replicas(c, backstage, stopped[0]); len(reps) != 1 || reps[0].ReplicationState != types.ReplicationStateStopped {
		t.Fatalf("demo stopped replica %+v", reps)
	}
	must(c.StopParticipantReplication(ctx(), &ivsrealtime.StopParticipantReplicationInput{SourceStageArn: aws.String(backstage),
		DestinationStageArn: aws.String(keynote), ParticipantId: aws.String(active[0])}))
	if reps := replicas(c, backstage, active[0]); reps[0].ReplicationState != types.ReplicationStateStopped {
		t.Fatalf("demo replica after stop %+v", reps)
	}
}
