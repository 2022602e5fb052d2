package notify

import (
	"bytes"
	"encoding/json"
	"strings"
	"time"

	"github.com/greenroom-dev/greenroom/internal/ivs"
)

// PayloadVersion is greenroom.version in every payload; it changes only if
// a field changes meaning or goes away.
const PayloadVersion = 1

// Payload is the request body: generic JSON, and a Slack incoming webhook
// message (Slack reads text and ignores the rest).
type Payload struct {
	// Text is "<Title>: <Text> <URL>", with &, < and > escaped as Slack
	// requires (so a name cannot mention @channel or forge a link).
	Text      string      `json:"text"`
	Greenroom PayloadBody `json:"greenroom"`
}

// PayloadBody is the structured part, unescaped.
type PayloadBody struct {
	Version       int        `json:"version"`
	Status        string     `json:"status"`
	Severity      string     `json:"severity"`
	Key           string     `json:"key"`
	TransitionID  int64      `json:"transitionId"`
	Region        string     `json:"region"`
	Stage         string     `json:"stage"`
	StageARN      string     `json:"stageArn"`
	SessionID     string     `json:"sessionId"`
	Configuration string     `json:"configuration"`
	From          string     `json:"from"`
	To            string     `json:"to"`
	Cause         string     `json:"cause"`
	Since         time.Time  `json:"since"`
	FiredAt       *time.Time `json:"firedAt,omitempty"`
	Title         string     `json:"title"`
	Text          string     `json:"text"`
	URL           string     `json:"url"`
}

// PayloadFor is the body sent for a.
func PayloadFor(a Alert) Payload {
	text := slackEscape(a.Title) + ": " + slackEscape(a.Text)
	if a.URL != "" {
		text += " " + a.URL
	}
	p := Payload{Text: text, Greenroom: PayloadBody{
		Version: PayloadVersion, Status: a.Status, Severity: a.Severity, Key: a.Key, TransitionID: a.TransitionID,
		Region: a.Region, Stage: a.Stage, StageARN: a.StageARN, SessionID: a.SessionID,
		Configuration: a.Configuration, From: a.From, To: a.To, Cause: a.Cause,
		Since: a.Since.UTC(), Title: a.Title, Text: a.Text, URL: a.URL,
	}}
	if !a.FiredAt.IsZero() {
		f := a.FiredAt.UTC()
		p.Greenroom.FiredAt = &f
	}
	return p
}

// encode marshals p; stream keys are redacted once more over the whole
// body (the replacement has no character JSON escapes).
func (p Payload) encode() ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(p); err != nil {
		return nil, err
	}
	return []byte(ivs.RedactStreamKeys(strings.TrimSuffix(b.String(), "\n"))), nil
}

var slackEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

func slackEscape(s string) string { return slackEscaper.Replace(s) }
