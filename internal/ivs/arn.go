package ivs

import (
	"fmt"
	"regexp"
	"strings"
)

// Resource types that appear in IVS Real-Time ARNs.
const (
	ResourceStage               = "stage"
	ResourceIngestConfiguration = "ingest-configuration"
)

// MaxARNLength is the API's limit for every ARN field.
const MaxARNLength = 128

var (
	idPattern        = regexp.MustCompile(`^[a-zA-Z0-9-]+$`)
	sessionIDPattern = regexp.MustCompile(`^st-[a-zA-Z0-9]+$`)
	regionPattern    = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]$`)
	accountPattern   = regexp.MustCompile(`^[0-9]{12}$`)
)

// ARN is a parsed IVS Real-Time resource ARN:
// arn:aws:ivs:<region>:<account>:<resource>/<id>.
type ARN struct {
	Partition string
	Region    Region
	Account   string
	Resource  string
	ID        string
}

func (a ARN) String() string {
	return fmt.Sprintf("arn:%s:ivs:%s:%s:%s/%s", a.Partition, a.Region, a.Account, a.Resource, a.ID)
}

// ParseARN parses and validates an IVS ARN of the given resource type.
func ParseARN(s, resource string) (ARN, error) {
	if s == "" {
		return ARN{}, fmt.Errorf("ARN is empty")
	}
	if len(s) > MaxARNLength {
		return ARN{}, fmt.Errorf("ARN is longer than %d characters", MaxARNLength)
	}
	parts := strings.SplitN(s, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[2] != "ivs" || !strings.HasPrefix(parts[1], "aws") {
		return ARN{}, fmt.Errorf("not an IVS ARN (want arn:aws:ivs:<region>:<account>:%s/<id>)", resource)
	}
	if !regionPattern.MatchString(parts[3]) {
		return ARN{}, fmt.Errorf("ARN has an invalid region %q", parts[3])
	}
	if !accountPattern.MatchString(parts[4]) {
		return ARN{}, fmt.Errorf("ARN has an invalid account id")
	}
	res, id, ok := strings.Cut(parts[5], "/")
	if !ok || res != resource {
		return ARN{}, fmt.Errorf("not a %s ARN", resource)
	}
	if !idPattern.MatchString(id) {
		return ARN{}, fmt.Errorf("ARN has an invalid %s id", resource)
	}
	return ARN{Partition: parts[1], Region: Region(parts[3]), Account: parts[4], Resource: res, ID: id}, nil
}

// ValidID reports whether s is a valid resource or participant id.
func ValidID(s string) bool { return len(s) <= MaxARNLength && idPattern.MatchString(s) }

// ValidSessionID reports whether s looks like a stage session id (st-…).
func ValidSessionID(s string) bool { return len(s) <= 64 && sessionIDPattern.MatchString(s) }

// ValidRegion reports whether s is shaped like an AWS region code.
func ValidRegion(s string) bool { return regionPattern.MatchString(s) }

// IDFromARN returns the resource id at the end of an ARN ("" if none).
func IDFromARN(arn string) string {
	if i := strings.LastIndexByte(arn, '/'); i >= 0 {
		return arn[i+1:]
	}
	return ""
}

// StageARN builds a stage ARN from the account and region of another ARN of
// the same account (the console addresses stages by id in its URLs).
func StageARN(region Region, account, id string) string {
	return ARN{Partition: "aws", Region: region, Account: account, Resource: ResourceStage, ID: id}.String()
}

// ARNAccount is the account field of an ARN ("" if it is not one).
func ARNAccount(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 {
		return ""
	}
	return parts[4]
}
