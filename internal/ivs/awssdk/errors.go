package awssdk

import (
	"context"
	"errors"
	"net"
	"regexp"
	"strings"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime/types"
	"github.com/aws/smithy-go"

	"github.com/greenroom-dev/greenroom/internal/ivs"
)

// translate turns an SDK error into an *ivs.Error. The typed exceptions keep
// their text in ExceptionMessage and leave Message empty, so read that first.
func translate(op string, err error) error {
	e := &ivs.Error{Op: op, Err: err, Kind: ivs.KindUnknown}
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		e.RequestID = re.ServiceRequestID()
	}
	var (
		validation *types.ValidationException
		notFound   *types.ResourceNotFoundException
		conflict   *types.ConflictException
		denied     *types.AccessDeniedException
		pending    *types.PendingVerification
		quota      *types.ServiceQuotaExceededException
		internal   *types.InternalServerException
		api        smithy.APIError
	)
	switch {
	case errors.As(err, &validation):
		e.Kind, e.Message = ivs.KindValidation, text(validation.ExceptionMessage, validation.Message)
		e.Field = fieldOf(e.Message)
	case errors.As(err, &notFound):
		e.Kind, e.Message = ivs.KindNotFound, text(notFound.ExceptionMessage, notFound.Message)
	case errors.As(err, &conflict):
		e.Kind, e.Message = ivs.KindConflict, text(conflict.ExceptionMessage, conflict.Message)
	case errors.As(err, &denied):
		e.Kind, e.Message = ivs.KindAccessDenied, text(denied.ExceptionMessage, denied.Message)
	case errors.As(err, &pending):
		e.Kind, e.Message = ivs.KindAccessDenied, "the AWS account is pending verification: "+text(pending.ExceptionMessage, pending.Message)
	case errors.As(err, &quota):
		e.Kind, e.Message = ivs.KindQuota, text(quota.ExceptionMessage, quota.Message)
	case errors.As(err, &internal):
		e.Kind, e.Message = ivs.KindUnavailable, "IVS had an internal error"
	case errors.As(err, &api):
		code := api.ErrorCode()
		switch {
		case strings.Contains(code, "Throttl") || code == "TooManyRequestsException":
			e.Kind, e.Message = ivs.KindThrottled, "IVS is rate-limiting this account"
		case strings.Contains(code, "AccessDenied") || code == "UnrecognizedClientException" || code == "InvalidSignatureException" || code == "ExpiredTokenException":
			e.Kind, e.Message = ivs.KindAccessDenied, "AWS refused the console's credentials ("+code+")"
		case api.ErrorFault() == smithy.FaultServer || (re != nil && re.HTTPStatusCode() >= 500) || strings.Contains(code, "InternalServer") || code == "ServiceUnavailable":
			e.Kind, e.Message = ivs.KindUnavailable, "IVS answered with a server error ("+code+")"
		default:
			e.Kind, e.Message = ivs.KindUnknown, code+": "+api.ErrorMessage()
		}
	case errors.Is(err, context.DeadlineExceeded):
		e.Kind, e.Message = ivs.KindUnavailable, "IVS did not answer in time"
	case errors.Is(err, context.Canceled):
		e.Kind, e.Message = ivs.KindUnavailable, "the request was cancelled"
	default:
		var ne net.Error
		var oe *net.OpError
		if errors.As(err, &ne) || errors.As(err, &oe) {
			e.Kind, e.Message = ivs.KindUnavailable, "IVS could not be reached"
		} else if re != nil && re.HTTPStatusCode() >= 500 {
			e.Kind, e.Message = ivs.KindUnavailable, "IVS answered with a server error"
		} else {
			e.Message = "unexpected error from IVS"
		}
	}
	if e.Message == "" {
		e.Message = strings.TrimSuffix(strings.TrimSuffix(e.Kind.String(), "."), ":")
	}
	e.Message = ivs.RedactStreamKeys(e.Message)
	return e
}

func text(ptrs ...*string) string {
	for _, p := range ptrs {
		if p != nil && *p != "" {
			return *p
		}
	}
	return ""
}

// Field names the API uses in validation messages, matched as whole words.
var fieldWords = regexp.MustCompile(`\b(name|stageArn|userId|attributes|tags|ingestProtocol|insecureIngest|redundantIngest|arn|filterBy\w+|maxResults|nextToken|participantId|sessionId|reason|channelArn|storageConfigurationArn|encoderConfigurationArns?|publicKeyMaterial|bucketName|destinations|layout|width|height|framerate|bitrate|destinationStageArn|sourceStageArn)\b`)

// fieldOf guesses which input field a validation message is about, so the
// form can show it next to that field.
func fieldOf(msg string) string {
	return fieldWords.FindString(msg)
}
