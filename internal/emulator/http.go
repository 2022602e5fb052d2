package emulator

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// maxBody bounds request bodies; IVS requests are small.
const maxBody = 1 << 20

// call is one API request being handled, under e.mu.
type call struct {
	e     *Emulator
	w     *world
	now   int64
	body  []byte
	arn   string     // tag operations: the resource ARN from the path
	query url.Values // tag operations: the query string
}

type handler func(c *call) (any, error)

// operation is an API operation and the typed errors its model lists: any
// other error type a handler returns is answered as ValidationException, as
// IVS does (e.g. an unknown stage in CreateIngestConfiguration).
type operation struct {
	name   string
	fn     handler
	errors []string
}

var operations = map[string]*operation{}

func register(name string, fn handler, errs ...string) {
	operations[name] = &operation{name, fn, append(errs, errValidation, errAccessDenied)}
}

func (op *operation) lists(errType string) bool {
	switch errType {
	case errThrottling, errInternal, errAccessDenied:
		return true // any operation can be throttled or fail
	}
	for _, t := range op.errors {
		if t == errType {
			return true
		}
	}
	return false
}

// ServeHTTP serves the IVS Real-Time API, STS GetCallerIdentity on "POST /"
// and the admin API under /_emulator/.
func (e *Emulator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("x-amzn-RequestId", requestID())
	path := r.URL.EscapedPath()
	if target := r.Header.Get("X-Amz-Target"); strings.HasPrefix(target, "AmazonSQS.") {
		e.serveSQS(w, r, target)
		return
	}
	switch {
	case strings.HasPrefix(path, "/_emulator/"):
		e.serveAdmin(w, r, strings.TrimPrefix(path, "/_emulator/"))
		return
	case path == "/" || path == "":
		e.serveSTS(w, r)
		return
	}
	op, arn, err := route(r.Method, path)
	if err != nil {
		writeError(w, err)
		return
	}
	// Read the body first: only then does net/http watch the connection and
	// cancel r.Context() when the client gives up during injected latency.
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		writeError(w, validationf("Could not read the request body"))
		return
	}
	region := regionOf(r)
	if err := e.faults.apply(r.Context(), region, op.name); err != nil {
		var ae *apiError
		if !errors.As(err, &ae) {
			return // the client went away during injected latency
		}
		writeError(w, err)
		return
	}
	out, err := e.handle(op, region, arn, r.URL.Query(), body)
	if err != nil {
		writeError(w, err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(out)
}

// handle runs an operation under the lock and returns the encoded response.
func (e *Emulator) handle(op *operation, region, arn string, q url.Values, body []byte) ([]byte, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	wld, err := e.world(region)
	if err != nil {
		return nil, validationf("The emulator holds at most %d regions", maxRegions)
	}
	now := ms(e.clock.Now())
	e.settle(wld, now)
	res, err := op.fn(&call{e: e, w: wld, now: now, body: body, arn: arn, query: q})
	if err != nil {
		var ae *apiError
		if !errors.As(err, &ae) {
			e.log.Error("emulator: operation failed", "operation", op.name, "err", err)
			return nil, &apiError{errInternal, "An internal error occurred"}
		}
		if !op.lists(ae.Type) {
			return nil, &apiError{errValidation, ae.Message}
		}
		return nil, ae
	}
	if res == nil {
		res = struct{}{}
	}
	out, err := json.Marshal(res)
	if err != nil {
		return nil, &apiError{errInternal, "An internal error occurred"}
	}
	return out, nil
}

// route maps method and raw path to an operation. Tag operations carry the
// ARN as one percent-encoded path segment, so routing uses the escaped path.
func route(method, path string) (*operation, string, error) {
	if rest, ok := strings.CutPrefix(path, "/tags/"); ok {
		if strings.Contains(rest, "/") {
			return nil, "", &apiError{errUnknownOp, "No operation matches the path"}
		}
		arn, err := url.PathUnescape(rest)
		if err != nil {
			return nil, "", validationf("The resource ARN in the path is not correctly encoded")
		}
		var name string
		switch method {
		case http.MethodGet:
			name = "ListTagsForResource"
		case http.MethodPost:
			name = "TagResource"
		case http.MethodDelete:
			name = "UntagResource"
		default:
			return nil, "", &apiError{errUnknownOp, "No operation matches " + method + " on /tags"}
		}
		return operations[name], arn, nil
	}
	name := strings.TrimPrefix(path, "/")
	op, ok := operations[name]
	if !ok || strings.HasPrefix(name, "Tag") || strings.HasPrefix(name, "Untag") || strings.HasPrefix(name, "ListTags") {
		return nil, "", &apiError{errUnknownOp, "No operation matches the path"}
	}
	if method != http.MethodPost {
		return nil, "", &apiError{errUnknownOp, "No operation matches " + method + " " + path}
	}
	return op, "", nil
}

// regionOf takes the region from the SigV4 credential scope
// (Credential=AKID/20260101/us-east-1/ivs/aws4_request); signatures are not
// checked. Without a usable scope the region is us-east-1.
func regionOf(r *http.Request) string {
	cred := ""
	if auth := r.Header.Get("Authorization"); auth != "" {
		if _, after, ok := strings.Cut(auth, "Credential="); ok {
			cred, _, _ = strings.Cut(after, ",")
		}
	} else {
		cred = r.URL.Query().Get("X-Amz-Credential")
	}
	parts := strings.Split(strings.TrimSpace(cred), "/")
	if len(parts) >= 3 && reRegion.MatchString(parts[2]) {
		return parts[2]
	}
	return "us-east-1"
}

// errorBody is the REST-JSON error document; the SDK reads the type from the
// X-Amzn-ErrorType header and the text from exceptionMessage.
type errorBody struct {
	Type             string `json:"__type"`
	Message          string `json:"message"`
	ExceptionMessage string `json:"exceptionMessage"`
}

func writeError(w http.ResponseWriter, err error) {
	var ae *apiError
	if !errors.As(err, &ae) {
		ae = &apiError{errInternal, "An internal error occurred"}
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("X-Amzn-ErrorType", ae.Type)
	w.WriteHeader(ae.status())
	_ = json.NewEncoder(w).Encode(errorBody{ae.Type, ae.Message, ae.Message})
}
