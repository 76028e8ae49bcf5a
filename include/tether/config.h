/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The runtime configuration. Call tt_config_default() and change what you need;
 * every default is documented beside its field and follows Linux where an RFC
 * leaves the choice open. The stack copies the config at creation.
 */
#ifndef TETHER_CONFIG_H
#define TETHER_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "tcp_config.h"
#include "time.h"

/*
 * Allocation hooks. The core never calls malloc: every byte it holds comes
 * from here. alloc returns NULL on failure (an ordinary, handled outcome);
 * free receives the size that was asked for, so fixed-pool allocators need no
 * headers. The hosted port provides malloc-based hooks (tt_port_config_default);
 * tt_fixed_allocator (util.h) serves static builds.
 */
struct tt_allocator {
    void *(*alloc)(void *ctx, size_t size);
    void (*free)(void *ctx, void *ptr, size_t size);
    void *ctx;
};

struct tt_config {
    struct tt_allocator allocator; /* required: no default */

    /* 128-bit secret keying every SipHash in the stack (ISNs, ephemeral
     * ports, hash tables, IP IDs). The host must fill it from a good random
     * source (the port does); tests may fix it for determinism. */
    uint64_t secret[2];

    /* Hard cap on bytes the stack may hold through the allocator, across
     * everything (0 = unlimited). Reaching it is a counted drop or TT_ENOMEM. */
    size_t mem_limit;

    /* IPv4 */
    uint8_t ip_default_ttl;        /* 64 (Linux ip_default_ttl) */
    uint32_t ipfrag_max_datagrams; /* 64 datagrams under reassembly at once */
    size_t ipfrag_max_bytes;       /* 4 MiB held by reassembly (Linux ipfrag_high_thresh) */
    tt_time ipfrag_timeout;        /* 30 s (Linux ipfrag_time; RFC 1122 §3.3.2: 60-120 s
                                      recommended, Linux uses 30 s) */

    /* Path MTU discovery (RFC 1191, RFC 5927 §7) */
    uint32_t pmtu_min;    /* 552: a "fragmentation needed" never takes a path below it
                             (Linux route/min_pmtu; RFC 1191 allows 68, which an
                             attacker uses to make a connection send 28-byte segments) */
    tt_time pmtu_expires; /* 600 s: a learned path MTU is forgotten after it, and the
                             interface MTU tried again (Linux route/mtu_expires; RFC 1191
                             §6.3 suggests 10 minutes) */

    /* ARP (RFC 826, RFC 1122 §2.3.2) */
    uint32_t arp_cache_size;        /* 256 entries per stack */
    tt_time arp_reachable_time;     /* 30 s before a resolved entry must be refreshed
                                       (Linux base_reachable_time_ms) */
    tt_time arp_retrans_time;       /* 1 s between requests (Linux retrans_time_ms) */
    tt_time arp_first_retrans_time; /* 150 ms before the first retry of a resolution,
                                       then arp_retrans_time: a reply lost while a
                                       device settles costs 150 ms, not a second
                                       (0 = arp_retrans_time, as Linux) */
    uint32_t arp_max_probes;        /* 3 requests, then give up (Linux mcast_solicit) */
    uint32_t arp_queue_len;         /* 3 packets queued per unresolved address (Linux
                                       unres_qlen is bytes-based; 3 follows RFC 1122's
                                       "at least one" and bounds memory) */

    /* IPv6 neighbor discovery (RFC 4861 §10, RFC 4862 §5.1; Linux neigh/ and conf/ defaults) */
    uint8_t ip6_hop_limit;          /* 64 until a router advertises another (Linux hop_limit) */
    uint32_t ndp_cache_size;        /* 256 neighbor entries per stack */
    tt_time ndp_reachable_time;     /* 30 s REACHABLE before STALE (BaseReachableTime; no
                                       random factor, so tests are exact) */
    tt_time ndp_retrans_time;       /* 1 s between solicitations (RetransTimer) */
    tt_time ndp_delay_first_probe;  /* 5 s in DELAY before PROBE (DELAY_FIRST_PROBE_TIME) */
    uint32_t ndp_max_mcast_solicit; /* 3 multicast solicitations while INCOMPLETE */
    uint32_t ndp_max_ucast_solicit; /* 3 unicast probes in PROBE, then the entry goes */
    uint32_t ndp_queue_len;         /* 3 packets queued per unresolved neighbor, as ARP */
    uint32_t dad_transmits;         /* 1 DAD solicitation (DupAddrDetectTransmits); 0 = none */

    /* ICMP */
    tt_time icmp_ratelimit; /* 1 s token interval for errors we send (Linux
                               icmp_ratelimit 1000 ms) */
    uint32_t icmp_burst;    /* 50 error messages of burst (Linux icmp_msgs_burst) */

    /* TCP: see tcp_config.h. */
    struct tt_tcp_config tcp;
};

/* Fill *cfg with the defaults above. The allocator is left empty. */
void tt_config_default(struct tt_config *cfg);

#endif
