package web

import (
	"net/http"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/greenroom-dev/greenroom/internal/ivs"
)

// regionScope checks the {region} of a /r/{region}/… URL against the
// configured regions: a shared link keeps its region, and an unknown one is
// a clear 404 rather than a call to a region the console does not use.
func (h *handler) regionScope(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := ivs.Region(c.Param("region"))
		if !slices.Contains(h.Regions, r) {
			return notFound("The region “"+string(r)+"” is not one this console shows (it shows "+strings.Join(h.regionNames, ", ")+").", "/", "Back to the console")
		}
		c.Set(ctxRegion, r)
		return next(c)
	}
}

func (h *handler) home(c echo.Context) error {
	return c.Redirect(http.StatusFound, "/r/"+string(h.defaultRegion())+"/stages")
}

func (h *handler) regionHome(c echo.Context) error {
	return c.Redirect(http.StatusFound, "/r/"+string(regionOf(c))+"/stages")
}

// freshness collects per request whether stale data was served.
func freshness(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx, f := ivs.WithFreshness(c.Request().Context())
		c.SetRequest(c.Request().WithContext(ctx))
		c.Set(ctxFreshness, f)
		return next(c)
	}
}

// stageARN builds the ARN of a stage from the id in the URL.
func (h *handler) stageARN(c echo.Context, id string) (string, error) {
	if !ivs.ValidID(id) {
		return "", badRequest("“" + id + "” is not a stage id: ids are letters, digits and dashes.")
	}
	acct, err := h.IVS.AccountID(c.Request().Context())
	if err != nil {
		return "", err
	}
	return ivs.StageARN(regionOf(c), acct, id), nil
}

// ingestARN builds the ARN of an ingest configuration from the id in the URL.
func (h *handler) ingestARN(c echo.Context, id string) (string, error) {
	if !ivs.ValidID(id) {
		return "", badRequest("“" + id + "” is not an ingest configuration id: ids are letters, digits and dashes.")
	}
	acct, err := h.IVS.AccountID(c.Request().Context())
	if err != nil {
		return "", err
	}
	return ivs.ARN{Partition: "aws", Region: regionOf(c), Account: acct, Resource: ivs.ResourceIngestConfiguration, ID: id}.String(), nil
}
