/* SPDX-License-Identifier: BSD-2-Clause */
/* Default configuration: Linux's values where an RFC leaves the choice. */
#include <string.h>

#include <tether/config.h>

void tt_config_default(struct tt_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->ip_default_ttl = 64;
    cfg->ipfrag_max_datagrams = 64;
    cfg->ipfrag_max_bytes = 4u << 20;
    cfg->ipfrag_timeout = TT_SEC(30);
    cfg->pmtu_min = 552;
    cfg->pmtu_expires = TT_SEC(600);
    cfg->arp_cache_size = 256;
    cfg->arp_reachable_time = TT_SEC(30);
    cfg->arp_retrans_time = TT_SEC(1);
    cfg->arp_first_retrans_time = TT_MSEC(150);
    cfg->arp_max_probes = 3;
    cfg->arp_queue_len = 3;
    cfg->ip6_hop_limit = 64;
    cfg->ndp_cache_size = 256;
    cfg->ndp_reachable_time = TT_SEC(30);
    cfg->ndp_retrans_time = TT_SEC(1);
    cfg->ndp_delay_first_probe = TT_SEC(5);
    cfg->ndp_max_mcast_solicit = 3;
    cfg->ndp_max_ucast_solicit = 3;
    cfg->ndp_queue_len = 3;
    cfg->dad_transmits = 1;
    cfg->icmp_ratelimit = TT_SEC(1);
    cfg->icmp_burst = 50;

    struct tt_tcp_config *t = &cfg->tcp;
    t->max_connections = 1u << 20;
    t->syn_retries = 6;
    t->synack_retries = 5;
    t->retries2 = 15;
    t->rto_initial = TT_SEC(1);
    t->rto_min = TT_MSEC(200);
    t->rto_max = TT_SEC(120);
    t->msl2 = TT_SEC(60);
    t->fin_timeout = TT_SEC(60);
    t->delack_min = TT_MSEC(40);
    t->rmem_default = 131072;
    t->rmem_max = 6291456;
    t->wmem_default = 16384;
    t->wmem_max = 4194304;
    t->chunk_cache = 1024;
    t->init_cwnd = 10;
    t->congestion_control = TT_TCP_CC_CUBIC;
    t->cubic_beta = 717;
    t->cubic_fast_conv = 1;
    t->cubic_friendliness = 1;
    t->hystart = TT_TCP_HYSTART_PP;
    t->ecn = 2;
    t->slow_start_after_idle = 1;
    t->min_tso_segs = 2;
    t->sack = 1;
    t->timestamps = 1;
    t->window_scaling = 1;
    t->rfc1337 = 0;
    t->challenge_ack_limit = 1000;
    t->invalid_ratelimit = TT_MSEC(500);
    t->min_snd_mss = 48;
    t->ephemeral_lo = 32768;
    t->ephemeral_hi = 60999;
    t->max_syn_backlog = 4096;
    t->syncookies = 1;
    t->fastopen = 0x1;
    t->fastopen_blackhole = 0;
    t->fastopen_cache = 64;
    t->notsent_lowat = UINT32_MAX;
    t->keepalive_time = TT_SEC(7200);
    t->keepalive_intvl = TT_SEC(75);
    t->keepalive_probes = 9;
}
