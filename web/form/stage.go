package form

import (
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/greenroom-dev/greenroom/internal/ivs"
)

// Field names of the stage forms beyond the ingest forms' name, tags and
// idempotency token, used for inputs and error keys.
const (
	FieldStorageARN = "storage_configuration_arn"
	FieldMediaType  = "media_type"
)

// StageForm is the create and edit form of a stage as the user typed it:
// its name, tags and individual participant recording (on when a storage
// configuration is given), the fields CreateStage takes.
type StageForm struct {
	Name       string
	Tags       []KV
	StorageARN string
	MediaType  string // one of ivs.RecordingMediaTypes
	// Token is the create's idempotency key (the edit form has none).
	Token string
}

// NewStageForm is the empty create form: no recording, audio and video if
// it is turned on, a fresh token.
func NewStageForm() StageForm {
	return StageForm{MediaType: ivs.DefaultRecordingMedia, Token: NewToken()}
}

// StageFormOf is the edit form filled from a stage: its user tags (not
// Greenroom's nor AWS's own) and its recording set-up.
func StageFormOf(st ivs.Stage) StageForm {
	f := StageForm{Name: st.Name, Tags: Rows(ivs.UserTags(st.Tags)), MediaType: ivs.DefaultRecordingMedia}
	if r := st.Recording; r != nil {
		f.StorageARN = r.StorageConfigurationARN
		if len(r.MediaTypes) > 0 {
			f.MediaType = r.MediaTypes[0]
		}
	}
	return f
}

// ParseStageForm reads the form. It never fails: Validate says what is wrong.
func ParseStageForm(v url.Values) StageForm {
	return StageForm{
		Name:       strings.TrimSpace(v.Get(FieldName)),
		Tags:       ingestRows(v["tag_key"], v["tag_value"], true),
		StorageARN: strings.TrimSpace(v.Get(FieldStorageARN)),
		MediaType:  strings.ToUpper(strings.TrimSpace(v.Get(FieldMediaType))),
		Token:      strings.TrimSpace(v.Get(FieldToken)),
	}
}

// Validate checks the form against the API's rules: the name as the ingest
// form's, tags likewise, and a storage configuration of the stage's region.
// create says whether it is the create form (which carries a token).
func (f *StageForm) Validate(region ivs.Region, create bool) Errors {
	errs := Errors{}
	if len(f.Name) > ivs.MaxStageNameLen {
		errs.Add(FieldName, fmt.Sprintf("The name is %d characters long; IVS allows at most %d.", len(f.Name), ivs.MaxStageNameLen))
	} else if !ingestNamePattern.MatchString(f.Name) {
		errs.Add(FieldName, "Use only letters, digits, hyphens (-) and underscores (_): no spaces or other characters.")
	}
	checkIngestTags(errs, f.Tags)
	if f.StorageARN != "" {
		a, err := ivs.ParseARN(f.StorageARN, ivs.ResourceStorageConfig)
		switch {
		case err != nil:
			errs.Add(FieldStorageARN, "This is not a storage configuration ARN ("+err.Error()+"). It looks like arn:aws:ivs:"+string(region)+":123456789012:storage-configuration/AbCdEf123456: copy it from the IVS console or the AWS CLI.")
		case a.Region != region:
			errs.Add(FieldStorageARN, "This storage configuration is in "+string(a.Region)+"; a stage in "+string(region)+" records only to a storage configuration of its own region.")
		}
		if !slices.Contains(ivs.RecordingMediaTypes, f.MediaType) {
			errs.Add(FieldMediaType, "Choose what to record: audio and video, audio only, or neither (thumbnails only).")
		}
	}
	if create && !ingestTokenPattern.MatchString(f.Token) {
		errs.Add(FieldForm, "This form is missing its one-time token (it protects against creating a stage twice). Reload the page and fill it in again.")
	}
	return errs
}

// Recording is the recording set-up the form asks for (nil: none).
func (f StageForm) Recording() *ivs.AutoRecording {
	if f.StorageARN == "" {
		return nil
	}
	return &ivs.AutoRecording{StorageConfigurationARN: f.StorageARN, MediaTypes: []string{f.MediaType}}
}

// CreateInput is what the create form asks IVS to create.
func (f StageForm) CreateInput() ivs.CreateStageInput {
	return ivs.CreateStageInput{Name: f.Name, Tags: Map(f.Tags), Recording: f.Recording(), IdempotencyKey: f.Token}
}

// StageAPIField maps the field an IVS validation error names (or, for the
// recording's nested fields, its message) to the stage form's field.
func StageAPIField(apiField, message string) string {
	switch {
	case apiField == "name":
		return FieldName
	case apiField == "tags":
		return FieldTags
	case strings.Contains(message, "storageConfigurationArn"):
		return FieldStorageARN
	case strings.Contains(message, "mediaTypes"):
		return FieldMediaType
	}
	return ""
}
