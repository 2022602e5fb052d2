# Greenroom: a small non-root image with the static binary (assets embedded).
# docker build -t greenroom . && docker run -p 8080:8080 -e GREENROOM_AUTH=proxy ... greenroom
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# Generated templ files and built assets are committed: no Node.js needed here.
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/greenroom ./cmd/greenroom \
 && CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/ivs-emulator ./cmd/ivs-emulator \
 && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/greenroom /out/ivs-emulator /usr/local/bin/
COPY --from=build --chown=nonroot:nonroot /out/data /data
USER nonroot:nonroot
ENV GREENROOM_ADDR=0.0.0.0:8080 GREENROOM_AUDIT_DB=/data/audit.db
VOLUME /data
EXPOSE 8080
HEALTHCHECK NONE
ENTRYPOINT ["/usr/local/bin/greenroom"]
