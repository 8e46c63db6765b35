# syntax=docker/dockerfile:1
# Build: docker build -t convexgw .
# Run:   docker run -p 8080:8080 -e CONVEX_URL=... -e CONVEX_DEPLOY_KEY=... \
#          -e SESSION_SECRET=... -e CSRF_SECRET=... -e SIGNING_KEY_FILE=/keys/signing.pem \
#          -v $PWD/keys:/keys:ro convexgw
#        docker run -p 127.0.0.1:8080:8080 -e LISTEN_ADDR=0.0.0.0:8080 -e ALLOW_INSECURE=dev-listen \
#          -e PUBLIC_URL=http://localhost:8080 convexgw -dev                  (demo only)

FROM golang:1.26 AS build
WORKDIR /src
# Module downloads are cached in their own layer.
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# The same binary `go build ./cmd/gateway` gives a user: static, no cgo.
RUN CGO_ENABLED=0 GOOS=linux go build -trimpath -ldflags="-s -w" -o /out/gateway ./cmd/gateway

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/gateway /gateway
USER nonroot:nonroot
ENV LISTEN_ADDR=:8080
EXPOSE 8080
# distroless has no shell or curl: the binary checks itself (GET /healthz).
HEALTHCHECK --interval=15s --timeout=5s --start-period=5s --retries=3 CMD ["/gateway", "-healthcheck"]
ENTRYPOINT ["/gateway"]
