package web

import (
	"encoding/csv"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/greenroom-dev/greenroom/internal/audit"
	"github.com/greenroom-dev/greenroom/internal/ivs"
	"github.com/greenroom-dev/greenroom/web/form"
)

var exportHeader = []string{"participantId", "userId", "state", "firstJoinTime", "published", "recordingState",
	"replicationType", "replicationState", "sourceStageArn", "sourceSessionId", "redundantIngest", "ingestConfigurationArn"}

// sessionExport streams every participant of a session (with the filter of
// the view) as CSV: each page is written and flushed as it arrives, so the
// memory used does not grow with the number of participants.
func (h *handler) sessionExport(c echo.Context) error {
	ref, err := parseRef(c)
	if err != nil {
		return err
	}
	f, err := form.ParseParticipantFilter(c.QueryParams())
	if err != nil {
		return badRequest(err.Error())
	}
	var q ivs.ParticipantQuery
	f.Next = "" // an export is always of every page
	f.Apply(&q)
	name := "participants-" + ref.StageID + "-" + ref.SessionID
	if k := f.Kind(); k != "" {
		name += "-" + k
	}
	w := csv.NewWriter(c.Response())
	record := make([]string, len(exportHeader))
	rows := 0
	err = h.console.ExportParticipants(c.Request().Context(), ref, q, func(page []ivs.Participant, first bool) error {
		if first { // the first page is in: a failure before it is still an error page
			startDownload(c, name+".csv")
			_ = w.Write(exportHeader)
		}
		for i := range page {
			participantRecord(record, &page[i])
			_ = w.Write(record)
		}
		rows += len(page)
		w.Flush()
		c.Response().Flush()
		return w.Error()
	})
	if err != nil && c.Response().Committed {
		// The status is sent: say in the file itself that it is cut short.
		_ = w.Write([]string{"#ERROR", "export incomplete after " + strconv.Itoa(rows) + " rows: " + ivs.RedactStreamKeys(err.Error())})
		w.Flush()
		h.Logger.Warn("export cut short", "request_id", requestID(c), "rows", rows, "error", safeErrorText(err))
		return nil
	}
	return err
}

// participantRecord fills a CSV record with a participant, reusing record.
// Every text cell goes through the audit export's formula guard: one guard
// for both exports.
func participantRecord(record []string, p *ivs.Participant) {
	record[0] = audit.SpreadsheetSafe(p.ID)
	record[1] = audit.SpreadsheetSafe(p.UserID)
	record[2] = audit.SpreadsheetSafe(p.State)
	record[3] = ""
	if !p.FirstJoinTime.IsZero() {
		record[3] = p.FirstJoinTime.UTC().Format(time.RFC3339)
	}
	record[4] = strconv.FormatBool(p.Published)
	record[5] = audit.SpreadsheetSafe(p.RecordingState)
	record[6] = audit.SpreadsheetSafe(p.ReplicationType)
	record[7] = audit.SpreadsheetSafe(p.ReplicationState)
	record[8] = audit.SpreadsheetSafe(p.SourceStageARN)
	record[9] = audit.SpreadsheetSafe(p.SourceSessionID)
	record[10] = strconv.FormatBool(p.RedundantIngest)
	record[11] = audit.SpreadsheetSafe(p.IngestConfigurationARN)
}
