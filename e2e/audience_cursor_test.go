package e2e

import (
	"bytes"
	"encoding/base64"
	binenc "encoding/binary"
	"slices"
	"strconv"
	"strings"
	"testing"

	"entgo.io/contrib/entgql"

	"consentgate/consent"
	"consentgate/ent"
)

const audiencePage = `query($first: Int, $after: Cursor, $last: Int, $before: Cursor) {
  applicants(first: $first, after: $after, last: $last, before: $before) {
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { name email } } } }`

// TestMailAudienceCursorsHoldNoId: the mail magazine's audience selects
// names and emails; its cursors hold no applicant id (nor anything else of
// a subscriber's) however they are decoded, are all of one length, and
// still page through every subscriber exactly once, either way; a cursor the gateway did not seal for this query (a plain one naming
// an id, an altered one, another account's) is refused.
func TestMailAudienceCursorsHoldNoId(t *testing.T) {
	forEachBackend(t, func(t *testing.T, client *ent.Client) {
		w := newStatsWorld(t, client)
		f := &fixture{client: client}
		f.handler = testGateway(client, nil, nil)
		var subscribers []string
		for account, a := range w.people {
			if strings.HasPrefix(account, "tokyo-") {
				w.consent(t, account, "MAIL_MAGAZINE", true) // 25
				subscribers = append(subscribers, a.Name)
			}
		}
		slices.Sort(subscribers)
		type page struct {
			names       []string
			start, end  string
			hasNext     bool
			hasPrevious bool
		}
		var cursors []string
		get := func(v *consent.Viewer, vars map[string]any) (page, gqlResponse) {
			t.Helper()
			r := f.post(t, v, audiencePage, vars)
			var p page
			if len(r.Errors) > 0 {
				return p, r
			}
			conn := dig(r.Data, "applicants")
			for _, e := range dig(conn, "edges").([]any) {
				p.names = append(p.names, dig(e, "node", "name").(string))
				cursors = append(cursors, dig(e, "cursor").(string))
			}
			p.start, _ = dig(conn, "pageInfo", "startCursor").(string)
			p.end, _ = dig(conn, "pageInfo", "endCursor").(string)
			cursors = append(cursors, p.start, p.end)
			p.hasNext = dig(conn, "pageInfo", "hasNextPage") == true
			p.hasPrevious = dig(conn, "pageInfo", "hasPreviousPage") == true
			return p, r
		}
		mailer := as("mailer")
		// Forwards, ten at a time.
		var pages []page
		vars := map[string]any{"first": 10}
		for {
			p, r := get(mailer, vars)
			if len(r.Errors) > 0 {
				t.Fatalf("page %d: %s", len(pages)+1, r.Raw)
			}
			pages = append(pages, p)
			if !p.hasNext {
				break
			}
			vars = map[string]any{"first": 10, "after": p.end}
		}
		var all []string
		for _, p := range pages {
			all = append(all, p.names...)
		}
		slices.Sort(all)
		if len(pages) != 3 || !slices.Equal(all, subscribers) {
			t.Fatalf("%d pages of %d names, want every one of the %d subscribers once", len(pages), len(all), len(subscribers))
		}
		// Backwards from the last page's start: the second page again.
		back, r := get(mailer, map[string]any{"last": 10, "before": pages[2].start})
		if len(r.Errors) > 0 || !slices.Equal(back.names, pages[1].names) {
			t.Fatalf("back from the last page: %v, want %v (%s)", back.names, pages[1].names, r.Raw)
		}

		// No cursor holds an id or a value of anyone's, decoded as
		// entgql decodes a cursor or taken as bytes.
		var secrets [][]byte
		for account, a := range w.people {
			secrets = append(secrets, []byte(account), []byte(a.Name), []byte(a.Email), []byte(strconv.Itoa(a.ID)),
				binenc.BigEndian.AppendUint64(nil, uint64(a.ID)), []byte(plainCursor(a.ID)))
			if a.ID < 1<<32 {
				secrets = append(secrets, binenc.BigEndian.AppendUint32(nil, uint32(a.ID)))
			}
		}
		length := len(cursors[0])
		for _, c := range cursors {
			if len(c) != length {
				t.Fatalf("cursors of %d and %d characters: the length tells something", length, len(c))
			}
			// Every cursor is sealed (graph/cursor), and the audience's
			// inside it again for its query (graph/audience.go): from the
			// outside, bytes that hold nothing.
			raw, err := base64.RawURLEncoding.DecodeString(c)
			if err != nil {
				t.Fatalf("a cursor that is not base64url: %q", c)
			}
			var decoded entgql.Cursor[int]
			if decoded.UnmarshalGQL(c) == nil && decoded.ID != 0 {
				t.Fatalf("a cursor entgql decodes to id %d", decoded.ID)
			}
			value, _ := decoded.Value.(string)
			inner := []byte(value)
			for _, s := range secrets {
				for _, b := range [][]byte{raw, inner, []byte(c), []byte(value)} {
					if bytes.Contains(b, s) {
						t.Fatalf("cursor %q holds %q", c, s)
					}
				}
			}
		}

		// Cursors the gateway did not seal for this query are refused.
		someone := w.people["tokyo-03"]
		altered := []byte(pages[0].end)
		altered[len(altered)/2] ^= 1
		for name, c := range map[string]string{
			"a plain cursor naming an id": plainCursor(someone.ID),
			"an altered cursor":           string(altered),
		} {
			if _, r := get(mailer, map[string]any{"first": 10, "after": c}); errorCode(r) != "BAD_USER_INPUT" || r.Data["applicants"] != nil {
				t.Fatalf("%s: %s", name, r.Raw)
			}
		}
		other := &consent.Viewer{Account: "mailer-2", Role: consent.Marketing, Purpose: consent.MailMagazine}
		if _, r := get(other, map[string]any{"first": 10, "after": pages[0].end}); errorCode(r) != "BAD_USER_INPUT" ||
			!strings.Contains(r.Raw, "not issued for this query") {
			t.Fatalf("another account's cursor: %s", r.Raw)
		}
	})
}

// plainCursor is entgql's cursor of the row with id: what the mail
// audience's cursors were.
func plainCursor(id int) string {
	var b bytes.Buffer
	entgql.Cursor[int]{ID: id}.MarshalGQL(&b)
	return strings.Trim(b.String(), `"`)
}
