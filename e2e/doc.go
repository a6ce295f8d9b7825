// Package e2e is consentgate's end-to-end suite: the security properties
// (access, non-interference, records, requests, grants, statistics, the
// consent ledger and its state) and the HTTP behaviour, tested through the
// gateway's real handler on SQLite and PostgreSQL.
//
// Its tests share one fixture (fixture_test.go: a small world whose every
// personal value is a canary) and one forEachBackend (backends_test.go);
// commands are run as the built binary (command_test.go). Unit tests sit
// beside the code they test, in its own package; this package has no code
// but this comment.
package e2e
