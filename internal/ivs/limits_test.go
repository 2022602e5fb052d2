package ivs

import "testing"

func TestUserTags(t *testing.T) {
	tags := UserTags(map[string]string{"team": "x", IdempotencyTag: "tok", "aws:cloudformation:stack": "s"})
	if len(tags) != 1 || tags["team"] != "x" {
		t.Errorf("UserTags = %v", tags)
	}
	if UserTags(map[string]string{IdempotencyTag: "t"}) != nil {
		t.Error("only the idempotency tag: want none")
	}
}
