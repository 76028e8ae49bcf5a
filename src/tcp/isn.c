/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Initial sequence numbers (RFC 6528) and ephemeral ports (RFC 6056), both
 * keyed by the per-stack secret so that an off-path attacker cannot predict
 * them, and both deterministic for a given secret (tests replay).
 */
#include "tcp/tcp_int.h"

/* Domain separation: each use hashes under its own key derived from the secret. */
static void derive(const struct tt_stack *s, uint64_t tag, uint64_t k[2])
{
    k[0] = s->cfg.secret[0] ^ tag;
    k[1] = s->cfg.secret[1] + tag * 0x9e3779b97f4a7c15ull;
}

/*
 * RFC 6528 §3: ISN = M + F(localip, localport, remoteip, remoteport, secretkey),
 * M a timer ticking every 4 microseconds, F a keyed hash (SipHash here, which
 * the RFC's "MD5 or better" admits).
 */
tt_seq tt__tcp_isn(const struct tt_stack *s, struct tt_addr laddr, uint16_t lport,
                   struct tt_addr raddr, uint16_t rport, tt_time now)
{
    uint64_t k[2];
    derive(s, 0x49534e, k);
    uint32_t f = (uint32_t)tt__hash_tuple(k, &laddr, lport, &raddr, rport);
    return tt_seq_make(s->cfg.tcp.isn_test ? s->cfg.tcp.isn_test : f + (uint32_t)(now / 4));
}

/* RFC 7323 §5.4 recommends a random per-connection offset for TSval. */
uint32_t tt__tcp_ts_offset(const struct tt_stack *s, struct tt_addr laddr, uint16_t lport,
                           struct tt_addr raddr, uint16_t rport)
{
    uint64_t k[2];
    derive(s, 0x5453, k);
    return (uint32_t)tt__hash_tuple(k, &laddr, lport, &raddr, rport);
}

static int port_in_use(struct tt_stack *s, struct tt_addr laddr, uint16_t port,
                       struct tt_addr raddr, uint16_t rport)
{
    return tt__tcb_lookup(s, laddr, port, raddr, rport) ||
           tt__synreq_lookup(s, laddr, port, raddr, rport) || tt__listener_lookup(s, laddr, port);
}

/*
 * RFC 6056 §3.3.3, algorithm 3 ("simple hash-based"): the search starts at
 * F(laddr, raddr, rport, secret) + next_ephemeral, so each destination sees
 * its own sequence of ports, and next_ephemeral moves on after each try. A
 * port is skipped when the 4-tuple is live or a listener holds it.
 */
uint16_t tt__tcp_ephemeral(struct tt_stack *s, struct tt_addr laddr, struct tt_addr raddr,
                           uint16_t rport)
{
    struct tt__tcp *m = tt__tcpm(s);
    uint32_t lo = s->cfg.tcp.ephemeral_lo, hi = s->cfg.tcp.ephemeral_hi;
    if (lo == 0 || hi < lo)
        return 0;
    uint32_t num = hi - lo + 1;
    uint64_t k[2];
    derive(s, 0x504f5254, k);
    uint32_t offset = (uint32_t)tt__hash_tuple(k, &laddr, 0, &raddr, rport);
    for (uint32_t count = num; count > 0; count--) {
        uint16_t port = (uint16_t)(lo + (offset + m->next_ephemeral) % num);
        m->next_ephemeral++;
        if (!port_in_use(s, laddr, port, raddr, rport))
            return port;
    }
    return 0;
}
