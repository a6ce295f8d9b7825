package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"

	"consentgate/demo"
)

// TestREADMEExamples runs every shell example of README.md, in order, as
// a reader would, against a fresh `-demo` (SQLite; PostgreSQL too when
// CONSENTGATE_TEST_POSTGRES is set), and compares each command's answer
// with the one the README shows after it.
//
// Which blocks run: every fenced block whose info string starts with sh,
// bash or shell, unless the line right before its fence is
// `<!-- not run: REASON -->` with a reason (the gateway's own start, the
// test suite, docker, a production start); those are logged with their
// reason. A `not run` comment anywhere else is an error.
//
// How they run: all in one `bash -euo pipefail` process (variables and
// functions carry from block to block), from the repository root, with
// stdout and stderr together, after sourcing what `-demo` printed on
// stdout (as the README's `. ./demo.env`, which must export every role's
// token), HOME and TMPDIR in a
// temporary directory, and `go` a shell function that runs
// `go run ./server ARGS` as the built binary (and refuses anything else).
// The gateway listens on a free port, not 8080: `localhost:8080` in the
// blocks' text becomes `localhost:PORT`, and PORT is exported (as it
// would be for a gateway started with it). Nothing else of the text is
// changed.
//
// Commands and answers: a block's lines are commands, a line ending in a
// backslash continuing onto the next and a here-document's lines
// belonging to the command that opens it. The `#` comment lines right
// after a command (no blank line between) are its answer; other comment
// lines are the example's own. A command the README shows no answer for
// must print nothing. An answer whose text (its lines joined, "# "
// removed) starts with `{` or `[` is JSON, compared by shape with the
// output, which must be one JSON value:
//
//   - `…` where a value stands matches any value; as an object's member
//     (`{"code":"X",…}`) it allows members the README does not show; as
//     an array's element it matches any run of elements, none included
//     (`[{…},…]`: one or more; `[…,{…}]`: the last one).
//   - An object has exactly the members shown (unless `…` is one), each
//     matching. An array has the elements shown, in order, each matching
//     (`[]` is an empty array).
//   - A string containing `…` matches any string where `…` matches any
//     run of characters (`"sha256:…"`). A string that is an enum value or
//     an error code (capitals, digits and underscores, starting with a
//     capital: `"OPERATION_NOT_APPROVED"`, `"FEMALE"`) matches only
//     itself. Any other string (names, ids, times) matches any string.
//   - A number matches any number (counts and statistics vary: the
//     statistics are noisy by design). true, false and null match only
//     themselves.
//
// Any other answer is text: the output has as many lines as the answer,
// each matching its line with runs of white space taken as one space and
// `…` as any run of characters but white space (one field or a part of
// one: `sha256:…`).
func TestREADMEExamples(t *testing.T) {
	for _, tool := range []string{"bash", "curl", "jq", "sha256sum", "date", "openssl", "base64"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("the README's examples need %s, which is not on PATH (.ci/run installs it)", tool)
			}
			t.Skipf("the README's examples need %s, which is not on PATH", tool)
		}
	}
	src, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks, err := readmeBlocks(string(src))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, b := range blocks {
		if b.skip == "" {
			n += len(b.commands)
		}
	}
	if n == 0 {
		t.Fatal("no shell example to run in README.md")
	}
	t.Run("sqlite", func(t *testing.T) { runREADME(t, blocks, nil) })
	if dsn := os.Getenv("CONSENTGATE_TEST_POSTGRES"); dsn != "" {
		t.Run("postgres", func(t *testing.T) { runREADME(t, blocks, []string{"DATABASE_URL=" + emptyPostgres(t, dsn)}) })
	} else if os.Getenv("CI") == "true" {
		t.Fatal("CI must set CONSENTGATE_TEST_POSTGRES: the PostgreSQL variant may not be skipped there")
	} else {
		t.Log("CONSENTGATE_TEST_POSTGRES is not set: the PostgreSQL variant skipped")
	}
}

// runREADME starts -demo with env (a SQLite database in its working
// directory by default) and runs blocks against it.
func runREADME(t *testing.T, blocks []readmeBlock, env []string) {
	dir := t.TempDir()
	demoOut := filepath.Join(dir, "demo.env")
	f, err := os.Create(demoOut)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	addrs, err := startAllTo(t, env, []string{"listening"}, f, "-demo")
	if err != nil {
		t.Fatal(err)
	}
	_, port, _ := net.SplitHostPort(addrs["listening"])
	checkDemoTokens(t, demoOut)
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}

	var script strings.Builder
	script.WriteString(readmePreamble)
	var cmds []readmeCommand
	for _, b := range blocks {
		if b.skip != "" {
			t.Logf("README.md:%d: not run: %s", b.line, b.skip)
			continue
		}
		for _, c := range b.commands {
			fmt.Fprintf(&script, "%s\nprintf '\\n\\036%d\\036\\n'\n", strings.ReplaceAll(c.text, "localhost:8080", "localhost:"+port), len(cmds))
			cmds = append(cmds, c)
		}
	}
	path := filepath.Join(dir, "readme.sh")
	if err := os.WriteFile(path, []byte(script.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	tmp := filepath.Join(dir, "tmp")
	if err := os.Mkdir(tmp, 0o700); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute) // a hang, not a slow machine
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "-euo", "pipefail", path)
	cmd.Dir = root
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir, "TMPDIR=" + tmp, "PORT=" + port,
		"README_BINARY=" + binary(t), "README_DEMO_OUT=" + demoOut}
	out, runErr := cmd.Output()
	t.Logf("%d commands run", len(cmds))

	outputs, rest := splitOutputs(string(out), len(cmds))
	for i, o := range outputs {
		if err := cmds[i].check(o); err != nil {
			t.Errorf("README.md:%d: %v\n  command: %s\n  printed: %s", cmds[i].line, err, firstLine(cmds[i].text), clip(o))
		}
	}
	if runErr != nil || len(outputs) < len(cmds) {
		if len(outputs) < len(cmds) {
			t.Fatalf("README.md:%d: the example failed (%v):\n  command: %s\n  printed: %s", cmds[len(outputs)].line, runErr, firstLine(cmds[len(outputs)].text), clip(rest))
		}
		t.Fatalf("the examples' shell failed after the last one (%v): %s", runErr, clip(rest))
	}
}

// checkDemoTokens checks that what -demo printed, sourced by a shell as
// the README says, exports a token for every role.
func checkDemoTokens(t *testing.T, demoOut string) {
	t.Helper()
	out, err := exec.CommandContext(t.Context(), "bash", "-euo", "pipefail", "-c", `. "$1" && env`, "bash", demoOut).Output()
	if err != nil {
		t.Fatalf("sourcing what -demo printed: %v", err)
	}
	exported := map[string]bool{}
	for _, line := range strings.Split(string(out), "\n") {
		if name, value, ok := strings.Cut(line, "="); ok && strings.HasPrefix(value, "eyJ") {
			exported[name] = true
		}
	}
	for _, v := range demo.Viewers {
		if name := string(v.Role) + "_TOKEN"; !exported[name] {
			t.Errorf("what -demo printed, sourced, exports no %s", name)
		}
	}
}

// readmePreamble runs before the examples: errors to the compared output,
// `go run ./server` as the built binary, and the tokens -demo printed.
const readmePreamble = `exec 2>&1
go() {
  if [ "$#" -ge 2 ] && [ "$1" = run ] && [ "$2" = ./server ]; then
    shift 2
    "$README_BINARY" "$@"
  else
    echo "the README runner runs only 'go run ./server', not: go $*" >&2
    return 2
  fi
}
. "$README_DEMO_OUT"
`

// outputMark ends each command's output: a record separator around the
// command's index, on a line of its own.
var outputMark = regexp.MustCompile("\n\x1e([0-9]+)\x1e\n")

// splitOutputs splits the script's output into the commands' outputs, in
// order, and what was printed after the last complete one.
func splitOutputs(out string, n int) (outputs []string, rest string) {
	for len(outputs) < n {
		m := outputMark.FindStringSubmatchIndex(out)
		if m == nil {
			break
		}
		if i, _ := strconv.Atoi(out[m[2]:m[3]]); i != len(outputs) {
			break
		}
		outputs = append(outputs, out[:m[0]])
		out = out[m[1]:]
	}
	return outputs, out
}

// readmeBlock is one shell example of the README.
type readmeBlock struct {
	line     int    // of its opening fence
	skip     string // why it is not run; "" when it is
	commands []readmeCommand
}

// readmeCommand is a command of an example and the answer the README
// shows for it.
type readmeCommand struct {
	line   int      // of its first line
	text   string   // continuation lines and here-document included
	answer []string // its lines without "# "; none: it prints nothing
}

var (
	notRunRe  = regexp.MustCompile(`^<!-- not run: (.*\S.*) -->$`)
	heredocRe = regexp.MustCompile(`(?:^|[^<])<<-?\s*['"]?([A-Za-z_][A-Za-z0-9_]*)['"]?`)
)

// readmeBlocks returns the shell examples of a README, with their
// commands and answers.
func readmeBlocks(src string) ([]readmeBlock, error) {
	lines := strings.Split(src, "\n")
	var blocks []readmeBlock
	for i := 0; i < len(lines); i++ {
		if strings.HasPrefix(lines[i], "<!-- not run") {
			if !notRunRe.MatchString(lines[i]) {
				return nil, fmt.Errorf("README.md:%d: want <!-- not run: REASON -->", i+1)
			}
			if i+1 == len(lines) || !isShellFence(lines[i+1]) {
				return nil, fmt.Errorf("README.md:%d: a not-run comment not right before a shell example", i+1)
			}
		}
		if !strings.HasPrefix(lines[i], "```") {
			continue
		}
		end := i + 1
		for end < len(lines) && !strings.HasPrefix(lines[end], "```") {
			end++
		}
		if end == len(lines) {
			return nil, fmt.Errorf("README.md:%d: a code block that does not end", i+1)
		}
		if isShellFence(lines[i]) {
			b := readmeBlock{line: i + 1}
			if m := notRunRe.FindStringSubmatch(lines[max(i-1, 0)]); m != nil {
				b.skip = m[1]
			}
			var err error
			if b.commands, err = readmeCommands(lines[i+1:end], i+2); err != nil {
				return nil, err
			}
			blocks = append(blocks, b)
		}
		i = end
	}
	return blocks, nil
}

func isShellFence(line string) bool {
	info, ok := strings.CutPrefix(line, "```")
	f := strings.Fields(info)
	return ok && len(f) > 0 && slices.Contains([]string{"sh", "bash", "shell"}, f[0])
}

// readmeCommands splits a block's lines (the first being README line
// first) into commands and their answers.
func readmeCommands(lines []string, first int) ([]readmeCommand, error) {
	var cmds []readmeCommand
	answering := false
	for j := 0; j < len(lines); j++ {
		l := lines[j]
		switch {
		case strings.TrimSpace(l) == "":
			answering = false
		case strings.HasPrefix(l, "#"):
			if answering {
				c := &cmds[len(cmds)-1]
				c.answer = append(c.answer, strings.TrimPrefix(l[1:], " "))
			}
		default:
			c := readmeCommand{line: first + j}
			text := []string{l}
			for strings.HasSuffix(l, `\`) && j+1 < len(lines) {
				j++
				l = lines[j]
				text = append(text, l)
			}
			if m := heredocRe.FindStringSubmatch(strings.Join(text, "\n")); m != nil {
				for {
					j++
					if j == len(lines) {
						return nil, fmt.Errorf("README.md:%d: the here-document %s does not end", c.line, m[1])
					}
					text = append(text, lines[j])
					if lines[j] == m[1] {
						break
					}
				}
			}
			c.text = strings.Join(text, "\n")
			cmds = append(cmds, c)
			answering = true
		}
	}
	return cmds, nil
}

// check compares what the command printed with its answer.
func (c readmeCommand) check(printed string) error {
	printed = strings.TrimRight(printed, "\n")
	if len(c.answer) == 0 {
		if printed != "" {
			return errors.New("it prints something and the README shows no answer")
		}
		return nil
	}
	joined := ""
	for _, l := range c.answer {
		joined += strings.TrimSpace(l)
	}
	if !strings.HasPrefix(joined, "{") && !strings.HasPrefix(joined, "[") {
		return matchText(c.answer, printed)
	}
	want, err := parseAnswer(joined)
	if err != nil {
		return fmt.Errorf("the README's answer: %w", err)
	}
	dec := json.NewDecoder(strings.NewReader(printed))
	dec.UseNumber()
	var got any
	if err := dec.Decode(&got); err != nil {
		return fmt.Errorf("not JSON: %w", err)
	}
	if dec.More() {
		return errors.New("more than one JSON value")
	}
	return matchAnswer("answer", want, got)
}

// The README's … decodes to anyValue where it stands for a value or for
// an array's elements, and to a member named anyMember in an object.
const (
	anyValue  = "\x00…"
	anyMember = "\x00…member"
)

// parseAnswer decodes a JSON answer of the README, with its … marks.
func parseAnswer(text string) (any, error) {
	var b strings.Builder
	var open []rune // the brackets open outside strings
	inString, escaped := false, false
	last := ' ' // the last rune written outside strings but spaces
	for _, r := range text {
		if inString {
			b.WriteRune(r)
			switch {
			case escaped:
				escaped = false
			case r == '\\':
				escaped = true
			case r == '"':
				inString, last = false, '"'
			}
			continue
		}
		switch r {
		case '"':
			inString = true
		case '{', '[':
			open = append(open, r)
		case '}', ']':
			if len(open) > 0 {
				open = open[:len(open)-1]
			}
		case '…':
			if len(open) > 0 && open[len(open)-1] == '{' && (last == '{' || last == ',') {
				b.WriteString(`"\u0000…member":null`)
			} else {
				b.WriteString(`"\u0000…"`)
			}
			last = '"'
			continue
		}
		b.WriteRune(r)
		if !unicode.IsSpace(r) {
			last = r
		}
	}
	dec := json.NewDecoder(strings.NewReader(b.String()))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, errors.New("more than one JSON value")
	}
	return v, nil
}

// enumRe is the form of enum values and error codes, compared exactly.
var enumRe = regexp.MustCompile(`^[A-Z][A-Z0-9_]*$`)

// matchAnswer compares got with the README's want by the rules of
// TestREADMEExamples; path names where (answer.data.jobs.edges[0]).
func matchAnswer(path string, want, got any) error {
	switch w := want.(type) {
	case string:
		if w == anyValue {
			return nil
		}
		s, ok := got.(string)
		switch {
		case !ok:
			return fmt.Errorf("%s: %s, want a string", path, kind(got))
		case strings.Contains(w, "…") && !globMatch(w, s, "(?s:.*)"):
			return fmt.Errorf("%s: %q, want %q", path, s, w)
		case !strings.Contains(w, "…") && enumRe.MatchString(w) && s != w:
			return fmt.Errorf("%s: %q, want %q", path, s, w)
		}
	case json.Number:
		if _, ok := got.(json.Number); !ok {
			return fmt.Errorf("%s: %s, want a number", path, kind(got))
		}
	case bool, nil:
		if got != want {
			return fmt.Errorf("%s: %s, want %v", path, kind(got), want)
		}
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return fmt.Errorf("%s: %s, want an object", path, kind(got))
		}
		keys := make([]string, 0, len(w))
		for k := range w {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			if k == anyMember {
				continue
			}
			gv, ok := g[k]
			if !ok {
				return fmt.Errorf("%s: no %q", path, k)
			}
			if err := matchAnswer(path+"."+k, w[k], gv); err != nil {
				return err
			}
		}
		if _, more := w[anyMember]; !more {
			for k := range g {
				if _, ok := w[k]; !ok {
					return fmt.Errorf("%s: %q, which the README does not show", path, k)
				}
			}
		}
	case []any:
		g, ok := got.([]any)
		if !ok {
			return fmt.Errorf("%s: %s, want an array", path, kind(got))
		}
		return matchElements(path, w, g, 0)
	default:
		return fmt.Errorf("%s: the README's %T", path, want)
	}
	return nil
}

// matchElements matches got, the elements of an array from index at on,
// with want, where an anyValue matches any run of elements.
func matchElements(path string, want, got []any, at int) error {
	if len(want) == 0 {
		if len(got) > 0 {
			return fmt.Errorf("%s: %d elements, more than the README shows", path, at+len(got))
		}
		return nil
	}
	if s, ok := want[0].(string); ok && s == anyValue {
		var last error
		for k := 0; k <= len(got); k++ {
			if last = matchElements(path, want[1:], got[k:], at+k); last == nil {
				return nil
			}
		}
		return last
	}
	if len(got) == 0 {
		return fmt.Errorf("%s: %d elements, fewer than the README shows", path, at)
	}
	if err := matchAnswer(fmt.Sprintf("%s[%d]", path, at), want[0], got[0]); err != nil {
		return err
	}
	return matchElements(path, want[1:], got[1:], at+1)
}

// matchText compares a text answer, line by line.
func matchText(want []string, printed string) error {
	var got []string
	if printed != "" {
		got = strings.Split(printed, "\n")
	}
	if len(got) != len(want) {
		return fmt.Errorf("%d lines, want %d", len(got), len(want))
	}
	for i := range want {
		w, g := strings.Join(strings.Fields(want[i]), " "), strings.Join(strings.Fields(got[i]), " ")
		if !globMatch(w, g, `\S*`) {
			return fmt.Errorf("line %d: %q, want %q", i+1, g, w)
		}
	}
	return nil
}

// globMatch says whether s is pattern with each … replaced by a run of
// characters that the regular expression run matches.
func globMatch(pattern, s, run string) bool {
	parts := strings.Split(pattern, "…")
	for i, p := range parts {
		parts[i] = regexp.QuoteMeta(p)
	}
	return regexp.MustCompile(`^` + strings.Join(parts, run) + `$`).MatchString(s)
}

// kind names the JSON type of v, or the value itself for true, false and
// null.
func kind(v any) string {
	switch v := v.(type) {
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	case string:
		return fmt.Sprintf("the string %q", clip(v))
	case json.Number:
		return "the number " + v.String()
	case nil:
		return "null"
	default:
		return fmt.Sprint(v)
	}
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// clip shortens s for a failure message.
func clip(s string) string {
	if len(s) > 1500 {
		return s[:1500] + "…"
	}
	return s
}

// TestREADMEAnswerShapes checks the comparison TestREADMEExamples makes
// between an answer the README shows and what a command printed.
func TestREADMEAnswerShapes(t *testing.T) {
	for _, tc := range []struct {
		name, answer, printed string
		ok                    bool
	}{
		{"other names and numbers", `{"data":{"name":"Siti Saputra","count":46}}`, `{"data":{"name":"Zhou Fang","count":3}}`, true},
		{"a member not shown", `{"data":{"name":"x"}}`, `{"data":{"name":"x","email":"y"}}`, false},
		{"a member missing", `{"data":{"name":"x","email":"y"}}`, `{"data":{"name":"x"}}`, false},
		{"members allowed by …", `{"code":"FORBIDDEN",…}`, `{"code":"FORBIDDEN","requestId":"ab"}`, true},
		{"another code", `{"code":"FORBIDDEN",…}`, `{"code":"NOT_FOUND","requestId":"ab"}`, false},
		{"another enum value", `{"status":"APPLIED"}`, `{"status":"HIRED"}`, false},
		{"a string with …", `{"id":"sha256:…"}`, `{"id":"sha256:0a1b"}`, true},
		{"a string with … unmatched", `{"id":"sha256:…"}`, `{"id":"md5:0a1b"}`, false},
		{"… over words", `{"message":"may only run approved operations: …"}`, `{"message":"may only run approved operations: send an id, not a query"}`, true},
		{"a string for null", `{"at":"…"}`, `{"at":null}`, false},
		{"… for null", `{"at":…}`, `{"at":null}`, true},
		{"a string for a number", `{"n":1}`, `{"n":"1"}`, false},
		{"null exactly", `{"street":null}`, `{"street":"Midoricho"}`, false},
		{"false exactly", `{"live":false}`, `{"live":true}`, false},
		{"an empty array", `{"a":[]}`, `{"a":[1]}`, false},
		{"the elements shown", `{"a":[1]}`, `{"a":[1,2]}`, false},
		{"more elements after …", `{"a":[{"k":"A"},…]}`, `{"a":[{"k":"A"},{"k":"B"},{"k":"C"}]}`, true},
		{"one element at least", `{"a":[{"k":"A"},…]}`, `{"a":[]}`, false},
		{"the last element", `{"a":[…,{"k":"A"}]}`, `{"a":[{"k":"B"},{"k":"A"}]}`, true},
		{"not the last element", `{"a":[…,{"k":"A"}]}`, `{"a":[{"k":"A"},{"k":"B"}]}`, false},
		{"any array", `{"a":[…]}`, `{"a":[]}`, true},
		{"any object", `{"a":{…}}`, `{"a":{"b":[1]}}`, true},
		{"not JSON", `{"a":1}`, `curl: (7) Failed to connect`, false},
		{"text", "by_sex.graphql\tby_sex\tsha256:…\tregistered", "by_sex.graphql\tby_sex\tsha256:0a1b\tregistered", true},
		{"text, another word", "by_sex.graphql\tby_sex\tsha256:…\tregistered", "by_sex.graphql\tby_sex\tsha256:0a1b\talready registered", false},
		{"text, another line", "by_sex.graphql\tby_sex\tsha256:…\tregistered", "by_sex.graphql\tby_sex\tsha256:0a1b\tregistered\nmore", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := readmeCommand{answer: []string{tc.answer}}.check(tc.printed)
			if (err == nil) != tc.ok {
				t.Errorf("%s against %s: %v, want ok %v", tc.printed, tc.answer, err, tc.ok)
			}
		})
	}
	if err := (readmeCommand{}).check("something"); err == nil {
		t.Error("a command without an answer printed something and passed")
	}
}

// TestREADMEBlocks checks how TestREADMEExamples reads the README: shell
// blocks only, the reason a block is not run, continuation lines,
// here-documents, answers and the example's own comments.
func TestREADMEBlocks(t *testing.T) {
	src := "text\n\n<!-- not run: starts a server -->\n```sh\ngo run ./server -demo\n```\n\n```yaml\na: b\n```\n\n" +
		"```sh\n# an example's own comment\ncurl -s x \\\n  -d '{}'\n# {\"data\":\n#   {}}\n\ncat > f <<'EOF'\n# not a comment\nEOF\necho done\n# done\n```\n"
	blocks, err := readmeBlocks(src)
	if err != nil {
		t.Fatal(err)
	}
	want := []readmeBlock{
		{line: 4, skip: "starts a server", commands: []readmeCommand{{line: 5, text: "go run ./server -demo"}}},
		{line: 12, commands: []readmeCommand{
			{line: 14, text: "curl -s x \\\n  -d '{}'", answer: []string{`{"data":`, `  {}}`}},
			{line: 19, text: "cat > f <<'EOF'\n# not a comment\nEOF"},
			{line: 22, text: "echo done", answer: []string{"done"}},
		}},
	}
	if got, wantS := fmt.Sprintf("%#v", blocks), fmt.Sprintf("%#v", want); got != wantS {
		t.Errorf("blocks:\n%s\nwant:\n%s", got, wantS)
	}
	for _, bad := range []string{
		"<!-- not run -->\n```sh\nx\n```\n",
		"<!-- not run: why -->\n\n```sh\nx\n```\n",
		"<!-- not run: why -->\n```json\n{}\n```\n",
		"```sh\ncat <<EOF\nx\n```\n",
		"```sh\nx\n",
	} {
		if _, err := readmeBlocks(bad); err == nil {
			t.Errorf("no error for %q", bad)
		}
	}
}
