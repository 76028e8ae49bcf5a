/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * `tether ladder FILE.pcap`: draw one TCP connection of a capture as a
 * ladder diagram (the loader is tools/ladder/ladder_pcap.c).
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <tether/errors.h>

#include "cli.h"
#include "ladder/ladder.h"

static int usage(FILE *f)
{
    fprintf(f, "usage: tether ladder FILE [--conn N | --port P] [--svg FILE] [--absolute] "
               "[--explain]\n"
               "\n"
               "Draw one TCP connection of a capture as a ladder diagram; each side's states\n"
               "are inferred from the packets (and marked so). FILE is a pcap or pcapng capture\n"
               "(Ethernet, raw IP, Linux cooked SLL or SLL2 as `tcpdump -i any` writes).\n"
               "\n"
               "  --conn N      the Nth connection of the file, in order of first packet\n"
               "  --port P      the connection with port P at either end\n"
               "                (with neither, the file must hold one connection; otherwise\n"
               "                the connections are listed)\n"
               "  --svg FILE    also write the ladder as a self-contained SVG\n"
               "  --absolute    raw sequence numbers instead of relative ones\n"
               "  --explain     a plain-language sentence under each row\n"
               "  --help, -h    this text\n");
    return f == stdout ? TT_CLI_EXIT_OK : TT_CLI_EXIT_USAGE;
}

int tt_cmd_ladder(int argc, char **argv)
{
    const char *file = NULL, *svg = NULL;
    unsigned long conn = 0, port = 0;
    struct tt_ladder_opts o;
    tt_ladder_opts_default(&o);
    o.color = isatty(STDOUT_FILENO);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h"))
            return usage(stdout);
        if (!strcmp(a, "--absolute"))
            o.absolute = 1;
        else if (!strcmp(a, "--explain"))
            o.explain = 1;
        else if (!strcmp(a, "--conn") || !strcmp(a, "--port") || !strcmp(a, "--svg")) {
            if (i + 1 >= argc)
                return tt_cli_usage_error("ladder", "%s needs a value", a);
            const char *v = argv[++i];
            if (!strcmp(a, "--svg"))
                svg = v;
            else if (tt_cli_parse_uint(v, 1, !strcmp(a, "--conn") ? 1000000 : 65535,
                                       !strcmp(a, "--conn") ? &conn : &port) != 0)
                return tt_cli_usage_error("ladder", "bad value for %s: '%s'", a, v);
        } else if (a[0] == '-')
            return tt_cli_usage_error("ladder", "unknown option '%s'", a);
        else if (file)
            return tt_cli_usage_error("ladder", "one capture file only");
        else
            file = a;
    }
    if (!file)
        return tt_cli_usage_error("ladder", "a capture file is needed");
    if (conn && port)
        return tt_cli_usage_error("ladder", "--conn and --port exclude each other");
    struct tt_ladder l;
    tt_ladder_init(&l);
    int rc = tt_ladder_load_pcap(file, (unsigned)conn, (unsigned)port, &l, stderr);
    if (rc == TT_EINVAL) {
        tt_ladder_free(&l);
        return TT_CLI_EXIT_USAGE;
    }
    if (rc != 0) {
        fprintf(stderr, "tether ladder: %s: %s\n", file,
                rc == TT_EPROTO ? "not a pcap file, or truncated" : tt_strerror(rc));
        tt_ladder_free(&l);
        return TT_CLI_EXIT_FAIL;
    }
    rc = tt_ladder_render_text(&l, &o, stdout);
    if (rc == 0 && svg) {
        FILE *f = fopen(svg, "w");
        rc = f ? tt_ladder_render_svg(&l, &o, f) : TT_ENOENT;
        if (f && fclose(f) != 0 && rc == 0)
            rc = TT_ENOSPC;
        if (rc != 0)
            fprintf(stderr, "tether ladder: cannot write %s\n", svg);
    }
    tt_ladder_free(&l);
    return rc == 0 ? TT_CLI_EXIT_OK : TT_CLI_EXIT_FAIL;
}
