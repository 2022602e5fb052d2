package web

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/greenroom-dev/greenroom/internal/console"
	"github.com/greenroom-dev/greenroom/internal/ivs"
	"github.com/greenroom-dev/greenroom/views"
	"github.com/greenroom-dev/greenroom/web/form"
)

// pageError is an error the console itself raises, already in words for the
// user: bad input in a URL, a missing role, an unknown region.
type pageError struct {
	Status  int
	Title   string
	Message string
	Back    string // href of a way back
	BackTo  string // its label
	// Drop names the query parameters at fault: the way back is the same
	// view without them. OneOf: they are alternatives (two filters where
	// IVS takes one), each offered on its own as well.
	Drop  []string
	OneOf bool
}

func (e *pageError) Error() string { return fmt.Sprintf("%d %s: %s", e.Status, e.Title, e.Message) }

var errUnauthorized = &pageError{Status: http.StatusUnauthorized, Title: "Sign-in required",
	Message: "Greenroom could not tell who you are. Open it through your company's sign-in (SSO) address; if you did, your sign-in may have expired: reload the page."}

func badRequest(msg string) error {
	return &pageError{Status: http.StatusBadRequest, Title: "That address is not valid", Message: msg}
}

// badQuery is a 400 about an address's query parameters; when err is a
// *form.ParamError the page offers the same view without the parameters
// it names.
func badQuery(err error) error {
	pe := &pageError{Status: http.StatusBadRequest, Title: "That address is not valid", Message: err.Error()}
	var fe *form.ParamError
	if errors.As(err, &fe) {
		pe.Drop, pe.OneOf = fe.Params, errors.Is(err, form.ErrTwoFilters)
	}
	return pe
}

// Query parameters that only make sense with others: a page token and the
// rows before it belong to the list they page; a fragment is part of a page.
var (
	pagingParams  = []string{form.ParamNext, "shown"}
	pageOnlyParam = "fragment"
)

// sameViewWithout is the address of the request's view without the query
// parameters drop (and what depends on them), with words for a link to it.
func sameViewWithout(c echo.Context, drop []string) (href, label string) {
	u := c.Request().URL
	q := u.Query()
	var gone []string
	for _, k := range drop {
		if !q.Has(k) {
			continue
		}
		if v := q.Get(k); v != "" && k != form.ParamNext {
			gone = append(gone, "“"+k+"="+clipParam(v)+"”")
		} else if k != form.ParamNext {
			gone = append(gone, "“"+k+"”")
		}
		q.Del(k)
		if slices.Contains(form.FilterParams, k) || k == form.ParamBy {
			for _, p := range pagingParams {
				q.Del(p)
			}
		}
		if k == form.ParamNext {
			q.Del("shown")
		}
	}
	q.Del(pageOnlyParam)
	href = u.Path
	if len(q) > 0 {
		href += "?" + q.Encode()
	}
	if len(gone) == 0 {
		return href, "Go to the first page"
	}
	return href, "Open the same view without " + strings.Join(gone, " and ")
}

// pageTokenGone is the answer when IVS refuses a page token: it has
// expired or was damaged on the way.
func pageTokenGone(c echo.Context, v views.ErrorView) views.ErrorView {
	v.Status, v.Title = http.StatusBadRequest, "That page is no longer available"
	v.Message = "The page token in the address has expired or is damaged (IVS's page tokens last a short while, and a copied address can lose part of one). Start again from the first page."
	v.BackHref, v.BackLabel = sameViewWithout(c, pagingParams)
	return v
}

// isPageTokenRefusal tells IVS refusing the request's page token from other
// refusals.
func isPageTokenRefusal(c echo.Context, e *ivs.Error) bool {
	if e.Kind != ivs.KindValidation || c.QueryParam(form.ParamNext) == "" {
		return false
	}
	return e.Field == "nextToken" || strings.Contains(strings.ToLower(e.Message), "token")
}

func notFound(what string, back, backLabel string) error {
	return &pageError{Status: http.StatusNotFound, Title: "Not found", Message: what, Back: back, BackTo: backLabel}
}

// handleError is Echo's one error handler: every failure becomes a page (or,
// for htmx, a fragment in the alert area) with the right status, and never a
// stack trace or upstream internals.
func (h *handler) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	v := h.describe(err, c)
	if v.Status >= 500 {
		h.Logger.Error("request failed", slog.String("request_id", requestID(c)), slog.String("path", c.Request().URL.Path), slog.String("error", safeErrorText(err)))
	}
	if v.Status == http.StatusServiceUnavailable || v.Status == http.StatusTooManyRequests {
		c.Response().Header().Set("Retry-After", "5")
	}
	if c.Request().Method == http.MethodHead {
		_ = c.NoContent(v.Status)
		return
	}
	if isHTMX(c) {
		c.Response().Header().Set("HX-Retarget", "#alerts")
		c.Response().Header().Set("HX-Reswap", "innerHTML")
		_ = render(c, v.Status, views.ErrorBox(v))
		return
	}
	p := h.page(c, v.Title, "", "")
	_ = render(c, v.Status, views.ErrorPage(p, v))
}

// describe maps an error to what the user sees.
func (h *handler) describe(err error, c echo.Context) views.ErrorView {
	v := views.ErrorView{RequestID: requestID(c), BackHref: "/", BackLabel: "Back to the console"}
	var (
		pe *pageError
		nf *console.NotFoundError
		ae *console.AuditError
		de *ivs.Error
		he *echo.HTTPError
	)
	if errors.As(err, &nf) {
		err = notFoundPage(nf)
	}
	switch {
	case errors.As(err, &pe):
		v.Status, v.Title, v.Message = pe.Status, pe.Title, pe.Message
		if pe.Back != "" {
			v.BackHref, v.BackLabel = pe.Back, pe.BackTo
		}
		if pe.Status == http.StatusBadRequest && c.Request().Method == http.MethodGet {
			drop := pe.Drop
			if len(drop) == 0 { // a page token refused for its shape, by any page
				if _, err := form.ParseNextToken(c.QueryParam(form.ParamNext)); err != nil {
					drop = pagingParams
				}
			}
			if len(drop) > 0 {
				v.BackHref, v.BackLabel = sameViewWithout(c, drop)
			}
			if pe.OneOf {
				for _, keep := range pe.Drop {
					others := slices.DeleteFunc(slices.Clone(pe.Drop), func(k string) bool { return k == keep })
					href, _ := sameViewWithout(c, others)
					v.More = append(v.More, views.Crumb{Label: "Only “" + keep + "=" + clipParam(c.QueryParam(keep)) + "”", Href: href})
				}
			}
		}
	case errors.As(err, &ae):
		return h.describe(auditUnavailable(ae.Done), c)
	case errors.As(err, &de) && isPageTokenRefusal(c, de):
		v = pageTokenGone(c, v)
	case errors.As(err, &de):
		v = upstreamView(de, v)
	case errors.As(err, &he):
		v.Status = he.Code
		switch he.Code {
		case http.StatusNotFound:
			v.Title, v.Message = "Page not found", "There is no page at this address. Links follow /r/{region}/stages/…; check the address or start again from the stage list."
		case http.StatusMethodNotAllowed:
			v.Title, v.Message = "Not allowed here", "This address does not accept that kind of request."
		case http.StatusRequestEntityTooLarge:
			v.Title, v.Message = "Too much data", "The form sent more data than Greenroom accepts."
		default:
			v.Title, v.Message = http.StatusText(he.Code), "The request could not be handled."
		}
	case errors.Is(err, context.DeadlineExceeded):
		v.Status, v.Title, v.Message, v.Retry = http.StatusGatewayTimeout, "IVS took too long", "IVS did not answer in time. Nothing was changed by this page view.", true
	default:
		v.Status, v.Title, v.Message = http.StatusInternalServerError, "Something went wrong", "Greenroom hit an unexpected problem. It has been logged with the request id below."
	}
	return v
}

func upstreamView(e *ivs.Error, v views.ErrorView) views.ErrorView {
	if e.RequestID != "" {
		v.RequestID = v.RequestID + " (AWS " + e.RequestID + ")"
	}
	v.Status = statusOf(e.Kind)
	switch e.Kind {
	case ivs.KindNotFound:
		v.Title, v.Message = "Not found", "IVS says it does not exist: "+e.Message
	case ivs.KindConflict:
		v.Title, v.Message = "Not possible right now", e.Message
	case ivs.KindValidation:
		v.Title, v.Message = "IVS refused the request", e.Message
	case ivs.KindAccessDenied:
		v.Title, v.Message = "Greenroom's AWS access was denied", "The console's AWS credentials are not allowed to do this ("+e.Op+"). An administrator needs to grant it in IAM: see docs/iam.md. "+e.Message
	case ivs.KindThrottled:
		v.Title, v.Message, v.Retry = "IVS is busy", "IVS is rate-limiting this AWS account, and Greenroom had nothing recent enough to show instead. Greenroom holds back so your production traffic keeps its share.", true
	case ivs.KindQuota:
		v.Title, v.Message = "An IVS quota is reached", e.Message
	case ivs.KindUnavailable:
		v.Title, v.Message, v.Retry = "IVS is not answering", "Greenroom could not reach IVS or IVS had a problem ("+e.Message+").", true
	default:
		v.Title, v.Message = "IVS answered unexpectedly", e.Message
	}
	return v
}

// notFoundPage names what a page asked for that does not exist, with the
// way one level up.
func notFoundPage(nf *console.NotFoundError) error {
	r := nf.Ref
	region := string(r.Region)
	switch nf.Resource {
	case console.ResourceSession:
		return notFound("Stage “"+r.StageID+"” has no session “"+r.SessionID+"”. IVS keeps a stage's sessions for a limited time; the link may be old or mistyped.",
			views.StageURL(region, r.StageID), "Back to the stage")
	case console.ResourceParticipant:
		return notFound("Session “"+r.SessionID+"” of stage “"+r.StageID+"” has no participant “"+r.ParticipantID+"”.",
			views.SessionURL(region, r.StageID, r.SessionID), "Back to the session")
	case console.ResourceIngest:
		return notFound("There is no ingest configuration “"+clipParam(nf.ID)+"” in "+region+". It may have been deleted, or the link names another region.",
			views.IngestListURL(region), "All ingest configurations")
	case console.ResourceComposition:
		return notFound("There is no composition “"+clipParam(nf.ID)+"” in "+region+". IVS deletes a stopped composition after a while; the link may be old or name another region.",
			views.StagesURL(region), "Back to the stages of "+region)
	case console.ResourceEncoder:
		return notFound("There is no encoder configuration “"+clipParam(nf.ID)+"” in "+region+". It may have been deleted, or the link names another region.",
			views.EncoderListURL(region), "All encoder configurations")
	case console.ResourceStorage:
		return notFound("There is no storage configuration “"+clipParam(nf.ID)+"” in "+region+". It may have been deleted, or the link names another region.",
			views.StorageListURL(region), "All storage configurations")
	case console.ResourcePublicKey:
		return notFound("There is no public key “"+clipParam(nf.ID)+"” in "+region+". It may have been deleted, or the link names another region.",
			views.PublicKeyListURL(region), "All public keys")
	}
	return notFound("There is no stage “"+r.StageID+"” in "+region+". It may have been deleted, or the link names another region.",
		views.StagesURL(region), "Back to the stages of "+region)
}

// auditUnavailable is the answer when an action could not be audited; done
// says whether the change had been made in IVS all the same.
func auditUnavailable(done bool) error {
	msg := "The audit log could not be written, so Greenroom did not go ahead. Try again; if it persists, tell an administrator (disk full or database locked)."
	if done {
		msg = "The change was made in IVS, but the audit log could not record it. Tell an administrator: the audit log needs attention."
	}
	return &pageError{Status: http.StatusServiceUnavailable, Title: "Audit log unavailable", Message: msg}
}

// safeErrorText is an error's text for logs. Domain errors already hold no
// keys; anything else is passed through the same redaction.
func safeErrorText(err error) string {
	return ivs.RedactStreamKeys(err.Error())
}
