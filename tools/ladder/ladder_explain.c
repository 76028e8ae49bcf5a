/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * --explain: one plain-language sentence per ladder row, saying what the
 * segment or state change means and why it happens (RFC 9293 §3.5 for the
 * handshake and the close, RFC 6298 and RFC 5681 for retransmissions).
 */
#include <stdio.h>
#include <string.h>

#include "ladder.h"

/* The last segment sent by the same side before segment i (or NULL). */
static const struct tt_ladder_seg *prev_from(const struct tt_ladder *l, size_t i)
{
    int side = l->seg[i].from;
    while (i-- > 0)
        if (l->seg[i].from == side)
            return &l->seg[i];
    return NULL;
}

/* Does segment i acknowledge the other side's FIN for the first time? */
static int acks_fin(const struct tt_ladder *l, size_t i)
{
    const struct tt_ladder_seg *s = &l->seg[i];
    if (!(s->h.flags & TT_TCP_ACK))
        return 0;
    for (size_t k = 0; k < i; k++) {
        const struct tt_ladder_seg *f = &l->seg[k];
        if (f->from == s->from || !(f->h.flags & TT_TCP_FIN))
            continue;
        uint32_t end = f->h.seq + f->h.len + 1 + ((f->h.flags & TT_TCP_SYN) ? 1 : 0);
        if (s->h.ack != end)
            return 0;
        for (size_t j = k + 1; j < i; j++)
            if (l->seg[j].from == s->from && (l->seg[j].h.flags & TT_TCP_ACK) &&
                l->seg[j].h.ack == end)
                return 0;
        return 1;
    }
    return 0;
}

static const char *cause_words(enum tt_rexmit_cause c)
{
    switch (c) {
    case TT_REXMIT_RTO:
        return "its retransmission timer expired with no acknowledgement (RFC 6298)";
    case TT_REXMIT_FAST:
        return "three duplicate ACKs said the segment was lost (fast retransmit, RFC 5681)";
    case TT_REXMIT_SACK:
        return "the receiver's SACK blocks show a hole there (RFC 6675)";
    case TT_REXMIT_RACK:
        return "segments sent later were acknowledged first (RACK, RFC 8985)";
    case TT_REXMIT_TLP:
        return "no ACK came back for the last segment, so it probes the tail (TLP, RFC 8985)";
    case TT_REXMIT_SYN:
        return "its SYN got no answer before the timer expired";
    default:
        return "it decided the segment was lost";
    }
}

static void explain_data_or_ack(const struct tt_ladder *l, size_t i, const char *a, const char *b,
                                char *buf, size_t cap)
{
    const struct tt_ladder_seg *s = &l->seg[i];
    const struct tt_ladder_seg *p = prev_from(l, i);
    if (s->h.len) {
        if (s->h.flags & TT_TCP_PSH)
            snprintf(buf, cap,
                     "The %s sends %u bytes of data and asks the %s to hand them to "
                     "the application now (PSH).",
                     a, s->h.len, b);
        else
            snprintf(buf, cap, "The %s sends %u bytes of data.", a, s->h.len);
        return;
    }
    if (p && (p->h.flags & (TT_TCP_SYN | TT_TCP_ACK)) == TT_TCP_SYN && (s->h.flags & TT_TCP_ACK))
        snprintf(buf, cap,
                 "The %s acknowledges the %s's SYN: the three-way handshake is "
                 "complete.",
                 a, b);
    else if (acks_fin(l, i))
        snprintf(buf, cap,
                 "The %s acknowledges the %s's FIN: nothing more will come from the "
                 "%s.",
                 a, b, b);
    else if (p && !p->h.len && p->h.ack == s->h.ack && p->h.wnd == s->h.wnd &&
             !(p->h.flags & (TT_TCP_SYN | TT_TCP_FIN)))
        snprintf(buf, cap,
                 "A duplicate ACK: the %s still waits for the same byte, a sign that "
                 "a segment is missing.",
                 a);
    else
        snprintf(buf, cap,
                 "The %s acknowledges everything it received so far and says how much "
                 "more it can take (win).",
                 a);
}

static void explain_seg(const struct tt_ladder *l, const struct tt_ladder_opts *o, size_t i,
                        char *buf, size_t cap)
{
    const struct tt_ladder_seg *s = &l->seg[i];
    const char *a = tt__ladder_side_name(s->from), *b = tt__ladder_side_name(!s->from);
    uint8_t f = s->h.flags;
    char isn[48];
    if (o && o->absolute)
        snprintf(isn, sizeof(isn), "%u", s->h.seq);
    else
        snprintf(isn, sizeof(isn), "shown as 0");
    if (s->lost)
        snprintf(buf, cap,
                 "This segment is lost on the link: the %s never sees it, and the %s "
                 "will have to send it again.",
                 b, a);
    else if (s->rejected)
        snprintf(buf, cap, "The %s discards this segment: %s.", b,
                 tt_drop_reason_desc(s->drop) ? tt_drop_reason_desc(s->drop) : "not acceptable");
    else if (s->cause == TT_REXMIT_RACK && s->rack_age)
        snprintf(buf, cap,
                 "The %s sends this again because %s: it was sent %.1f ms ago, more than "
                 "the RTT of the latest delivery (%.1f ms) plus the reordering window "
                 "(%.1f ms).",
                 a, cause_words(s->cause), s->rack_age / 1000.0, s->rack_rtt / 1000.0,
                 s->reo_wnd / 1000.0);
    else if (s->cause != TT_REXMIT_NONE)
        snprintf(buf, cap, "The %s sends this again because %s.", a, cause_words(s->cause));
    else if (f & TT_TCP_RST)
        snprintf(buf, cap,
                 "The %s aborts the connection with a reset (RST): no goodbye, "
                 "both sides forget it at once.",
                 a);
    else if ((f & TT_TCP_SYN) && !(f & TT_TCP_ACK))
        snprintf(buf, cap,
                 "The %s asks to open a connection: SYN carries its initial sequence "
                 "number (ISN, %s) and its options.",
                 a, isn);
    else if (f & TT_TCP_SYN)
        snprintf(buf, cap,
                 "The %s accepts: it acknowledges the %s's ISN + 1 and sends its own "
                 "ISN (%s).",
                 a, b, isn);
    else if (f & TT_TCP_FIN)
        snprintf(buf, cap,
                 "The %s has nothing more to send: its FIN closes the %s-to-%s "
                 "direction (it can still receive).",
                 a, a, b);
    else
        explain_data_or_ack(l, i, a, b, buf, cap);
}

static void explain_state(const struct tt_ladder_row *r, char *buf, size_t cap)
{
    const char *a = tt__ladder_side_name(r->side);
    switch (r->st[r->side]) {
    case TT_LS_LISTEN:
        snprintf(buf, cap, "The %s waits for connection requests.", a);
        break;
    case TT_LS_SYN_SENT:
        snprintf(buf, cap, "The %s has sent its SYN and waits for the answer.", a);
        break;
    case TT_LS_SYN_RECEIVED:
        snprintf(buf, cap, "The %s got a SYN and waits for its own SYN to be acknowledged.", a);
        break;
    case TT_LS_ESTABLISHED:
        snprintf(buf, cap,
                 "Its SYN acknowledged, the %s considers the connection open: data can "
                 "flow both ways.",
                 a);
        break;
    case TT_LS_FIN_WAIT_2:
        snprintf(buf, cap, "The %s's FIN is acknowledged; it waits for the peer's FIN.", a);
        break;
    case TT_LS_CLOSE_WAIT:
        snprintf(buf, cap,
                 "The peer is done sending; the %s may still send until its "
                 "application closes.",
                 a);
        break;
    case TT_LS_TIME_WAIT:
        snprintf(buf, cap,
                 "The %s stays in TIME-WAIT for 2 x MSL, to resend the last ACK if "
                 "it is lost and let old segments die out.",
                 a);
        break;
    case TT_LS_CLOSED:
        snprintf(buf, cap, "The %s forgets the connection: it is fully closed on this side.", a);
        break;
    case TT_LS_CLOSING:
        snprintf(buf, cap, "Both sides sent a FIN at once; the %s waits for the ACK of its own.",
                 a);
        break;
    case TT_LS_LAST_ACK:
        snprintf(buf, cap, "The %s has sent its FIN after the peer's and waits for the last ACK.",
                 a);
        break;
    case TT_LS_FIN_WAIT_1:
        snprintf(buf, cap, "The %s has sent its FIN and waits for it to be acknowledged.", a);
        break;
    default:
        snprintf(buf, cap, "The %s changes state.", a);
        break;
    }
}

void tt__ladder_explain(const struct tt_ladder *l, const struct tt_ladder_opts *o,
                        const struct tt_ladder_row *rows, size_t i, char *buf, size_t cap)
{
    const struct tt_ladder_row *r = &rows[i];
    char d[32];
    buf[0] = 0;
    switch (r->kind) {
    case TT_LROW_SEG:
        explain_seg(l, o, r->seg, buf, cap);
        break;
    case TT_LROW_STATE:
        explain_state(r, buf, cap);
        break;
    case TT_LROW_RUN:
        snprintf(buf, cap,
                 "Bulk transfer, summarised: full segments flow and the receiver "
                 "acknowledges them as they arrive.");
        break;
    case TT_LROW_GAP: /* never the last row: it comes before one */
        tt__ladder_fmt_dur(r->t_end - r->t, d, sizeof(d));
        if (r->cur[0] == TT_LS_TIME_WAIT || r->cur[1] == TT_LS_TIME_WAIT)
            snprintf(buf, cap, "Nothing is sent for %s while TIME-WAIT runs out.", d);
        else if (rows[i + 1].kind == TT_LROW_SEG && l->seg[rows[i + 1].seg].cause != TT_REXMIT_NONE)
            snprintf(buf, cap,
                     "Nothing is sent for %s: the sender waits for its "
                     "retransmission timer.",
                     d);
        else
            snprintf(buf, cap, "Nothing is sent for %s.", d);
        break;
    }
}
