// openload: an open-loop HTTP/1.1 load generator for bench/discord-load.sh (RATE=...).
//
// wrk is closed-loop: each connection sends its next request only when the previous answer arrived, so a slow answer
// also delays the requests behind it, and their latency is never counted (coordinated omission). Discord does not
// wait for one user's answer before sending another user's interaction. This tool sends request k at its scheduled
// time t0 + k / rate, on whichever of its connections is free (one request at a time per connection, keep-alive), and
// counts each latency from that scheduled time: a request that had to wait for a free connection carries the wait.
//
// The requests come pre-built from a file (written by bench/FakeDiscordForBench "raw"): records "<length>\n<bytes>",
// each a whole HTTP/1.1 request. Answers may be framed by Content-Length or chunked.
//
// With -C instead of -r it is a closed loop, as wrk is: each connection sends its next request as soon as the previous
// answer has arrived, for SECONDS, and each latency counts from the moment its request went out. It does in C what
// wrk does with a Lua script, so it leaves the machine's CPU to the bot (bench/README, "Closed loop from bench/OpenLoad").
//
// Usage: openload -p PORT -r RATE -d SECONDS -c CONNECTIONS -f FILE [-o OFFSET] [-t TIMEOUT_S]
//        openload -p PORT -C -d SECONDS -c CONNECTIONS -f FILE [-o OFFSET] [-t TIMEOUT_S]
//   IDS_FILE (environment): where to write the idea ids of "Saved idea #N" answers, one a line.
// Prints one RESULT line in the fields of the wrk script (bench/discord-wrk.lua), plus p90/p99.9/max and how late
// the tool itself sent (a sign that the machine, not the bot, kept it from its schedule).
// Talks to 127.0.0.1 only; stops at SECONDS plus TIMEOUT_S at the latest.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_CONNECTIONS 1024
#define READ_BUFFER (64 * 1024)

typedef struct { const char *bytes; size_t length; } request_t;

typedef struct {
    int fd;
    long busy_with;          // index of the request in flight, or -1
    size_t written;          // bytes of it written so far
    char buffer[READ_BUFFER];
    size_t filled;           // bytes of the answer read so far
} connection_t;

static int64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void die(const char *what) {
    fprintf(stderr, "openload: %s: %s\n", what, errno ? strerror(errno) : "invalid");
    exit(2);
}

// The requests, from the file written by the fake.
static request_t *load_requests(const char *path, long *count) {
    FILE *f = fopen(path, "rb");
    if (!f) die(path);
    struct stat st;
    if (fstat(fileno(f), &st) != 0) die(path);
    char *all = malloc((size_t)st.st_size + 1);
    if (!all || fread(all, 1, (size_t)st.st_size, f) != (size_t)st.st_size) die("reading the requests");
    fclose(f);
    long capacity = 1024, n = 0;
    request_t *requests = malloc(sizeof(request_t) * (size_t)capacity);
    size_t at = 0;
    while (at < (size_t)st.st_size) {
        char *end;
        long length = strtol(all + at, &end, 10);
        if (end == all + at || *end != '\n' || length <= 0) { errno = 0; die("malformed request file"); }
        at = (size_t)(end - all) + 1;
        if (at + (size_t)length > (size_t)st.st_size) { errno = 0; die("truncated request file"); }
        if (n == capacity) requests = realloc(requests, sizeof(request_t) * (size_t)(capacity *= 2));
        requests[n].bytes = all + at;
        requests[n].length = (size_t)length;
        n++;
        at += (size_t)length;
    }
    *count = n;
    return requests;
}

static int connect_to(int port) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) die("socket");
    struct sockaddr_in address = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
    if (connect(fd, (struct sockaddr *)&address, sizeof address) != 0) die("connect to 127.0.0.1");
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    return fd;
}

// How many bytes of buffer make one whole HTTP/1.1 answer: 0 while incomplete, -1 when it cannot be parsed.
// Sets *status and *body / *body_length (for chunked answers, the first chunk's data: the bot's JSON is one chunk).
static long answer_length(const char *buffer, size_t filled, int *status, const char **body, size_t *body_length) {
    const char *end = memmem(buffer, filled, "\r\n\r\n", 4);
    if (!end) return filled >= READ_BUFFER ? -1 : 0;
    size_t head = (size_t)(end - buffer) + 4;
    if (filled < 12 || memcmp(buffer, "HTTP/1.1 ", 9) != 0) return -1;
    *status = atoi(buffer + 9);
    long content_length = -1;
    int chunked = 0;
    for (const char *line = (const char *)memchr(buffer, '\n', head) + 1; line < end;
         line = (const char *)memchr(line, '\n', head - (size_t)(line - buffer)) + 1) {
        if (strncasecmp(line, "Content-Length:", 15) == 0) content_length = atol(line + 15);
        else if (strncasecmp(line, "Transfer-Encoding:", 18) == 0 && memmem(line, (size_t)(end - line), "chunked", 7)) chunked = 1;
    }
    if (content_length >= 0) {
        if (filled < head + (size_t)content_length) return (head + (size_t)content_length > READ_BUFFER) ? -1 : 0;
        *body = buffer + head;
        *body_length = (size_t)content_length;
        return (long)(head + (size_t)content_length);
    }
    if (!chunked) return -1;
    size_t at = head;
    int first = 1;
    while (1) {
        const char *line_end = memmem(buffer + at, filled - at, "\r\n", 2);
        if (!line_end) return filled >= READ_BUFFER ? -1 : 0;
        long size = strtol(buffer + at, NULL, 16);
        size_t data = (size_t)(line_end - buffer) + 2;
        if (size == 0) {
            if (filled < data + 2) return 0;
            if (first) { *body = buffer + data; *body_length = 0; }
            return (long)(data + 2); // no trailers
        }
        if (filled < data + (size_t)size + 2) return (data + (size_t)size + 2 > READ_BUFFER) ? -1 : 0;
        if (first) { *body = buffer + data; *body_length = (size_t)size; first = 0; }
        at = data + (size_t)size + 2;
    }
}

static int compare_u32(const void *a, const void *b) {
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

static uint32_t percentile(const uint32_t *sorted, long n, double p) {
    if (n == 0) return 0;
    long i = (long)(p / 100.0 * (double)n);
    if (i >= n) i = n - 1;
    return sorted[i];
}

// wrk's correction for coordinated omission in a closed loop, so that openload's p50/p99 are judged as wrk's are. wrk
// takes the interval at which each connection would send if every answer took the mean time (the run's length over
// the requests per connection) and, for each latency of at least two intervals, counts the requests the connection
// would have sent meanwhile: one more sample at latency - interval, latency - 2 x interval, ... while above one
// interval. Done here on a histogram in microseconds, as wrk keeps its own; the samples added are not expanded again.
typedef struct { uint64_t *count; uint64_t total; uint32_t max; } histogram_t;

static histogram_t corrected_histogram(const uint32_t *sorted, long n, int64_t interval_us) {
    histogram_t h = { NULL, 0, n ? sorted[n - 1] : 0 };
    h.count = calloc((size_t)h.max + 1, sizeof(uint64_t));
    if (!h.count) die("calloc");
    for (long i = 0; i < n; i++) h.count[sorted[i]]++;
    h.total = (uint64_t)n;
    if (interval_us > 0) {
        for (int64_t v = 2 * interval_us; v <= (int64_t)h.max; v++) {
            uint64_t recorded = h.count[v];
            for (int64_t m = v - interval_us; recorded && m > interval_us; m -= interval_us) {
                h.count[m] += recorded;
                h.total += recorded;
            }
        }
    }
    return h;
}

// The smallest latency with at least p percent of the samples at or below it.
static uint32_t histogram_percentile(const histogram_t *h, double p) {
    if (h->total == 0) return 0;
    // Ranked as wrk ranks: round(p% of the samples + 0.5).
    uint64_t rank = (uint64_t)(p / 100.0 * (double)h->total + 1.0), seen = 0;
    for (uint32_t v = 0; v <= h->max; v++) {
        seen += h->count[v];
        if (seen >= rank) return v;
    }
    return h->max;
}

int main(int argc, char **argv) {
    int port = 0, connections = 64, timeout_s = 3, closed = 0;
    double rate = 0, seconds = 0;
    long offset = 0;
    const char *path = NULL;
    for (int opt; (opt = getopt(argc, argv, "p:r:d:c:f:o:t:C")) != -1;) {
        switch (opt) {
            case 'p': port = atoi(optarg); break;
            case 'r': rate = atof(optarg); break;
            case 'd': seconds = atof(optarg); break;
            case 'c': connections = atoi(optarg); break;
            case 'f': path = optarg; break;
            case 'o': offset = atol(optarg); break;
            case 't': timeout_s = atoi(optarg); break;
            case 'C': closed = 1; break;
            default: errno = 0; die("usage: openload -p PORT (-r RATE | -C) -d SECONDS -c CONNECTIONS -f FILE [-o OFFSET] [-t TIMEOUT_S]");
        }
    }
    if (port <= 0 || (closed ? rate != 0 : rate <= 0) || seconds <= 0 || seconds > 600 || !path || connections < 1
        || connections > MAX_CONNECTIONS) {
        errno = 0;
        die("usage: openload -p PORT (-r RATE | -C) -d SECONDS(<=600) -c CONNECTIONS(1..1024) -f FILE [-o OFFSET] [-t TIMEOUT_S]");
    }
    long pool;
    request_t *requests = load_requests(path, &pool);
    // Closed loop: as many as the file holds past OFFSET, at most; the run ends after SECONDS whatever is left.
    long total = closed ? pool - offset : (long)(rate * seconds);
    if (offset < 0 || total < 1 || offset + total > pool) { errno = 0; die("the request file is too short for this rate, duration and offset"); }

    int64_t *scheduled = calloc((size_t)total, sizeof(int64_t)); // the time each request was due
    uint32_t *latency_us = malloc(sizeof(uint32_t) * (size_t)total);
    uint32_t *late_us = malloc(sizeof(uint32_t) * (size_t)total);     // how long after it was due each request went out
    long *waiting = malloc(sizeof(long) * (size_t)total);             // due, waiting for a free connection (FIFO)
    long wait_head = 0, wait_tail = 0, answered = 0, late_count = 0, queue_max = 0; // queue_max: most due requests
                                                                                     // ever waiting for a connection
    long ok = 0, non2xx = 0, saved = 0, similar = 0, deferred = 0, replayed = 0, read_errors = 0, write_errors = 0, timeouts = 0;
    char statuses[1024] = "";
    FILE *ids = fopen(getenv("IDS_FILE") ? getenv("IDS_FILE") : "/dev/null", "w");
    if (!ids) die("IDS_FILE");

    int epoll = epoll_create1(0);
    connection_t *conns = calloc((size_t)connections, sizeof(connection_t));
    int *idle = malloc(sizeof(int) * (size_t)connections), idle_count = 0;
    for (int i = 0; i < connections; i++) {
        conns[i].fd = connect_to(port);
        conns[i].busy_with = -1;
        struct epoll_event ev = { .events = EPOLLIN, .data.u32 = (uint32_t)i };
        epoll_ctl(epoll, EPOLL_CTL_ADD, conns[i].fd, &ev);
        idle[idle_count++] = i;
    }

    const double period_ns = closed ? 0 : 1e9 / rate;
    const int64_t start = now_ns();
    const int64_t sending_ends = start + (int64_t)(seconds * 1e9);  // closed loop: no request goes out after this
    const int64_t deadline = sending_ends + (int64_t)timeout_s * 1000000000LL;
    long next = 0; // the next request to fall due
    int64_t last_answer = start;
    struct epoll_event events[MAX_CONNECTIONS];

    while (closed ? (now_ns() < sending_ends || answered + read_errors + write_errors < next)
                  : answered + timeouts + read_errors + write_errors < total) {
        int64_t now = now_ns();
        if (now > deadline) break;
        if (closed) {
            // One request due for each free connection: the next one goes out as soon as an answer is in.
            for (long slots = idle_count; slots > 0 && next < total && now < sending_ends; slots--) {
                scheduled[next] = now;
                waiting[wait_tail++] = next++;
            }
        }
        while (!closed && next < total && start + (int64_t)(next * period_ns) <= now) {
            scheduled[next] = start + (int64_t)(next * period_ns);
            waiting[wait_tail++] = next++;
        }
        // Hand due requests to free connections, oldest first.
        while (wait_head < wait_tail && idle_count > 0) {
            long k = waiting[wait_head++];
            connection_t *c = &conns[idle[--idle_count]];
            c->busy_with = k;
            c->filled = 0;
            int64_t lateness = now - scheduled[k];
            late_us[late_count++] = (uint32_t)(lateness / 1000);
            const request_t *r = &requests[offset + k];
            ssize_t w = write(c->fd, r->bytes, r->length);
            if (w < 0 && errno != EAGAIN) { write_errors++; c->busy_with = -1; continue; }
            c->written = w < 0 ? 0 : (size_t)w;
            if (c->written < r->length) {
                struct epoll_event ev = { .events = EPOLLIN | EPOLLOUT, .data.u32 = (uint32_t)(c - conns) };
                epoll_ctl(epoll, EPOLL_CTL_MOD, c->fd, &ev);
            }
        }
        if (wait_tail - wait_head > queue_max) queue_max = wait_tail - wait_head;
        // Sleep until the next request falls due (or an answer arrives), at most 10 ms.
        now = now_ns();
        int64_t sleep_ns = !closed && next < total ? start + (int64_t)(next * period_ns) - now : 10000000;
        if (closed && now < sending_ends && sending_ends - now < sleep_ns) sleep_ns = sending_ends - now;
        if (sleep_ns < 0) sleep_ns = 0;
        if (sleep_ns > 10000000) sleep_ns = 10000000;
        struct timespec timeout = { .tv_sec = 0, .tv_nsec = sleep_ns };
        int n = epoll_pwait2(epoll, events, connections, &timeout, NULL);
        if (n < 0 && errno != EINTR) die("epoll_pwait2");
        for (int e = 0; e < n; e++) {
            connection_t *c = &conns[events[e].data.u32];
            if (c->busy_with < 0) { // the bot closed an idle connection: it is not used again
                char byte;
                if (read(c->fd, &byte, 1) <= 0) { read_errors++; close(c->fd); c->fd = -1; }
                continue;
            }
            if (events[e].events & EPOLLOUT) {
                const request_t *r = &requests[offset + c->busy_with];
                ssize_t w = write(c->fd, r->bytes + c->written, r->length - c->written);
                if (w > 0) c->written += (size_t)w;
                if (c->written == r->length) {
                    struct epoll_event ev = { .events = EPOLLIN, .data.u32 = (uint32_t)(c - conns) };
                    epoll_ctl(epoll, EPOLL_CTL_MOD, c->fd, &ev);
                }
            }
            if (!(events[e].events & (EPOLLIN | EPOLLERR | EPOLLHUP))) continue;
            ssize_t got = read(c->fd, c->buffer + c->filled, READ_BUFFER - c->filled);
            if (got < 0 && errno == EAGAIN) continue;
            if (got <= 0) { read_errors++; c->busy_with = -1; close(c->fd); c->fd = -1; continue; } // not reused
            c->filled += (size_t)got;
            int status = 0;
            const char *body = NULL;
            size_t body_length = 0;
            long length = answer_length(c->buffer, c->filled, &status, &body, &body_length);
            if (length == 0) continue;
            if (length < 0) { read_errors++; c->busy_with = -1; close(c->fd); c->fd = -1; continue; }
            int64_t done = now_ns();
            last_answer = done;
            latency_us[answered++] = (uint32_t)((done - scheduled[c->busy_with]) / 1000);
            if (status >= 200 && status < 300) {
                ok++;
                const char *id = memmem(body, body_length, "Saved idea #", 12);
                if (id && memmem(body, body_length, "\"type\":4", 8)) {
                    saved++;
                    fprintf(ids, "%ld\n", atol(id + 12));
                }
                if (memmem(body, body_length, "\"type\":5", 8)) deferred++;
                if (memmem(body, body_length, "Already done", 12)) replayed++;
                if (memmem(body, body_length, "similar idea", 12) || memmem(body, body_length, "reads a lot like", 16)) similar++;
            } else {
                non2xx++;
                if (strlen(statuses) < sizeof statuses - 8) snprintf(statuses + strlen(statuses), 8, "%d ", status);
            }
            c->busy_with = -1;
            idle[idle_count++] = (int)(c - conns);
        }
    }
    int64_t finished = now_ns();
    for (int i = 0; i < connections; i++) if (conns[i].busy_with >= 0) timeouts++;
    if (!closed) timeouts += total - next; // never sent: the tool ran out of time
    fclose(ids);

    qsort(latency_us, (size_t)answered, sizeof(uint32_t), compare_u32);
    qsort(late_us, (size_t)late_count, sizeof(uint32_t), compare_u32);
    // duration_us: the scheduled span, so requests / duration is the rate the bot kept up with; in a closed loop, from
    // the first request to the last answer, so requests / duration is the throughput.
    long duration_us = closed ? (long)((last_answer - start) / 1000) : (long)(seconds * 1e6);
    // Closed loop: p50 and p99 as wrk reports them (corrected), the latencies as measured in raw_p50/raw_p99. The open
    // loop needs no correction: each latency already counts from the request's scheduled time.
    const uint32_t raw_p50 = percentile(latency_us, answered, 50), raw_p99 = percentile(latency_us, answered, 99);
    uint32_t p50 = raw_p50, p99 = raw_p99;
    if (closed && answered / connections > 0) {
        histogram_t corrected = corrected_histogram(latency_us, answered, duration_us / (answered / connections));
        p50 = histogram_percentile(&corrected, 50);
        p99 = histogram_percentile(&corrected, 99);
        free(corrected.count);
    }
    printf("RESULT requests=%ld duration_us=%ld p50_us=%u p99_us=%u ok=%ld non2xx=%ld saved=%ld similar=%ld deferred=%ld "
           "replayed=%ld connect=0 read=%ld write=%ld timeout=%ld next=%ld p90_us=%u p999_us=%u max_us=%u "
           "late_p99_us=%u late_max_us=%u queue_max=%ld span_us=%ld raw_p50_us=%u raw_p99_us=%u\n",
           answered, duration_us, p50, p99, ok,
           non2xx, saved, similar, deferred, replayed, read_errors, write_errors, timeouts, offset + next,
           percentile(latency_us, answered, 90), percentile(latency_us, answered, 99.9),
           answered ? latency_us[answered - 1] : 0, percentile(late_us, late_count, 99),
           late_count ? late_us[late_count - 1] : 0, queue_max, (long)((finished - start) / 1000), raw_p50, raw_p99);
    if (statuses[0]) printf("STATUSES %s\n", statuses);
    return 0;
}
