/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pcap files: a classic pcap writer (the libpcap "tcpdump" format) that can
 * wrap any struct tt_link, and a bounds-checked reader of classic pcap and
 * pcapng.
 *
 * Writer: microsecond timestamps, host byte order (magic 0xa1b2c3d4 as the
 * host writes it, which every reader accepts), version 2.4, link type
 * Ethernet (1) or raw IPv4 (LINKTYPE_RAW, 101). A frame's timestamp is its
 * tt_time plus a settable offset (0 by default: virtual time shows as seconds
 * after 1970; the port sets it to the wall clock minus the monotonic clock).
 *
 * Reader: classic pcap in both byte orders, microsecond (0xa1b2c3d4) and
 * nanosecond (0xa1b23c4d) magics; pcapng (what tshark and Wireshark write)
 * in either byte order, several sections and interfaces, each interface's
 * link type, if_tsresol (decimal or binary) and if_tsoffset. Any link type;
 * for 1 (Ethernet), 101 (raw), 228 (IPv4), 0 (BSD loopback, AF_INET), 113
 * and 276 (Linux cooked SLL and SLL2, what `tcpdump -i any` writes) it also
 * locates the network-layer packet, past VLAN tags. Every length is checked:
 * a corrupt or truncated file gives TT_EPROTO at the record where it breaks,
 * never a read past the data; the records before it were read normally.
 */
#ifndef TETHER_LINK_PCAP_H
#define TETHER_LINK_PCAP_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <tether/link.h>
#include <tether/time.h>

#define TT_PCAP_LINKTYPE_NULL 0
#define TT_PCAP_LINKTYPE_ETHERNET 1
#define TT_PCAP_LINKTYPE_RAW 101
#define TT_PCAP_LINKTYPE_LINUX_SLL 113
#define TT_PCAP_LINKTYPE_IPV4 228
#define TT_PCAP_LINKTYPE_LINUX_SLL2 276

#define TT_PCAP_MAGIC_USEC 0xa1b2c3d4u
#define TT_PCAP_MAGIC_NSEC 0xa1b23c4du
#define TT_PCAP_SNAPLEN 262144u /* the writer's snaplen, and the reader's record cap */

/* ---- writer ---- */

struct tt_pcap_writer;

/* The link type for a framing: Ethernet -> 1, raw IP -> 101. */
uint32_t tt_pcap_linktype_for(enum tt_framing framing);

/*
 * Create (truncate) `path` and write the 24-byte global header. TT_ENOENT when
 * the file cannot be opened (errno tells why), TT_ENOMEM, TT_EINVAL for a NULL
 * path. *out owned by the caller until tt_pcap_writer_close().
 */
int tt_pcap_writer_open(const char *path, uint32_t linktype, struct tt_pcap_writer **out);

/* The same over an open stream (e.g. open_memstream); the writer closes it
 * on tt_pcap_writer_close() only if `own` is non-zero. */
int tt_pcap_writer_open_stream(FILE *f, int own, uint32_t linktype, struct tt_pcap_writer **out);

/* Add `offset` µs to every timestamp written from now on. */
void tt_pcap_writer_set_time_offset(struct tt_pcap_writer *w, int64_t offset);

/*
 * Write one record stamped `ts`: the frame truncated to TT_PCAP_SNAPLEN, with
 * its original length. 0, or TT_EINVAL (NULL frame), TT_ENOSPC (write
 * failed: disk full or stream error; the writer then refuses further writes).
 */
int tt_pcap_write(struct tt_pcap_writer *w, tt_time ts, const void *frame, size_t len);

/* Push buffered records to the file. 0 or TT_ENOSPC. */
int tt_pcap_writer_flush(struct tt_pcap_writer *w);

/* Flush, close the file (if owned) and free. NULL is fine. */
void tt_pcap_writer_close(struct tt_pcap_writer *w);

/*
 * Wrap a link: the returned struct tt_link has inner's framing and MTU; its
 * transmit writes the frame to `w` and then calls inner's transmit, returning
 * its result. The writer keeps a copy of `inner` (one wrapped link per
 * writer; wrapping again replaces it). Frames received on that link are not
 * seen by the wrapper: the host calls tt_pcap_write() (or tt_pcap_write_rx)
 * on them before tt_stack_input().
 */
struct tt_link tt_pcap_wrap(struct tt_pcap_writer *w, const struct tt_link *inner);

/* tt_pcap_write for a received frame; exists to make host code read plainly. */
int tt_pcap_write_rx(struct tt_pcap_writer *w, const void *frame, size_t len, tt_time now);

/* ---- reader ---- */

struct tt_pcap_reader;

struct tt_pcap_frame {
    uint64_t ts_sec;     /* timestamp, seconds */
    uint32_t ts_nsec;    /* and nanoseconds (µs files: usec * 1000) */
    tt_time ts;          /* the same in µs: ts_sec * 1e6 + ts_nsec / 1000 */
    uint32_t orig_len;   /* length on the wire */
    uint32_t linktype;   /* the file's (pcapng: the packet's interface's) link type */
    const uint8_t *data; /* the captured bytes (valid until the next read or close) */
    size_t len;          /* captured length (<= orig_len normally) */
    /* Network layer, for link types 0, 1, 101, 228, 113, 276 (past VLAN tags);
     * NULL/0 otherwise or when the frame is too short for its link header. */
    uint16_t ethertype; /* 0x0800 IPv4, 0x0806 ARP, ...; raw/IPv4 types: 0x0800 */
    const uint8_t *l3;
    size_t l3_len;
};

/* Read `path` entirely (up to 1 GiB) and check its global header. 0,
 * TT_ENOENT (cannot read), TT_EPROTO (not a pcap file), TT_EMSGSIZE (too big),
 * TT_ENOMEM. */
int tt_pcap_reader_open(const char *path, struct tt_pcap_reader **out);

/* The same over bytes in memory (copied). */
int tt_pcap_reader_open_mem(const void *data, size_t len, struct tt_pcap_reader **out);

/* From the global header (pcapng: of the first interface; 0 before it is
 * read; is_nsec and is_swapped describe classic files only). */
uint32_t tt_pcap_reader_linktype(const struct tt_pcap_reader *r);
uint32_t tt_pcap_reader_snaplen(const struct tt_pcap_reader *r);
int tt_pcap_reader_is_nsec(const struct tt_pcap_reader *r);
int tt_pcap_reader_is_swapped(const struct tt_pcap_reader *r);

/* 1 for a pcapng file. */
int tt_pcap_reader_is_ng(const struct tt_pcap_reader *r);

/*
 * Next record (pcapng: next packet block): 1 and *f filled, 0 at a clean end
 * of file, TT_EPROTO for a truncated or corrupt record (caplen past the file
 * or above TT_PCAP_SNAPLEN, sub-second field out of range; pcapng: a block
 * length past the file or not repeated at its end, a packet of an undeclared
 * interface, a timestamp unit it cannot convert), TT_ENOMEM. After an error
 * every further call returns TT_EPROTO.
 */
int tt_pcap_read(struct tt_pcap_reader *r, struct tt_pcap_frame *f);
/* The byte offset at which the last record read starts, or, after an error,
 * the one that could not be read: where a truncated file was cut. */
size_t tt_pcap_reader_offset(const struct tt_pcap_reader *r);
/* Records handed out so far. */
size_t tt_pcap_reader_records(const struct tt_pcap_reader *r);

/* Free. NULL is fine. */
void tt_pcap_reader_close(struct tt_pcap_reader *r);

#endif
