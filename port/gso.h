/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What a TAP or TUN device with IFF_VNET_HDR hands over, made into ordinary
 * frames for the stack: a frame whose checksum the kernel left to us
 * (VIRTIO_NET_HDR_F_NEEDS_CSUM) is completed, and a TCP/IPv4 super-frame
 * (GSO, up to 64 KiB, as the kernel's TSO or GRO makes them) is cut into
 * the segments it stands for, each with its own IPv4 length, ID and header
 * checksum, sequence number, flags and TCP checksum. Pure functions on
 * bytes: no OS, no state (tests/unit/test_port_gso.c).
 */
#ifndef TETHER_PORT_GSO_H
#define TETHER_PORT_GSO_H

#include <stddef.h>
#include <stdint.h>

/*
 * Complete a partial checksum in place: the 16-bit field at start + off
 * holds the pseudo-header sum; the ones'-complement sum of the bytes from
 * `start` to the end, complemented, goes there (virtio-net's NEEDS_CSUM).
 * 0, or -1 when the offsets do not fit in len.
 */
int tt_port_csum_finish(uint8_t *frame, size_t len, size_t start, size_t off);

/*
 * Segment `index` (0, 1, ...) of the TCP/IPv4 super-frame `frame` (the IPv4
 * header at l3: 14 on a TAP, 0 on a TUN), with at most `mss` payload bytes
 * each, written to out (cap bytes). Returns its length, 0 when index is past
 * the last segment, or -1 for a frame that is not TCP/IPv4, is truncated, or
 * does not fit. FIN and PSH stay on the last segment only, CWR on the first;
 * the IPv4 ID grows by one per segment, as Linux's GSO does.
 */
int tt_port_gso_segment(const uint8_t *frame, size_t len, size_t l3, uint16_t mss, uint32_t index,
                        uint8_t *out, size_t cap);

#endif
