package consent

// LaplaceOfBits exposes the draw behind every Noise, so that tests can hand
// it the extreme bit patterns no random source reliably produces.
var LaplaceOfBits = laplace
