/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Per-stack counters, in the spirit of the SNMP MIB (RFC 1213, RFC 4022), and
 * the named reasons for which a frame or segment is dropped. Counters only ever
 * grow; read them with tt_stack_counters().
 */
#ifndef TETHER_COUNTERS_H
#define TETHER_COUNTERS_H

#include <stdint.h>

/*
 * Every drop has exactly one reason. X(name, "description").
 * The list is append-only within a release: tools print the names.
 */
#define TT_DROP_REASONS(X)                                                                         \
    X(LINK_TRUNCATED, "frame shorter than the link header")                                        \
    X(ETH_NOT_FOR_US, "destination MAC is neither ours nor broadcast")                             \
    X(ETH_UNKNOWN_TYPE, "EtherType not spoken (not IPv4 or ARP)")                                  \
    X(ETH_SRC_INVALID, "source MAC is broadcast or multicast")                                     \
    X(ARP_MALFORMED, "ARP packet truncated or with bad lengths")                                   \
    X(ARP_UNSUPPORTED, "ARP for a hardware or protocol type other than Ethernet/IPv4")             \
    X(ARP_NOT_FOR_US, "ARP request for an address that is not ours")                               \
    X(ARP_BAD_SENDER, "ARP sender address is broadcast, multicast or ours")                        \
    X(ARP_QUEUE_FULL, "packet waiting on ARP resolution dropped: queue full")                      \
    X(ARP_UNRESOLVED, "ARP resolution gave up; queued packet dropped")                             \
    X(ARP_CACHE_FULL, "ARP cache full of entries in use")                                          \
    X(IP_TRUNCATED, "IPv4 header or payload shorter than stated")                                  \
    X(IP_BAD_VERSION, "IP version is not 4")                                                       \
    X(IP_BAD_HLEN, "IPv4 header length below 20 or past the packet")                               \
    X(IP_BAD_LENGTH, "IPv4 total length inconsistent with the frame")                              \
    X(IP_BAD_CHECKSUM, "IPv4 header checksum mismatch")                                            \
    X(IP_BAD_SRC, "IPv4 source is broadcast, multicast or ours from outside")                      \
    X(IP_NOT_FOR_US, "IPv4 destination is not ours (tether does not forward)")                     \
    X(IP_UNKNOWN_PROTO, "IPv4 protocol not spoken (protocol unreachable sent)")                    \
    X(IP_FRAG_INVALID, "IPv4 fragment with bad offset, length or overlap")                         \
    X(IP_FRAG_TOO_BIG, "reassembled datagram would exceed 65535 bytes")                            \
    X(IP_FRAG_NOMEM, "fragment dropped: reassembly limits reached")                                \
    X(IP_FRAG_TIMEOUT, "reassembly timed out; fragments discarded")                                \
    X(IP_NO_ROUTE, "no interface or gateway reaches the destination")                              \
    X(IP_TX_TOO_BIG, "outgoing datagram larger than the MTU with DF set")                          \
    X(ICMP_TRUNCATED, "ICMP message too short")                                                    \
    X(ICMP_BAD_CHECKSUM, "ICMP checksum mismatch")                                                 \
    X(ICMP_UNHANDLED, "ICMP type not acted upon")                                                  \
    X(ICMP_BROADCAST, "ICMP echo to a broadcast or multicast address ignored")                     \
    X(ICMP_RATELIMIT, "ICMP error not sent: rate limit")                                           \
    X(ICMP_TCP_STALE, "ICMP error quoting no connection or a sequence outside SND.UNA..SND.NXT")   \
    X(LINK_TX_FAILED, "the link's transmit callback refused the frame")                            \
    X(NOMEM, "allocator refused memory")                                                           \
    X(TCP_TRUNCATED, "TCP header shorter than its data offset")                                    \
    X(TCP_BAD_CHECKSUM, "TCP checksum mismatch")                                                   \
    X(TCP_BAD_OPTIONS, "TCP options malformed")                                                    \
    X(TCP_BAD_OFFSET, "TCP data offset below 5 or past the segment")                               \
    X(TCP_NO_SOCKET, "no connection or listener (RST sent unless RST)")                            \
    X(TCP_BAD_FLAGS, "flag combination not acceptable in this state")                              \
    X(TCP_OUT_OF_WINDOW, "segment outside the receive window (ACK sent)")                          \
    X(TCP_BAD_ACK, "ACK of unsent data or too old")                                                \
    X(TCP_PAWS, "timestamp older than TS.Recent (PAWS)")                                           \
    X(TCP_RST_INVALID, "RST not exactly at RCV.NXT (challenge ACK)")                               \
    X(TCP_SYN_IN_SYNC, "SYN in a synchronized state (challenge ACK)")                              \
    X(TCP_LISTEN_OVERFLOW, "SYN dropped: listen backlog full")                                     \
    X(TCP_NOMEM, "segment dropped: out of buffer memory")                                          \
    X(TCP_OFO_LIMIT, "out-of-order segment dropped: queue limit")                                  \
    X(TCP_CLOSED_STATE, "segment arrived for a closed connection")                                 \
    X(IP6_TRUNCATED, "IPv6 header shorter than 40 bytes or payload past the packet")               \
    X(IP6_BAD_VERSION, "IPv6 header whose version is not 6")                                       \
    X(IP6_BAD_LENGTH, "IPv6 payload length zero (jumbogram, not spoken)")                          \
    X(IP6_EXT_CHAIN, "IPv6 extension-header chain longer than the limit")                          \
    X(IP6_BAD_EXT, "IPv6 extension header truncated or out of place")                              \
    X(IP6_BAD_OPTION, "IPv6 option unrecognised, with a discard action")                           \
    X(IP6_ROUTING_REFUSED, "IPv6 routing header with segments left (type 0 or unknown)")           \
    X(ICMP6_TRUNCATED, "ICMPv6 message too short")                                                 \
    X(ICMP6_BAD_CHECKSUM, "ICMPv6 checksum mismatch (over the IPv6 pseudo-header)")                \
    X(NDP_INVALID, "NDP message failing RFC 4861 validation (code, length, options)")              \
    X(IP6_BAD_SRC, "IPv6 source is multicast or one of ours from outside")                         \
    X(IP6_NOT_FOR_US, "IPv6 destination is not ours nor a group we listen to")                     \
    X(IP6_UNKNOWN_PROTO, "IPv6 next header not spoken (parameter problem sent)")                   \
    X(IP6_NO_ROUTE, "no IPv6 prefix, neighbor or default router reaches the destination")          \
    X(IP6_FRAG_INVALID, "IPv6 fragment with a bad length or offset")                               \
    X(IP6_FRAG_OVERLAP, "IPv6 fragments overlap (RFC 5722: the whole datagram is dropped)")        \
    X(IP6_FRAG_NOMEM, "IPv6 fragment dropped: reassembly limits reached")                          \
    X(IP6_FRAG_TIMEOUT, "IPv6 reassembly timed out; fragments discarded")                          \
    X(ICMP6_UNHANDLED, "ICMPv6 type not acted upon")                                               \
    X(ICMP6_RATELIMIT, "ICMPv6 error not sent: rate limit (RFC 4443 §2.4 f)")                      \
    X(NDP_QUEUE_FULL, "packet waiting on neighbor resolution dropped: queue full")                 \
    X(NDP_UNRESOLVED, "neighbor resolution gave up; queued packet dropped")                        \
    X(NDP_CACHE_FULL, "neighbor cache full of entries in use")                                     \
    X(NDP_DAD_CONFLICT, "address found in use by duplicate address detection (RFC 4862 §5.4)")

enum tt_drop_reason {
#define TT__DROP_ENUM(name, desc) TT_DROP_##name,
    TT_DROP_REASONS(TT__DROP_ENUM)
#undef TT__DROP_ENUM
        TT_DROP_COUNT
};

/* "IP_BAD_CHECKSUM" etc.; NULL for an out-of-range value. */
const char *tt_drop_reason_name(enum tt_drop_reason r);
/* One-line English description; NULL for an out-of-range value. */
const char *tt_drop_reason_desc(enum tt_drop_reason r);

struct tt_counters {
    /* Link layer. */
    uint64_t link_in_frames;
    uint64_t link_out_frames;
    /* ARP (RFC 826). */
    uint64_t arp_in;
    uint64_t arp_requests_out;
    uint64_t arp_replies_out;
    uint64_t arp_resolved;
    /* IPv4 (ipSystemStats of RFC 4293, reduced). */
    uint64_t ip_in_receives;
    uint64_t ip_in_delivers;
    uint64_t ip_out_requests;
    uint64_t ip_reasm_reqds; /* fragments received */
    uint64_t ip_reasm_oks;   /* datagrams reassembled */
    uint64_t ip_reasm_fails; /* datagrams given up on */
    /* ICMP. */
    uint64_t icmp_in_msgs;
    uint64_t icmp_in_echos;
    uint64_t icmp_in_errors_delivered; /* dest-unreachable etc. handed to TCP */
    uint64_t icmp_out_msgs;
    uint64_t icmp_out_echo_reps;
    uint64_t icmp_out_dest_unreachs;
    /* IPv6 (ipSystemStats of RFC 4293 for IPv6, reduced) and ICMPv6. */
    uint64_t ip6_in_receives;
    uint64_t ip6_in_delivers;
    uint64_t ip6_out_requests;
    uint64_t ip6_out_frag_creates; /* fragments sent */
    uint64_t ip6_reasm_reqds;
    uint64_t ip6_reasm_oks;
    uint64_t ip6_reasm_fails;
    uint64_t icmp6_in_msgs;
    uint64_t icmp6_in_echos;
    uint64_t icmp6_in_errors_delivered;
    uint64_t icmp6_out_msgs;
    uint64_t icmp6_out_echo_reps;
    uint64_t icmp6_out_errors;
    /* Neighbor discovery. */
    uint64_t ndp_ns_out, ndp_ns_in, ndp_na_out, ndp_na_in, ndp_ra_in, ndp_rs_out;
    uint64_t ndp_resolved;
    uint64_t ndp_dad_ok;
    /* TCP (tcp group of RFC 4022, reduced). */
    uint64_t tcp_active_opens;
    uint64_t tcp_passive_opens;
    uint64_t tcp_attempt_fails;
    uint64_t tcp_estab_resets;
    uint64_t tcp_in_segs;
    uint64_t tcp_out_segs;
    uint64_t tcp_retrans_segs;
    uint64_t tcp_sack_forgotten; /* SACK marks dropped to keep the scoreboard bounded */
    uint64_t tcp_out_rsts;
    uint64_t tcp_challenge_acks;
    uint64_t
        tcp_challenge_acks_limited; /* held back by a rate limit (Linux TCPACKSkippedChallenge) */
    uint64_t tcp_syncookies_sent;   /* SYN-ACKs carrying a SYN cookie (Linux SyncookiesSent) */
    uint64_t tcp_syncookies_recv;   /* valid cookie ACKs: connections made (SyncookiesRecv) */
    uint64_t tcp_syncookies_failed; /* ACKs to a listener that were no valid cookie */
    /* TCP Fast Open (RFC 7413), Linux's TCPFastOpen* names. */
    uint64_t tcp_fastopen_passive;      /* SYN data taken by a listener (TCPFastOpenPassive) */
    uint64_t tcp_fastopen_passive_fail; /* a cookie that did not check (TCPFastOpenPassiveFail) */
    uint64_t tcp_fastopen_listen_overflow; /* fast-open queue full (TCPFastOpenListenOverflow) */
    uint64_t tcp_fastopen_cookie_reqd;     /* cookie requests answered (TCPFastOpenCookieReqd) */
    uint64_t tcp_fastopen_active;          /* SYN data acknowledged (TCPFastOpenActive) */
    uint64_t tcp_fastopen_active_fail;     /* SYN data not acked (TCPFastOpenActiveFail) */
    uint64_t tcp_fastopen_blackhole;       /* active Fast Open rested (TCPFastOpenBlackhole) */
    /* Drops, one counter per reason. */
    uint64_t drops[TT_DROP_COUNT];
};

#endif
