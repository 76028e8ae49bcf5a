/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The two halves of bench/syn_flood.sh, run inside its network namespace:
 *
 *   synflood_gen flood DST PORT RATE SECONDS
 *       raw SYNs (IP_HDRINCL) to DST:PORT from random sources in
 *       192.0.2.128-254 and random ports, paced to RATE per second, for
 *       SECONDS; prints "sent N rate R" (R the rate reached).
 *   synflood_gen clients DST PORT N BYTES
 *       N Linux TCP clients, up to 64 at a time, each connects, sends BYTES,
 *       reads them back (an echo service) and closes, within 20 s; prints
 *       "clients N ok K".
 *
 * Only 192.0.2.0/24 (TEST-NET-1) is ever used as a source or destination.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "wire/bytes.h"
#include "wire/checksum.h"

static uint64_t rnd_state = 88172645463325252ull;
static uint32_t rnd(void)
{
    rnd_state ^= rnd_state << 13;
    rnd_state ^= rnd_state >> 7;
    rnd_state ^= rnd_state << 17;
    return (uint32_t)rnd_state;
}

/* One SYN: IPv4 header (20) + TCP header with an MSS option (24). */
static size_t build_syn(uint8_t *b, uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport)
{
    memset(b, 0, 44);
    b[0] = 0x45;
    tt__wr16(b + 2, 44);
    tt__wr16(b + 4, (uint16_t)rnd());
    b[8] = 64;
    b[9] = 6;
    tt__wr32(b + 12, src);
    tt__wr32(b + 16, dst);
    tt__wr16(b + 10, tt__cksum_hdr20(b));
    uint8_t *t = b + 20;
    tt__wr16(t, sport);
    tt__wr16(t + 2, dport);
    tt__wr32(t + 4, rnd());
    t[12] = 6 << 4;
    t[13] = 0x02; /* SYN */
    tt__wr16(t + 14, 64240);
    t[20] = 2, t[21] = 4, tt__wr16(t + 22, 1460);
    tt__wr16(t + 16, tt__cksum_fold(tt__cksum_add(tt__cksum_pseudo(src, dst, 6, 24), t, 24)));
    return 44;
}

static int flood(uint32_t dst, uint16_t port, double rate, double secs)
{
    int fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
    if (fd < 0) {
        perror("raw socket");
        return 1;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_IP, IP_HDRINCL, &one, sizeof one);
    struct sockaddr_in to = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(dst)};
    uint8_t pkt[64];
    double t0 = bench_wall_now(), end = t0 + secs;
    uint64_t sent = 0;
    for (;;) {
        double now = bench_wall_now();
        if (now >= end)
            break;
        uint64_t due = (uint64_t)((now - t0) * rate);
        if (sent >= due) {
            struct timespec ts = {0, 200000}; /* 0.2 ms */
            nanosleep(&ts, NULL);
            continue;
        }
        for (; sent < due; sent++) {
            uint32_t src = (192u << 24 | 2u << 8) | (128 + rnd() % 127);
            size_t n = build_syn(pkt, src, dst, (uint16_t)(1024 + rnd() % 60000), port);
            if (sendto(fd, pkt, n, 0, (struct sockaddr *)&to, sizeof to) < 0 && errno != ENOBUFS)
                break;
        }
    }
    double took = bench_wall_now() - t0;
    printf("sent %llu rate %.0f\n", (unsigned long long)sent, (double)sent / took);
    close(fd);
    return 0;
}

struct client {
    int fd, state; /* 0 connecting, 1 sending, 2 reading, 3 done */
    size_t off;
    double start;
};

static int clients(uint32_t dst, uint16_t port, int n, size_t bytes)
{
    enum { PAR = 64 };
    struct client c[PAR];
    struct pollfd pf[PAR];
    int started = 0, ok = 0, live = 0;
    uint8_t buf[65536];
    if (bytes > sizeof buf)
        bytes = sizeof buf;
    for (size_t i = 0; i < bytes; i++)
        buf[i] = (uint8_t)(i * 13);
    for (int i = 0; i < PAR; i++)
        c[i].fd = -1;
    struct sockaddr_in to = {
        .sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(dst)};
    while (started < n || live > 0) {
        for (int i = 0; i < PAR && started < n; i++) {
            if (c[i].fd >= 0)
                continue;
            c[i].fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
            c[i].state = 0;
            c[i].off = 0;
            c[i].start = bench_wall_now();
            started++;
            live++;
            if (connect(c[i].fd, (struct sockaddr *)&to, sizeof to) < 0 && errno != EINPROGRESS) {
                close(c[i].fd);
                c[i].fd = -1;
                live--;
            }
        }
        for (int i = 0; i < PAR; i++) {
            pf[i].fd = c[i].fd;
            pf[i].events = c[i].state < 2 ? POLLOUT : POLLIN;
        }
        poll(pf, PAR, 100);
        double now = bench_wall_now();
        for (int i = 0; i < PAR; i++) {
            struct client *k = &c[i];
            if (k->fd < 0)
                continue;
            int done = 0, good = 0;
            if (pf[i].revents & (POLLERR | POLLHUP | POLLNVAL)) {
                done = 1;
            } else if (k->state < 2 && (pf[i].revents & POLLOUT)) {
                ssize_t w = send(k->fd, buf + k->off, bytes - k->off, MSG_NOSIGNAL);
                if (w > 0 && (k->off += (size_t)w) == bytes)
                    k->state = 2, k->off = 0;
                else if (w < 0 && errno != EAGAIN)
                    done = 1;
            } else if (k->state == 2 && (pf[i].revents & POLLIN)) {
                uint8_t r[65536];
                ssize_t g = recv(k->fd, r, sizeof r, 0);
                if (g <= 0) {
                    done = 1;
                } else {
                    good = memcmp(r, buf + k->off, (size_t)g) == 0;
                    k->off += (size_t)g;
                    if (!good || k->off >= bytes)
                        done = 1;
                }
            }
            if (!done && now - k->start > 20.0)
                done = 1;
            if (done) {
                ok += good && k->off == bytes;
                close(k->fd);
                k->fd = -1;
                live--;
            }
        }
    }
    printf("clients %d ok %d\n", n, ok);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 6 && strcmp(argv[1], "flood") == 0) {
        rnd_state ^= (uint64_t)getpid() << 20;
        return flood(ntohl(inet_addr(argv[2])), (uint16_t)atoi(argv[3]), atof(argv[4]),
                     atof(argv[5]));
    }
    if (argc == 6 && strcmp(argv[1], "clients") == 0)
        return clients(ntohl(inet_addr(argv[2])), (uint16_t)atoi(argv[3]), atoi(argv[4]),
                       (size_t)atol(argv[5]));
    fprintf(stderr, "usage: synflood_gen flood DST PORT RATE SECONDS | clients DST PORT N BYTES\n");
    return 2;
}
