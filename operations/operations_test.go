package operations

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"testing"
)

func TestParse(t *testing.T) {
	for _, c := range []struct {
		name, text string
		want       File // Document and Path are checked apart
		err        bool
	}{
		{"full.graphql", "# name: a_b\n# purpose: ANALYTICS\n# description: one\n#description: two\n\n# a comment: not a header key we know\nquery Q { jobs { totalCount } }\n# name: not a header any more\n",
			File{Name: "a_b", Purpose: "ANALYTICS", Description: "one two"}, false},
		{"dir/default_name.graphql", "# purpose: MAIL_MAGAZINE\n{ jobs { totalCount } }",
			File{Name: "default_name", Purpose: "MAIL_MAGAZINE"}, false},
		{"no_purpose.graphql", "# name: x\n{ jobs { totalCount } }", File{}, true},
		// A file does not approve itself: a header naming an approver is refused.
		{"approver_header.graphql", "# purpose: ANALYTICS\n# approvedBy: dpo\n{ jobs { totalCount } }", File{}, true},
		{"twice.graphql", "# purpose: ANALYTICS\n# purpose: ADVERTISING\n{ jobs { totalCount } }", File{}, true},
		{"late_header.graphql", "{ jobs { totalCount } }\n# purpose: ANALYTICS\n", File{}, true},
	} {
		got, err := Parse(c.name, []byte(c.text))
		if c.err {
			if !errors.Is(err, ErrHeader) {
				t.Errorf("%s: %v, want an ErrHeader", c.name, err)
			}
			continue
		}
		if err != nil || got.Name != c.want.Name || got.Purpose != c.want.Purpose || got.Description != c.want.Description ||
			got.Document != c.text || got.Path != c.name {
			t.Errorf("%s: %+v, %v; want %+v", c.name, got, err, c.want)
		}
	}
}

// TestID: an id is what sha256sum prints of the file, prefixed.
func TestID(t *testing.T) {
	doc := "{ jobs { totalCount } }\n"
	sum := sha256.Sum256([]byte(doc))
	if got := ID(doc); got != "sha256:"+hex.EncodeToString(sum[:]) || !ValidID(got) {
		t.Errorf("ID = %s", got)
	}
	for _, bad := range []string{"", "sha256:", "sha256:" + hex.EncodeToString(sum[:])[:63], "SHA256:" + hex.EncodeToString(sum[:]), "md5:00"} {
		if ValidID(bad) {
			t.Errorf("ValidID(%q)", bad)
		}
	}
}

func TestShipped(t *testing.T) {
	files, err := Shipped()
	if err != nil || len(files) == 0 {
		t.Fatalf("Shipped() = %v, %v", files, err)
	}
	for _, f := range files {
		if f.Name == "" || f.Purpose == "" {
			t.Errorf("%s: incomplete header: %+v", f.Path, f)
		}
	}
}
