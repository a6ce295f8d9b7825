package consent

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	yaml "go.yaml.in/yaml/v3"
)

// loader collects the problems of one document.
type loader struct {
	file string
	errs []*PolicyError
}

func (l *loader) add(line int, key, msg string) {
	l.errs = append(l.errs, &PolicyError{File: l.file, Line: line, Key: key, Msg: msg})
}

var yamlLine = regexp.MustCompile(`^line (\d+): (.*)$`)

// parse returns the document's root mapping, or nil after reporting why
// there is none.
func (l *loader) parse(data []byte) *yaml.Node {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			l.add(1, "", "empty policy document")
		} else {
			l.yamlError(err)
		}
		return nil
	}
	var extra yaml.Node
	switch err := dec.Decode(&extra); {
	case errors.Is(err, io.EOF):
	case err != nil:
		l.yamlError(err)
		return nil
	default:
		l.add(extra.Line, "", "more than one YAML document")
		return nil
	}
	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}
	switch {
	case root.Kind == yaml.ScalarNode && root.ShortTag() == "!!null":
		l.add(1, "", "empty policy document")
		return nil
	case root.Kind != yaml.MappingNode:
		l.add(root.Line, "", "a policy document must be a mapping of version, minGroupSize, purposes, roles and rules")
		return nil
	}
	return root
}

// yamlError reports a syntax error of the YAML library at the line it
// names, or at line 1 when it names none.
func (l *loader) yamlError(err error) {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line := 1
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		if n, err := strconv.Atoi(m[1]); err == nil {
			line, msg = n, m[2]
		}
	}
	l.add(line, "", "malformed YAML: "+strings.Join(strings.Fields(msg), " "))
}

// entry is one key: value pair of a mapping.
type entry struct {
	key  string
	path string // dotted key path, for messages
	line int    // the key's line
	val  *yaml.Node
}

// entries returns the pairs of mapping n (at path), reporting and leaving
// out keys that are not strings, duplicate keys and alias values. present
// holds every string key seen, so that an invalid entry is not also
// reported as missing.
func (l *loader) entries(n *yaml.Node, path string) (out []entry, present map[string]bool) {
	first := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode || k.ShortTag() != "!!str" {
			msg := "keys must be strings"
			if k.ShortTag() == "!!merge" {
				msg = "merge keys (<<) are not supported"
			}
			l.add(k.Line, path, msg)
			continue
		}
		p := keyPath(path, k.Value)
		if line, dup := first[k.Value]; dup {
			l.add(k.Line, p, fmt.Sprintf("duplicate key (first at line %d)", line))
			continue
		}
		first[k.Value] = k.Line
		if v.Kind == yaml.AliasNode {
			l.add(v.Line, p, "aliases are not supported")
			continue
		}
		out = append(out, entry{key: k.Value, path: p, line: k.Line, val: v})
	}
	present = make(map[string]bool, len(first))
	for k := range first {
		present[k] = true
	}
	return out, present
}

var plainKey = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

// keyPath appends key to path, quoting a key that is not a plain name so
// that a message stays one unambiguous line.
func keyPath(path, key string) string {
	if !plainKey.MatchString(key) {
		key = strconv.Quote(key)
	}
	if path == "" {
		return key
	}
	return path + "." + key
}

// str returns the value of a string scalar.
func str(n *yaml.Node) (string, bool) {
	return n.Value, n.Kind == yaml.ScalarNode && n.ShortTag() == "!!str"
}

// integer returns the value of an integer scalar.
func integer(n *yaml.Node) (int, bool) {
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!int" {
		return 0, false
	}
	var i int
	if err := n.Decode(&i); err != nil {
		return 0, false
	}
	return i, true
}

// describe shows a value in a message: quoted and shortened if a scalar,
// its kind otherwise.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if n.ShortTag() == "!!null" {
			return "nothing"
		}
		v := n.Value
		if r := []rune(v); len(r) > 40 {
			v = string(r[:40]) + "…"
		}
		return strconv.Quote(v)
	}
	return "an alias"
}

func joinNames[T ~string](xs []T) string {
	if len(xs) == 0 {
		return "none"
	}
	return strings.Join(stringsOf(xs), ", ")
}
