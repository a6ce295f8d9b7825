package migrations

// ApplyDir exposes applyDir to the tests.
var ApplyDir = applyDir
