/*
 * Convex stand-in for the benchmark: answers POST /api/mutation with
 *   200 {"status":"success","value":null}
 * as fast as one epoll loop on one thread can. It stands for a remote Convex deployment, which costs the
 * machine under test nothing, so it is written to cost as little CPU per request as possible (a Node http
 * server costs several times more per request and would eat into the CPU the runtime and the peer share).
 *
 * HTTP/1.1 keep-alive, Content-Length or chunked request bodies, pipelining-safe.
 * A body that does not name users:upsertFromClerk / users:deleteFromClerk, or lacks "format":"json",
 * is answered 400 (Convex's BadJsonBody shape) and counted, so a wrong request shape shows up as errors.
 * GET /stats -> {"ok":N,"bad":M,"other":K,"query":Q}   (counts since start; the bench reads it before/after a phase;
 *               query = mutation requests whose request line carried a query string: accepted, counted, reported)
 *
 * Usage: convex-standin PORT      (binds 127.0.0.1 only; stops on SIGTERM/SIGINT, printing its counts)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

typedef struct {
    int fd;
    char *in; size_t in_len, in_cap;
    char *out; size_t out_len, out_cap;
    int want_close;
    int epout; /* EPOLLOUT currently registered */
} conn_t;

static volatile sig_atomic_t stop_flag = 0;
static unsigned long long n_ok = 0, n_bad = 0, n_other = 0, n_query = 0;

static void on_signal(int s) { (void)s; stop_flag = 1; }

static void ensure(char **buf, size_t *cap, size_t need) {
    if (need <= *cap) return;
    size_t c = *cap ? *cap : 4096;
    while (c < need) c *= 2;
    char *n = realloc(*buf, c);
    if (!n) { perror("realloc"); exit(1); }
    *buf = n; *cap = c;
}

static void append_out(conn_t *c, const char *s, size_t n) {
    ensure(&c->out, &c->out_cap, c->out_len + n);
    memcpy(c->out + c->out_len, s, n);
    c->out_len += n;
}

static void respond(conn_t *c, int code, const char *reason, const char *body) {
    char hdr[256];
    size_t bl = strlen(body);
    int hl = snprintf(hdr, sizeof hdr,
                      "HTTP/1.1 %d %s\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n%s\r\n",
                      code, reason, bl, c->want_close ? "Connection: close\r\n" : "");
    append_out(c, hdr, (size_t)hl);
    append_out(c, body, bl);
}

/* Find header value (case-insensitive name) inside [h, end). Returns pointer to value or NULL. */
static const char *find_header(const char *h, const char *end, const char *name, size_t *vlen) {
    size_t nl = strlen(name);
    const char *p = h;
    while (p < end) {
        const char *eol = memmem(p, (size_t)(end - p), "\r\n", 2);
        if (!eol) eol = end;
        if ((size_t)(eol - p) > nl && p[nl] == ':' && strncasecmp(p, name, nl) == 0) {
            const char *v = p + nl + 1;
            while (v < eol && (*v == ' ' || *v == '\t')) v++;
            *vlen = (size_t)(eol - v);
            return v;
        }
        p = eol + 2;
    }
    return NULL;
}

/* Decode a chunked body starting at b (length avail). Returns total bytes consumed (incl. trailer) or 0 if
 * incomplete, -1 if malformed. Decoded bytes are compacted in place, *dlen set. */
static long dechunk(char *b, size_t avail, size_t *dlen) {
    size_t pos = 0, out = 0;
    for (;;) {
        char *eol = memmem(b + pos, avail - pos, "\r\n", 2);
        if (!eol) return 0;
        char *endp;
        unsigned long sz = strtoul(b + pos, &endp, 16);
        if (endp == b + pos) return -1;
        size_t data = (size_t)(eol - b) + 2;
        if (sz == 0) {
            /* skip trailers until empty line */
            size_t p2 = data;
            for (;;) {
                char *e2 = memmem(b + p2, avail - p2, "\r\n", 2);
                if (!e2) return 0;
                if (e2 == b + p2) { *dlen = out; return (long)(p2 + 2); }
                p2 = (size_t)(e2 - b) + 2;
            }
        }
        if (data + sz + 2 > avail) return 0;
        memmove(b + out, b + data, sz); /* out <= data always */
        out += sz;
        pos = data + sz + 2;
    }
}

/* Process as many complete requests as are buffered. Returns -1 on protocol error (close). */
static int process(conn_t *c) {
    for (;;) {
        char *hend = memmem(c->in, c->in_len, "\r\n\r\n", 4);
        if (!hend) return c->in_len > 65536 ? -1 : 0;
        size_t hlen = (size_t)(hend - c->in) + 4;
        char *line_end = memmem(c->in, hlen, "\r\n", 2);
        const char *hs = line_end + 2, *he = hend + 2;
        size_t vl;
        const char *v;
        size_t body_len = 0, consumed;
        char *body = c->in + hlen;
        if ((v = find_header(hs, he, "transfer-encoding", &vl)) && vl >= 7 && strncasecmp(v, "chunked", 7) == 0) {
            /* need a scratch copy: dechunk compacts in place which is fine since we consume the request */
            long r = dechunk(body, c->in_len - hlen, &body_len);
            if (r < 0) return -1;
            if (r == 0) return 0;
            consumed = hlen + (size_t)r;
        } else {
            if ((v = find_header(hs, he, "content-length", &vl))) body_len = strtoul(v, NULL, 10);
            if (c->in_len < hlen + body_len) return 0;
            consumed = hlen + body_len;
        }
        if ((v = find_header(hs, he, "connection", &vl)) && vl >= 5 && strncasecmp(v, "close", 5) == 0) c->want_close = 1;

        int query = strncmp(c->in, "POST /api/mutation?", 19) == 0;
        if (query && n_query++ < 1) /* counted and shown once; accepted like a plain path */
            fprintf(stderr, "stand-in: note: request line with a query string: %.*s\n", (int)(line_end - c->in), c->in);
        if (query || strncmp(c->in, "POST /api/mutation ", 19) == 0) {
            if ((memmem(body, body_len, "users:upsertFromClerk", 21) || memmem(body, body_len, "users:deleteFromClerk", 21))
                && memmem(body, body_len, "json", 4)) {
                n_ok++;
                respond(c, 200, "OK", "{\"status\":\"success\",\"value\":null}");
            } else {
                if (n_bad < 3) /* show the first few so that a wrong request shape is easy to see */
                    fprintf(stderr, "stand-in: unexpected request (%zu header bytes, %zu body bytes):\n%.*s%.*s\n---\n",
                            hlen, body_len, (int)hlen, c->in, (int)(body_len < 600 ? body_len : 600), body);
                n_bad++;
                respond(c, 400, "Bad Request", "{\"code\":\"BadJsonBody\",\"message\":\"stand-in: unexpected body\"}");
            }
        } else if (strncmp(c->in, "GET /stats ", 11) == 0) {
            char b[200];
            snprintf(b, sizeof b, "{\"ok\":%llu,\"bad\":%llu,\"other\":%llu,\"query\":%llu}", n_ok, n_bad, n_other, n_query);
            respond(c, 200, "OK", b);
        } else {
            if (n_other < 3)
                fprintf(stderr, "stand-in: unexpected request line: %.*s\n", (int)(line_end - c->in), c->in);
            n_other++;
            respond(c, 404, "Not Found", "{\"code\":\"NotFound\",\"message\":\"stand-in\"}");
        }
        memmove(c->in, c->in + consumed, c->in_len - consumed);
        c->in_len -= consumed;
        if (c->want_close) return 0;
    }
}

static int flush_out(conn_t *c) {
    size_t off = 0;
    while (off < c->out_len) {
        ssize_t w = write(c->fd, c->out + off, c->out_len - off);
        if (w < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK) break;
            if (errno == EINTR) continue;
            return -1;
        }
        off += (size_t)w;
    }
    memmove(c->out, c->out + off, c->out_len - off);
    c->out_len -= off;
    return 0;
}

static void close_conn(int ep, conn_t *c) {
    epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
    close(c->fd);
    free(c->in); free(c->out); free(c);
}

int main(int argc, char **argv) {
    if (argc < 2) { fprintf(stderr, "usage: %s PORT\n", argv[0]); return 2; }
    int port = atoi(argv[1]);
    signal(SIGPIPE, SIG_IGN);
    struct sigaction sa = {0};
    sa.sa_handler = on_signal;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);

    int ls = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    int one = 1;
    setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(ls, (struct sockaddr *)&a, sizeof a) < 0) { perror("bind"); return 1; }
    if (listen(ls, 1024) < 0) { perror("listen"); return 1; }

    int ep = epoll_create1(0);
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = NULL};
    epoll_ctl(ep, EPOLL_CTL_ADD, ls, &ev);
    fprintf(stderr, "convex-standin listening on 127.0.0.1:%d\n", port);

    struct epoll_event evs[256];
    while (!stop_flag) {
        int n = epoll_wait(ep, evs, 256, 500);
        if (n < 0) { if (errno == EINTR) continue; perror("epoll_wait"); break; }
        for (int i = 0; i < n; i++) {
            if (evs[i].data.ptr == NULL) {
                for (;;) {
                    int fd = accept4(ls, NULL, NULL, SOCK_NONBLOCK);
                    if (fd < 0) break;
                    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                    conn_t *c = calloc(1, sizeof *c);
                    c->fd = fd;
                    struct epoll_event ce = {.events = EPOLLIN | EPOLLRDHUP, .data.ptr = c};
                    epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ce);
                }
                continue;
            }
            conn_t *c = evs[i].data.ptr;
            int dead = 0;
            if (evs[i].events & EPOLLIN) {
                for (;;) {
                    ensure(&c->in, &c->in_cap, c->in_len + 16384);
                    ssize_t r = read(c->fd, c->in + c->in_len, c->in_cap - c->in_len);
                    if (r > 0) { c->in_len += (size_t)r; continue; }
                    if (r == 0) { dead = 1; break; }
                    if (errno == EAGAIN || errno == EWOULDBLOCK) break;
                    if (errno == EINTR) continue;
                    dead = 1; break;
                }
                if (process(c) < 0) dead = 1;
            }
            if (!dead && (c->out_len > 0 || (evs[i].events & EPOLLOUT))) {
                if (flush_out(c) < 0) dead = 1;
            }
            if (!dead && c->want_close && c->out_len == 0) dead = 1;
            if (!dead && (evs[i].events & (EPOLLERR | EPOLLHUP))) dead = 1;
            if (dead) { close_conn(ep, c); continue; }
            if ((c->out_len > 0) != c->epout) { /* only touch epoll when the write interest changes */
                c->epout = c->out_len > 0;
                struct epoll_event ce = {.events = EPOLLIN | EPOLLRDHUP | (c->epout ? EPOLLOUT : 0), .data.ptr = c};
                epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ce);
            }
        }
    }
    fprintf(stderr, "convex-standin stopping: ok=%llu bad=%llu other=%llu query=%llu\n", n_ok, n_bad, n_other, n_query);
    return 0;
}
