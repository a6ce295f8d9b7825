# consentgate: the gateway as a container image.
#
#   docker build -t consentgate .
#   docker run --read-only --tmpfs /tmp -v consentgate-data:/data -p 8080:8080 \
#     -e CONSENTGATE_JWT_SECRET=... -e CONSENTGATE_HASH_KEY=... consentgate
#
# Multi-stage: the builder compiles with cgo (the SQLite driver is C); the
# runtime image is distroless with glibc, runs as a non-root user, and
# needs nothing writable but the data volume (and /tmp for SQLite's
# temporary files): run it with a read-only root filesystem. Migrate a
# database first (`docker run ... consentgate migrate`), or start with
# -demo. Where no container builder exists (CI here), TestDockerfileBuild
# runs the builder's `go build` line below and the binary it makes.

FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=1 go build -ldflags="-s -w" -o /out/consentgate ./server

FROM gcr.io/distroless/base-debian12:nonroot
COPY --from=build /out/consentgate /usr/local/bin/consentgate
VOLUME /data
WORKDIR /data
ENV DATABASE_URL="file:/data/consentgate.db?_fk=1&_journal_mode=WAL&_busy_timeout=5000&_txlock=immediate&_secure_delete=true"
USER nonroot:nonroot
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/consentgate"]
