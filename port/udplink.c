/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A link over UDP: each Ethernet frame is one datagram between two host
 * sockets, so two tether processes talk to each other without root or a
 * TAP device (TCP over any datagram service, as RFC 9293 assumes of the
 * layer below). The device is a connected UDP socket: read() and write()
 * move one datagram, which is all the TAP code needs of its fd.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "port.h"
#include "port_int.h"

int tt_port_udp_open(uint16_t local_port, uint32_t remote_addr, uint16_t remote_port,
                     struct tt_port_dev **out, char *err, size_t errlen)
{
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        snprintf(err, errlen, "socket: %s", strerror(errno));
        return TT_ENOENT;
    }
    /* Room for bursts: a window of full-sized frames in flight each way. */
    int buf = 4 << 20;
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof buf);
    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buf, sizeof buf);
    struct sockaddr_in la = {.sin_family = AF_INET, .sin_port = htons(local_port)};
    struct sockaddr_in ra = {.sin_family = AF_INET,
                             .sin_port = htons(remote_port),
                             .sin_addr.s_addr = htonl(remote_addr)};
    if (bind(fd, (struct sockaddr *)&la, sizeof la) != 0) {
        snprintf(err, errlen, "bind UDP port %u: %s", (unsigned)local_port, strerror(errno));
        close(fd);
        return TT_EADDRINUSE;
    }
    if (connect(fd, (struct sockaddr *)&ra, sizeof ra) != 0) {
        snprintf(err, errlen, "connect UDP: %s", strerror(errno));
        close(fd);
        return TT_ENOENT;
    }
    char name[32];
    snprintf(name, sizeof name, "udp:%u", (unsigned)local_port);
    int rc = tt__port_dev_wrap(fd, TT_PORT_UDP, name, out);
    if (rc != 0) {
        close(fd);
        snprintf(err, errlen, "out of memory");
    }
    return rc;
}
