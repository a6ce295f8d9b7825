// Package operations holds the approved operations the gateway ships (the
// *.graphql files of this directory, registered by the demo and by
// `go run ./server operations push operations`) and the format of such a
// file.
//
// A file is one GraphQL query, preceded by header comments:
//
//	# name: mail_magazine_audience
//	# purpose: MAIL_MAGAZINE
//	# description: What the mailer sends to.
//	query MailMagazineAudience($first: Int, $after: Cursor) { ... }
//
// The whole file, comments included, is the document: its id is
// "sha256:" + the hex SHA-256 of the file's exact bytes (what `sha256sum`
// prints), so that any change to it, even to a comment, makes another
// operation that needs its own approval.
//
// A file says nothing of its approval: an operation is registered pending
// and approved by a second admin's own action (approveOperation), recorded
// from that admin's token. The "# approvedBy:" header of earlier versions,
// a claim anyone could write, is refused.
//
// It imports nothing of the project (the GraphQL layer imports it); Pusher
// is the client behind `go run ./server operations push`.
package operations

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strings"
)

// shipped holds the operations shipped with the gateway.
//
//go:embed *.graphql
var shipped embed.FS

// File is one operation file: its header and its document.
type File struct {
	Path        string // the file it was read from
	Name        string // "# name:", else the file's base name without .graphql
	Purpose     string // "# purpose:", required: a purpose code of policy §4
	Description string // "# description:", optional; several lines are joined with spaces
	Document    string // the whole file
}

// ID returns the document's id.
func (f File) ID() string { return ID(f.Document) }

// RegisterMutation is the GraphQL mutation that registers one operation,
// pending (an admin's; variables: {"in": RegisterOperationInput}), as the
// push command and the load generator send it.
const RegisterMutation = `mutation($in: RegisterOperationInput!) { registerOperation(input: $in) { id hash name } }`

// ApproveMutation is the GraphQL mutation by which a second admin approves
// a registered operation (variables: {"id": its node id}).
const ApproveMutation = `mutation($id: ID!) { approveOperation(id: $id) { hash approvedBy approvedAt } }`

// ID returns the id of a document: "sha256:" and the lowercase hex SHA-256
// of its exact text.
func ID(document string) string {
	sum := sha256.Sum256([]byte(document))
	return "sha256:" + hex.EncodeToString(sum[:])
}

// idRe matches a document id.
var idRe = regexp.MustCompile(`^sha256:[0-9a-f]{64}$`)

// ValidID reports whether id has the form of a document id.
func ValidID(id string) bool { return idRe.MatchString(id) }

// ErrHeader is wrapped by every error of a file's header.
var ErrHeader = errors.New("invalid operation header")

// headerRe matches a header line: "# key: value".
var headerRe = regexp.MustCompile(`^#\s*([A-Za-z]+)\s*:\s*(.*?)\s*$`)

// Parse reads an operation file: the header comments at its top (up to the
// first line that is neither blank nor a comment) and the document. Other
// comment lines are kept in the document and otherwise ignored.
func Parse(name string, data []byte) (File, error) {
	f := File{Path: name, Name: strings.TrimSuffix(path.Base(name), ".graphql"), Document: string(data)}
	seen := map[string]bool{}
	for line := range strings.Lines(f.Document) {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		if !strings.HasPrefix(line, "#") {
			break
		}
		m := headerRe.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		key, value := m[1], m[2]
		if seen[key] && key != "description" {
			return File{}, fmt.Errorf("%s: %w: %q given twice", name, ErrHeader, key)
		}
		seen[key] = true
		switch key {
		case "name":
			f.Name = value
		case "purpose":
			f.Purpose = value
		case "description":
			f.Description = strings.TrimSpace(f.Description + " " + value)
		case "approvedBy":
			return File{}, fmt.Errorf("%s: %w: \"# approvedBy:\" is not read: an operation is approved by a second admin's approveOperation, not by its file; remove the line", name, ErrHeader)
		}
	}
	switch {
	case f.Purpose == "":
		return File{}, fmt.Errorf("%s: %w: \"# purpose:\" is required", name, ErrHeader)
	case f.Name == "":
		return File{}, fmt.Errorf("%s: %w: \"# name:\" is empty", name, ErrHeader)
	}
	return f, nil
}

// ReadDir reads every *.graphql file of fsys's directory dir, in name
// order.
func ReadDir(fsys fs.FS, dir string) ([]File, error) {
	names, err := fs.Glob(fsys, path.Join(dir, "*.graphql"))
	if err != nil {
		return nil, err
	}
	slices.Sort(names)
	files := make([]File, 0, len(names))
	for _, n := range names {
		data, err := fs.ReadFile(fsys, n)
		if err != nil {
			return nil, err
		}
		f, err := Parse(n, data)
		if err != nil {
			return nil, err
		}
		files = append(files, f)
	}
	return files, nil
}

// Shipped returns the operations shipped with the gateway, in name order.
func Shipped() ([]File, error) { return ReadDir(shipped, ".") }
