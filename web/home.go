package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/greenroom-dev/greenroom/views"
)

// home sends the console's address to the board when the watcher runs,
// else to the default region's stages.
func (h *handler) home(c echo.Context) error {
	if h.Live != nil {
		return c.Redirect(http.StatusFound, "/board")
	}
	return c.Redirect(http.StatusFound, views.StagesURL(string(h.defaultRegion())))
}

// regionHome sends /r/{region} to that region's stages.
func (h *handler) regionHome(c echo.Context) error {
	return c.Redirect(http.StatusFound, views.StagesURL(string(regionOf(c))))
}
