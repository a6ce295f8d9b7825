package operations

import (
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"strings"
)

// Manifest is Apollo's persisted-query manifest
// (persisted-query-manifest.json, written by
// @apollo/generate-persisted-query-manifest): each operation's id is the
// hex SHA-256 of its body, which is this package's id without its
// "sha256:" prefix, so a client that sends Apollo's persisted-query hash
// names the approved operation its manifest registered.
type Manifest struct {
	Format     string `json:"format"`
	Version    int    `json:"version"`
	Operations []struct {
		ID   string `json:"id"`
		Name string `json:"name"`
		Type string `json:"type"`
		Body string `json:"body"`
	} `json:"operations"`
}

var nameRe = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_.-]{0,99}$`)

// ReadManifest reads an Apollo persisted-query manifest as operation files
// to register under purpose (the manifest does not say it). A manifest of another format or version, an operation whose id
// is not its body's, one that is not a query, or one without a usable
// name is refused, naming it; nothing is returned then.
func ReadManifest(r io.Reader, path, purpose string) ([]File, error) {
	var m Manifest
	dec := json.NewDecoder(io.LimitReader(r, 16<<20))
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("%s: not a persisted-query manifest: %w", path, err)
	}
	if m.Format != "apollo-persisted-query-manifest" || m.Version != 1 {
		return nil, fmt.Errorf("%s: format %q version %d; want apollo-persisted-query-manifest version 1", path, m.Format, m.Version)
	}
	if purpose == "" {
		return nil, fmt.Errorf("%s: a manifest names no purpose: give -purpose", path)
	}
	files := make([]File, 0, len(m.Operations))
	for i, op := range m.Operations {
		where := fmt.Sprintf("%s: operation %d", path, i+1)
		switch {
		case !nameRe.MatchString(op.Name):
			return nil, fmt.Errorf("%s: the name %q is not a usable operation name", where, op.Name)
		case op.Type != "query":
			return nil, fmt.Errorf("%s (%s): a %s; approved operations are queries", where, op.Name, op.Type)
		case "sha256:"+strings.ToLower(op.ID) != ID(op.Body):
			return nil, fmt.Errorf("%s (%s): its id is not the SHA-256 of its body", where, op.Name)
		}
		files = append(files, File{Path: path, Name: op.Name, Purpose: purpose, Document: op.Body,
			Description: "From the persisted-query manifest " + path + "."})
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("%s: no operations", path)
	}
	return files, nil
}
