package form

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/greenroom-dev/greenroom/internal/ivs"
)

// maxIngestRows bounds the attribute and tag rows a form may send, so a
// hostile request cannot make the parser allocate without limit.
const maxIngestRows = 200

// Field names of the ingest forms, used for inputs and for error keys.
const (
	FieldName       = "name"
	FieldStage      = "stage"
	FieldUserID     = "user_id"
	FieldAttributes = "attributes"
	FieldProtocol   = "protocol"
	FieldRedundant  = "redundant"
	FieldTags       = "tags"
	FieldToken      = "idempotency_key"
	// FieldForm is the key of a message about the whole form.
	FieldForm = "_form"
)

var (
	ingestNamePattern  = regexp.MustCompile(`^[a-zA-Z0-9_-]*$`)
	ingestTokenPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{16,64}$`)
	// AWS tag naming rules: letters, digits, spaces and _ . : / = + - @.
	ingestTagPattern = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$`)
)

// KV is one key/value row of the attributes or tags editor. Validate marks
// the key or value that the field's message is about (BadKey, BadValue),
// so the form can point at the row.
type KV struct {
	Key, Value       string
	BadKey, BadValue bool
}

// IngestForm is the create form as the user typed it. It is kept verbatim
// for a re-render after an error.
type IngestForm struct {
	Name  string
	Stage string // as typed: a stage id, or a stage's name
	// StageID is the stage Stage names, set by Validate.
	StageID    string
	UserID     string
	Attributes []KV
	Protocol   string // RTMP | RTMPS
	Redundant  bool
	Tags       []KV
	// Token is the idempotency key the form carries from GET to POST: a
	// double submit or a retried request sends the same one.
	Token string
}

// NewIngestForm is the empty create form: RTMPS, no redundancy, a fresh token.
func NewIngestForm() IngestForm {
	return IngestForm{Protocol: "RTMPS", Token: NewToken()}
}

// NewToken returns a random idempotency token.
func NewToken() string {
	b := make([]byte, 18)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// ValidToken reports whether s is shaped like a token NewToken makes.
func ValidToken(s string) bool { return ingestTokenPattern.MatchString(s) }

// ParseIngestForm reads the create form. It never fails: what the user sent
// is kept (trimmed of surrounding space where the API would not keep it) and
// Validate says what is wrong.
func ParseIngestForm(v url.Values) IngestForm {
	f := IngestForm{
		Name:      strings.TrimSpace(v.Get(FieldName)),
		Stage:     strings.TrimSpace(v.Get(FieldStage)),
		UserID:    v.Get(FieldUserID),
		Protocol:  strings.ToUpper(strings.TrimSpace(v.Get(FieldProtocol))),
		Redundant: ingestChecked(v.Get(FieldRedundant)),
		Token:     strings.TrimSpace(v.Get(FieldToken)),
	}
	f.Attributes = ingestRows(v["attr_key"], v["attr_value"], false)
	f.Tags = ingestRows(v["tag_key"], v["tag_value"], true)
	return f
}

func ingestChecked(s string) bool {
	switch strings.ToLower(s) {
	case "on", "true", "1", "yes":
		return true
	}
	return false
}

// rows pairs parallel key and value lists, dropping rows left empty.
func ingestRows(keys, values []string, trimKey bool) []KV {
	var out []KV
	for i, k := range keys {
		if i >= maxIngestRows {
			break
		}
		if trimKey {
			k = strings.TrimSpace(k)
		}
		val := ""
		if i < len(values) {
			val = values[i]
		}
		if k == "" && val == "" {
			continue
		}
		out = append(out, KV{Key: k, Value: val})
	}
	return out
}

// StageLookup resolves what the user put in the stage field (an id, or the
// exact name of a stage) to a stage id of the region; ok is false when no
// stage of the region matches.
type StageLookup func(idOrName string) (id string, ok bool)

// Validate checks the form against the API's rules and the region's stages,
// and Greenroom's one more: a name (the API allows none, which makes a
// configuration nobody can find again). A stage is optional: without one
// the configuration exists but its key publishes nowhere until one is
// attached. It sets StageID to the stage Stage names, keeping Stage as
// typed, and marks the attribute and tag rows its messages are about.
func (f *IngestForm) Validate(stages StageLookup) Errors {
	errs := Errors{}
	if f.Name == "" {
		errs.Add(FieldName, "Give the configuration a name: it is how you find it in lists, on the board and in the audit log.")
	} else if len(f.Name) > ivs.MaxIngestNameLen {
		errs.Add(FieldName, fmt.Sprintf("The name is %d characters long; IVS allows at most %d.", len(f.Name), ivs.MaxIngestNameLen))
	} else if !ingestNamePattern.MatchString(f.Name) {
		errs.Add(FieldName, "Use only letters, digits, hyphens (-) and underscores (_): no spaces or other characters.")
	}
	f.StageID = ""
	if f.Stage != "" {
		id, ok := stages(f.Stage)
		if !ok {
			errs.Add(FieldStage, "“"+f.Stage+"” is not a stage of this region. Pick one from the list, or leave it empty to attach a stage later.")
		} else {
			f.StageID = id
		}
	}
	checkIngestUserID(errs, f.UserID)
	checkIngestAttributes(errs, f.Attributes)
	switch f.Protocol {
	case "RTMP", "RTMPS":
	case "":
		errs.Add(FieldProtocol, "Choose RTMPS (encrypted) or RTMP.")
	default:
		errs.Add(FieldProtocol, "The protocol must be RTMPS or RTMP.")
	}
	checkIngestTags(errs, f.Tags)
	if !ingestTokenPattern.MatchString(f.Token) {
		errs.Add(FieldForm, "This form is missing its one-time token (it protects against creating a configuration twice). Reload the page and fill it in again.")
	}
	return errs
}

func checkIngestUserID(errs Errors, s string) {
	if n := len(s); n > ivs.MaxUserIDLen {
		errs.Add(FieldUserID, fmt.Sprintf("The user id is %d bytes long; IVS allows at most %d.", n, ivs.MaxUserIDLen))
	} else if !utf8.ValidString(s) {
		errs.Add(FieldUserID, "The user id is not valid text (UTF-8).")
	}
}

// AttributesSize is what the attributes count against the API's 1 KB: the
// bytes of every key and value.
func AttributesSize(rows []KV) int {
	n := 0
	for _, r := range rows {
		n += len(r.Key) + len(r.Value)
	}
	return n
}

// flagRows records msg as field's message when it has none yet, and then
// only marks the rows it is about: the rows marked are those of the message
// shown.
func flagRows(errs Errors, field, msg string, mark func()) {
	if _, ok := errs[field]; ok {
		return
	}
	errs.Add(field, msg)
	mark()
}

func checkIngestAttributes(errs Errors, attrs []KV) {
	seen := map[string]int{}
	for i := range attrs {
		a := &attrs[i]
		if j, dup := seen[a.Key]; dup && a.Key != "" {
			flagRows(errs, FieldAttributes, fmt.Sprintf("The attribute “%s” appears twice (rows %d and %d): each name can be used once.", clipIngest(a.Key), j+1, i+1),
				func() { attrs[j].BadKey, a.BadKey = true, true })
		}
		switch {
		case a.Key == "":
			flagRows(errs, FieldAttributes, fmt.Sprintf("Every attribute needs a name (row %d: the value “%s” has none).", i+1, clipIngest(a.Value)), func() { a.BadKey = true })
		case !utf8.ValidString(a.Key) || !utf8.ValidString(a.Value):
			flagRows(errs, FieldAttributes, fmt.Sprintf("Attributes must be valid text (UTF-8): row %d is not.", i+1), func() {
				a.BadKey, a.BadValue = !utf8.ValidString(a.Key), !utf8.ValidString(a.Value)
			})
		}
		if _, ok := seen[a.Key]; !ok {
			seen[a.Key] = i
		}
	}
	if n := AttributesSize(attrs); n > ivs.MaxAttributesLen {
		errs.Add(FieldAttributes, fmt.Sprintf("The attributes take %d bytes; IVS allows 1 KB (%d bytes) for all names and values together.", n, ivs.MaxAttributesLen))
	}
}

func checkIngestTags(errs Errors, tags []KV) {
	if len(tags) > ivs.MaxUserTags {
		errs.Add(FieldTags, fmt.Sprintf("There are %d tags; at most %d can be set here (IVS allows %d, and Greenroom uses one to avoid duplicate creates).", len(tags), ivs.MaxUserTags, ivs.MaxTags))
	}
	seen := map[string]int{}
	for i := range tags {
		t := &tags[i]
		k := t.Key
		key, value := func() { t.BadKey = true }, func() { t.BadValue = true }
		switch {
		case k == "":
			flagRows(errs, FieldTags, fmt.Sprintf("Every tag needs a key (row %d: the value “%s” has none).", i+1, clipIngest(t.Value)), key)
		case utf8.RuneCountInString(k) > ivs.MaxTagKeyLen:
			flagRows(errs, FieldTags, fmt.Sprintf("The tag key “%s” is longer than %d characters.", clipIngest(k), ivs.MaxTagKeyLen), key)
		case utf8.RuneCountInString(t.Value) > ivs.MaxTagValueLen:
			flagRows(errs, FieldTags, fmt.Sprintf("The value of tag “%s” is longer than %d characters.", clipIngest(k), ivs.MaxTagValueLen), value)
		case strings.HasPrefix(strings.ToLower(k), "aws:"):
			flagRows(errs, FieldTags, "Tag keys cannot begin with “aws:”: AWS reserves that prefix.", key)
		case k == ivs.IdempotencyTag:
			flagRows(errs, FieldTags, "The tag “"+ivs.IdempotencyTag+"” is reserved for Greenroom.", key)
		case !ingestTagPattern.MatchString(k) || !ingestTagPattern.MatchString(t.Value):
			flagRows(errs, FieldTags, "Tag “"+clipIngest(k)+"”: keys and values may hold letters, digits, spaces and _ . : / = + - @ only.", func() {
				t.BadKey, t.BadValue = !ingestTagPattern.MatchString(k), !ingestTagPattern.MatchString(t.Value)
			})
		default:
			if j, dup := seen[k]; dup {
				flagRows(errs, FieldTags, fmt.Sprintf("The tag “%s” appears twice (rows %d and %d): each key can be used once.", clipIngest(k), j+1, i+1),
					func() { tags[j].BadKey, t.BadKey = true, true })
			}
		}
		if _, ok := seen[k]; !ok {
			seen[k] = i
		}
	}
}

// clip shortens user text quoted in a message.
func clipIngest(s string) string {
	if utf8.RuneCountInString(s) <= 40 {
		return s
	}
	r := []rune(s)
	return string(r[:40]) + "…"
}

// Map turns rows into the map the API takes (nil when empty).
func Map(rows []KV) map[string]string {
	if len(rows) == 0 {
		return nil
	}
	m := make(map[string]string, len(rows))
	for _, r := range rows {
		m[r.Key] = r.Value
	}
	return m
}

// Rows turns a map into sorted rows (for a form pre-filled from a configuration).
func Rows(m map[string]string) []KV {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	out := make([]KV, 0, len(keys))
	for _, k := range keys {
		out = append(out, KV{Key: k, Value: m[k]})
	}
	return out
}

// InsecureIngest is what the API must be told for the protocol: RTMP is
// refused unless insecureIngest is true.
func (f IngestForm) InsecureIngest() bool { return f.Protocol == "RTMP" }

// Input is what the form asks IVS to create (the stage is resolved to an
// ARN by the caller).
func (f IngestForm) Input() ivs.CreateIngestInput {
	return ivs.CreateIngestInput{
		Name: f.Name, UserID: f.UserID, Attributes: Map(f.Attributes), Protocol: f.Protocol,
		InsecureIngest: f.InsecureIngest(), RedundantIngest: f.Redundant, Tags: Map(f.Tags),
		IdempotencyKey: f.Token,
	}
}

// APIField maps a field named in an IVS validation message to the form field
// it belongs to ("" when the message is about nothing the form shows).
func APIField(apiField string) string {
	switch apiField {
	case "name":
		return FieldName
	case "stageArn":
		return FieldStage
	case "userId":
		return FieldUserID
	case "attributes":
		return FieldAttributes
	case "ingestProtocol", "insecureIngest":
		return FieldProtocol
	case "redundantIngest":
		return FieldRedundant
	case "tags":
		return FieldTags
	}
	return ""
}

// EditForm is the update form: only what UpdateIngestConfiguration changes.
type EditForm struct {
	Stage     string
	Redundant bool
}

// ParseEditForm reads the update form. An unchecked box is absent from a
// form post, so Redundant is false unless the box was sent checked: the
// handler always sends the value the user sees.
func ParseEditForm(v url.Values) EditForm {
	return EditForm{Stage: strings.TrimSpace(v.Get(FieldStage)), Redundant: ingestChecked(v.Get(FieldRedundant))}
}

// Validate checks the update. hadStage says whether the configuration is
// attached to a stage now: the service layer cannot detach one (it sends no
// stageArn for an empty value, which keeps the stage).
func (f *EditForm) Validate(stages StageLookup, hadStage bool) Errors {
	errs := Errors{}
	if f.Stage == "" {
		if hadStage {
			errs.Add(FieldStage, "Choose a stage: Greenroom cannot detach a configuration from its stage (to stop it, delete it).")
		}
		return errs
	}
	id, ok := stages(f.Stage)
	if !ok {
		errs.Add(FieldStage, "“"+f.Stage+"” is not a stage of this region. Pick one from the list.")
		return errs
	}
	f.Stage = id
	return errs
}

// DeleteForm is the delete confirmation.
type DeleteForm struct{ Force bool }

// ParseDeleteForm reads the delete confirmation.
func ParseDeleteForm(v url.Values) DeleteForm {
	return DeleteForm{Force: ingestChecked(v.Get("force"))}
}
