package load

import "testing"

// TestEndpointRefusesRemoteHosts: the -url flag's checks (the command's
// refusal is tested with the command).
func TestEndpointRefusesRemoteHosts(t *testing.T) {
	for _, tt := range []struct {
		url, endpoint string // endpoint "": refused
	}{
		{"http://127.0.0.1:8080", "http://127.0.0.1:8080/graphql"},
		{"http://127.0.0.1:8080/", "http://127.0.0.1:8080/graphql"},
		{"http://127.1.2.3:9/graphql", "http://127.1.2.3:9/graphql"},
		{"http://localhost:8080", "http://localhost:8080/graphql"},
		{"https://LocalHost", "https://LocalHost/graphql"},
		{"http://[::1]:8080/api", "http://[::1]:8080/api/graphql"},
		{"http://example.com:8080", ""},
		{"http://10.0.0.1:8080", ""},
		{"http://0.0.0.0:8080", ""},
		{"http://[::]:8080", ""},
		{"http://192.0.2.1", ""},
		{"http://localhost.example.com", ""},
		{"http://127.0.0.1.nip.io", ""},
		{"http://user@127.0.0.1:8080", ""},
		{"ftp://127.0.0.1", ""},
		{"127.0.0.1:8080", ""},
		{"http://127.0.0.1:8080/?x=1", ""},
	} {
		got, err := Endpoint(tt.url, false)
		if tt.endpoint == "" && err == nil {
			t.Errorf("Endpoint(%q) = %q, want it refused", tt.url, got)
		}
		if tt.endpoint != "" && (err != nil || got != tt.endpoint) {
			t.Errorf("Endpoint(%q) = %q, %v; want %q", tt.url, got, err, tt.endpoint)
		}
	}
	if got, err := Endpoint("http://example.com:8080", true); err != nil || got != "http://example.com:8080/graphql" {
		t.Errorf("with -allow-remote: %q, %v", got, err)
	}
}
