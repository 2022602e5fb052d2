package emulator

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

func TestSTSGetCallerIdentity(t *testing.T) {
	v := newEnv(t, SeedEmpty, func(o *Options) { o.AccountID = "111122223333" })
	c := sts.New(sts.Options{
		Region:       "eu-west-1",
		BaseEndpoint: aws.String(v.srv.URL),
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""),
	})
	out := must(c.GetCallerIdentity(ctx(), &sts.GetCallerIdentityInput{}))
	if *out.Account != "111122223333" || *out.Arn != "arn:aws:iam::111122223333:user/ivs-emulator" || *out.UserId == "" {
		t.Fatalf("identity %+v", out)
	}
	resp, body := v.raw("", "Action=AssumeRole&Version=2011-06-15")
	if resp.StatusCode != 400 || len(body) == 0 {
		t.Fatalf("other STS action: %d %s", resp.StatusCode, body)
	}
}
