package web

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// startDownload sends the headers of a CSV file download: from here on the
// answer is the file (errors go into it, not onto a page), and no cache
// keeps it.
func startDownload(c echo.Context, filename string) {
	hdr := c.Response().Header()
	hdr.Set(echo.HeaderContentType, "text/csv; charset=utf-8")
	hdr.Set(echo.HeaderContentDisposition, `attachment; filename="`+filename+`"`)
	hdr.Set("Cache-Control", "no-store")
	c.Response().WriteHeader(http.StatusOK)
}
