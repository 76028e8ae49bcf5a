/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * `tether drill [options] SCRIPT|DIR...`: run packetdrill scripts against
 * fresh tether stacks on the virtual clock.
 *
 *   --verbose            print each event as it runs
 *   --pcap FILE          record the run (one script only)
 *   --table              one row per script: RESULT<TAB>script<TAB>reason
 *   -D NAME=VALUE        a define, substituted where NAME appears as a word
 *   --seed N             the stack secret (ISNs, ports)
 *   --NAME=VALUE         any script option (--tolerance_usecs=..., ...)
 * A directory runs every *.pkt under it, in name order. The exit status is 0
 * when every script passes, 1 otherwise, 2 for a usage error.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "drill/drill.h"

#define MAX_DEFS 16

struct drill_opts {
    struct tt_drill_cfg cfg;
    bool table;
    struct tt_drill_define defs[MAX_DEFS];
    size_t ndefs;
    struct tt_drill_option extra[16]; /* command-line script options */
    size_t nextra;
    int pass, fail, skip;
    char **skipped; /* --table: SKIP rows, printed apart after the others */
    size_t nskipped;
};

static void usage(FILE *f)
{
    fprintf(f,
            "usage: tether drill [--verbose] [--pcap FILE] [--table] [-D NAME=VALUE] [--seed N]\n"
            "                    [--OPTION=VALUE] SCRIPT|DIR...\n"
            "\n"
            "Run packetdrill scripts, each against a fresh tether stack on a virtual clock\n"
            "(docs/conformance.md). A DIR runs every *.pkt under it, in name order.\n"
            "\n"
            "  --verbose, -v     print each event as it runs\n"
            "  --pcap FILE       record the run as a classic pcap (one script only)\n"
            "  --table           one line per script: RESULT<TAB>script<TAB>reason, then totals\n"
            "  -D NAME=VALUE     a define: VALUE replaces NAME where it appears as a word\n"
            "  --seed N          the stack secret (ISNs and ports replay; default 1)\n"
            "  --OPTION=VALUE    a script option, as if the script had the line:\n"
            "                    --tolerance_usecs=N (4000), --tolerance_percent=N (12.5),\n"
            "                    --tcp_ts_tick_usecs=N, --tcp_ts_ecr_scaled, --strict_segments,\n"
            "                    --mss=N, --local_ip=A.B.C.D (192.0.2.2),\n"
            "                    --remote_ip=A.B.C.D (192.0.2.1), --ip_version=ipv4,\n"
            "                    --bind_port=N (8080), --connect_port=N (8080)\n"
            "  --help, -h        this text\n"
            "\n"
            "Exit status: 0 when every script passes, 1 otherwise, 2 for a usage error.\n");
}

static void table_row(struct drill_opts *o, const char *status, const char *path,
                      const char *reason)
{
    if (strcmp(status, "SKIP") != 0) {
        printf("%s\t%s\t%s\n", status, path, reason);
        return;
    }
    size_t n = strlen(path) + strlen(reason) + 8;
    char *row = malloc(n);
    char **grown = realloc(o->skipped, (o->nskipped + 1) * sizeof *grown);
    if (row == NULL || grown == NULL) {
        free(row);
        if (grown)
            o->skipped = grown;
        printf("SKIP\t%s\t%s\n", path, reason); /* out of memory: print it in place */
        return;
    }
    snprintf(row, n, "SKIP\t%s\t%s", path, reason);
    o->skipped = grown;
    o->skipped[o->nskipped++] = row;
}

/* The skipped scripts, apart: each with the symbol, syscall or option it lacked. */
static void print_skipped(struct drill_opts *o)
{
    if (o->nskipped > 0)
        printf("# skipped (not run to the end: what each lacked)\n");
    for (size_t i = 0; i < o->nskipped; i++) {
        printf("%s\n", o->skipped[i]);
        free(o->skipped[i]);
    }
    free(o->skipped);
    o->skipped = NULL;
    o->nskipped = 0;
}

static void run_one(struct drill_opts *o, const char *path)
{
    struct tt_drill_script *s = NULL;
    char err[512];
    struct tt_drill_result res;
    if (tt_drill_parse_file(path, o->defs, o->ndefs, &s, err, sizeof err) != 0) {
        o->fail++;
        if (o->table)
            table_row(o, "FAIL", path, err);
        else
            fprintf(stderr, "%s\n", err);
        return;
    }
    struct tt_drill_cfg cfg = o->cfg;
    struct tt_drill_script cmdline = {.name = s->name, .opts = o->extra, .nopts = o->nextra};
    if (tt_drill_apply_options(&cfg, s, err, sizeof err) != 0 ||
        tt_drill_apply_options(&cfg, &cmdline, err, sizeof err) != 0) {
        o->skip++;
        if (o->table)
            table_row(o, "SKIP", path, err);
        else
            fprintf(stderr, "%s\n", err);
        tt_drill_script_free(s);
        return;
    }
    enum tt_drill_status st = tt_drill_run(s, &cfg, o->table ? NULL : stderr, &res);
    if (st == TT_DRILL_PASS)
        o->pass++;
    else if (st == TT_DRILL_SKIP)
        o->skip++;
    else
        o->fail++;
    if (o->table) {
        char reason[600];
        snprintf(reason, sizeof reason, "line %d: %s", res.line, res.reason);
        for (char *q = reason; *q; q++)
            if (*q == '\t' || *q == '\n')
                *q = ' ';
        table_row(o,
                  st == TT_DRILL_PASS   ? "PASS"
                  : st == TT_DRILL_SKIP ? "SKIP"
                                        : "FAIL",
                  path, st == TT_DRILL_PASS ? "" : reason);
    } else if (st == TT_DRILL_PASS) {
        printf("%s: pass\n", path);
    }
    tt_drill_script_free(s);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void run_path(struct drill_opts *o, const char *path, int depth)
{
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode) || depth > 16) {
        run_one(o, path);
        return;
    }
    DIR *d = opendir(path);
    if (d == NULL) {
        run_one(o, path);
        return;
    }
    char **names = NULL;
    size_t n = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        char *full = malloc(strlen(path) + strlen(de->d_name) + 2);
        char **nn = realloc(names, (n + 1) * sizeof(*names));
        if (full == NULL || nn == NULL) {
            free(full);
            break;
        }
        names = nn;
        sprintf(full, "%s/%s", path, de->d_name);
        names[n++] = full;
    }
    closedir(d);
    if (n > 0)
        qsort(names, n, sizeof(*names), cmp_str);
    for (size_t i = 0; i < n; i++) {
        size_t l = strlen(names[i]);
        struct stat cs;
        if (stat(names[i], &cs) == 0 && S_ISDIR(cs.st_mode))
            run_path(o, names[i], depth + 1);
        else if (l > 4 && strcmp(names[i] + l - 4, ".pkt") == 0)
            run_one(o, names[i]);
        free(names[i]);
    }
    free(names);
}

/*
 * The -D definitions packetdrill's run_all.py passes to every Linux script,
 * unless the command line gave its own: the IPv4 values of the cmsg level and
 * type of IP_RECVERR (SOL_IP 0, IP_RECVERR 11). TFO_COOKIE is computed from
 * the stack's Fast Open key by the runner (it is not a fixed value here).
 */
static void add_default_defines(struct drill_opts *o)
{
    static const struct tt_drill_define defaults[] = {
        {"CMSG_LEVEL_IP", "SOL_IP"},
        {"CMSG_TYPE_RECVERR", "IP_RECVERR"},
    };
    for (size_t i = 0; i < sizeof defaults / sizeof defaults[0]; i++) {
        bool given = false;
        for (size_t k = 0; k < o->ndefs; k++)
            given = given || strcmp(o->defs[k].name, defaults[i].name) == 0;
        if (!given && o->ndefs < MAX_DEFS)
            o->defs[o->ndefs++] = defaults[i];
    }
}

static int parse_args(struct drill_opts *o, int argc, char **argv, int *first)
{
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        const char *a = argv[i];
        unsigned long v;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            return 1;
        } else if (strcmp(a, "--verbose") == 0 || strcmp(a, "-v") == 0) {
            o->cfg.verbose = stdout;
        } else if (strcmp(a, "--table") == 0) {
            o->table = true;
        } else if (strcmp(a, "--pcap") == 0 && i + 1 < argc) {
            o->cfg.pcap_path = argv[++i];
        } else if (strcmp(a, "--seed") == 0 && i + 1 < argc &&
                   tt_cli_parse_uint(argv[i + 1], 0, ~0ul, &v) == 0) {
            o->cfg.seed = v;
            i++;
        } else if (strcmp(a, "-D") == 0 && i + 1 < argc && o->ndefs < MAX_DEFS &&
                   strchr(argv[i + 1], '=')) {
            char *eq = strchr(argv[++i], '=');
            *eq = '\0';
            o->defs[o->ndefs].name = argv[i];
            o->defs[o->ndefs++].value = eq + 1;
        } else if (strncmp(a, "--", 2) == 0 && a[2] && o->nextra < 16) {
            char *eq = strchr(argv[i], '=');
            struct tt_drill_option *x = &o->extra[o->nextra++];
            if (eq)
                *eq = '\0';
            x->name = argv[i] + 2;
            x->value = eq ? eq + 1 : NULL;
            x->line = 0;
        } else {
            return tt_cli_usage_error("drill", "unknown option %s", a);
        }
    }
    *first = i;
    if (i >= argc)
        return tt_cli_usage_error("drill", "no script given");
    return 0;
}

int tt_cmd_drill(int argc, char **argv)
{
    struct drill_opts o;
    memset(&o, 0, sizeof o);
    tt_drill_cfg_default(&o.cfg);
    int first = 0;
    int r = parse_args(&o, argc, argv, &first);
    if (r != 0)
        return r == 1 ? TT_CLI_EXIT_OK : r;
    if (o.cfg.pcap_path && argc - first > 1)
        return tt_cli_usage_error("drill", "--pcap takes one script");
    add_default_defines(&o);
    for (int i = first; i < argc; i++)
        run_path(&o, argv[i], 0);
    print_skipped(&o);
    if (o.table || o.pass + o.fail + o.skip > 1)
        printf("%d passed, %d failed, %d skipped\n", o.pass, o.fail, o.skip);
    return o.fail + o.skip == 0 ? TT_CLI_EXIT_OK : TT_CLI_EXIT_FAIL;
}
