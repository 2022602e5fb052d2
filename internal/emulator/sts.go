package emulator

import (
	"encoding/xml"
	"io"
	"net/http"
	"net/url"
)

// serveSTS answers STS GetCallerIdentity (query protocol) so a console
// pointed at the emulator learns its account id through the real STS client.
func (e *Emulator) serveSTS(w http.ResponseWriter, r *http.Request) {
	rid := w.Header().Get("x-amzn-RequestId")
	if r.Method != http.MethodPost {
		stsError(w, http.StatusBadRequest, "InvalidAction", "Only POST is supported", rid)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 64<<10))
	if err != nil {
		stsError(w, http.StatusBadRequest, "MalformedInput", "The request body could not be read", rid)
		return
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		stsError(w, http.StatusBadRequest, "MalformedInput", "The request body is not a valid form", rid)
		return
	}
	if form.Get("Action") != "GetCallerIdentity" {
		stsError(w, http.StatusBadRequest, "InvalidAction", "The emulator answers only GetCallerIdentity", rid)
		return
	}
	type result struct {
		Arn     string `xml:"Arn"`
		UserID  string `xml:"UserId"`
		Account string `xml:"Account"`
	}
	resp := struct {
		XMLName  xml.Name `xml:"GetCallerIdentityResponse"`
		Xmlns    string   `xml:"xmlns,attr"`
		Result   result   `xml:"GetCallerIdentityResult"`
		Metadata struct {
			RequestID string `xml:"RequestId"`
		} `xml:"ResponseMetadata"`
	}{Xmlns: "https://sts.amazonaws.com/doc/2011-06-15/",
		Result: result{"arn:aws:iam::" + e.opts.AccountID + ":user/ivs-emulator", "AIDAEMULATOR0000000000", e.opts.AccountID}}
	resp.Metadata.RequestID = rid
	w.Header().Set("Content-Type", "text/xml")
	_, _ = io.WriteString(w, xml.Header)
	_ = xml.NewEncoder(w).Encode(resp)
}

func stsError(w http.ResponseWriter, status int, code, msg, rid string) {
	type errXML struct {
		Type    string `xml:"Type"`
		Code    string `xml:"Code"`
		Message string `xml:"Message"`
	}
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(status)
	_ = xml.NewEncoder(w).Encode(struct {
		XMLName   xml.Name `xml:"ErrorResponse"`
		Xmlns     string   `xml:"xmlns,attr"`
		Error     errXML   `xml:"Error"`
		RequestID string   `xml:"RequestId"`
	}{Xmlns: "https://sts.amazonaws.com/doc/2011-06-15/", Error: errXML{"Sender", code, msg}, RequestID: rid})
}
