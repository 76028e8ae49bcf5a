/* SPDX-License-Identifier: BSD-2-Clause */
/* What every benchmark program needs: clocks, a median, and a way to fail. */
#ifndef TETHER_BENCH_H
#define TETHER_BENCH_H

#include <errno.h> /* program_invocation_short_name (_GNU_SOURCE) */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Instruction counts come from callgrind's client requests when the header is
 * there (it only defines macros: nothing to link); without it every bench
 * still runs and prints its times. */
#if defined(__has_include)
#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#define BENCH_HAVE_CALLGRIND 1
#endif
#endif

/* CPU seconds used by this process. */
static inline double bench_cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Wall-clock seconds (monotonic). */
static inline double bench_wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static inline int bench_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The median of v[0..n-1] (sorts v). */
static inline double bench_median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof v[0], bench_cmp_double);
    return v[n / 2];
}

/* Print "<program>: what" and exit 1. */
static inline void bench_die(const char *what)
{
    fprintf(stderr, "%s: %s\n", program_invocation_short_name, what);
    exit(1);
}

/*
 * Options: every bench takes its sizes as "--name N" or "--name=N", N with an
 * optional binary suffix k, M or G (4M = 4 MiB). Unknown options are fatal,
 * so a typo cannot silently run the default.
 */
static inline int bench_parse_u64(const char *v, uint64_t *out)
{
    char *end;
    unsigned long long n = strtoull(v, &end, 10);
    if (end == v)
        return -1;
    if (*end == 'k' || *end == 'K')
        n <<= 10, end++;
    else if (*end == 'M')
        n <<= 20, end++;
    else if (*end == 'G')
        n <<= 30, end++;
    if (*end != '\0' && *end != ',')
        return -1;
    *out = n;
    return 0;
}

struct bench_opt {
    const char *name; /* without the leading "--" */
    uint64_t *val;    /* a number, or NULL for a string option */
    const char **str;
};

static inline void bench_usage(const struct bench_opt *o)
{
    fprintf(stderr, "usage: %s", program_invocation_short_name);
    for (; o->name; o++)
        fprintf(stderr, " [--%s %s]", o->name, o->val ? "N" : "LIST");
    fprintf(stderr, "\n");
    exit(2);
}

static inline void bench_options(int argc, char **argv, const struct bench_opt *opts)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v;
        if (strncmp(a, "--", 2) != 0)
            bench_usage(opts);
        a += 2;
        size_t n = strcspn(a, "=");
        const struct bench_opt *o;
        for (o = opts; o->name; o++)
            if (strlen(o->name) == n && strncmp(o->name, a, n) == 0)
                break;
        if (!o->name)
            bench_usage(opts);
        v = a[n] == '=' ? a + n + 1 : (i + 1 < argc ? argv[++i] : NULL);
        if (!v)
            bench_usage(opts);
        if (o->val ? bench_parse_u64(v, o->val) != 0 : (*o->str = v, 0))
            bench_usage(opts);
    }
}

/*
 * Instruction counts (the figures of record). Under
 *   TT_BENCH_CG=F valgrind --tool=callgrind --collect-atstart=no \
 *       --callgrind-out-file=F bench_x ...
 * (what bench/run.sh --instr does) bench_instr_begin() zeroes callgrind's
 * counters and starts collecting; bench_instr_end() stops, dumps them to
 * F.<k> and returns the instructions in between, read back from that file.
 * Outside callgrind both do nothing and bench_instr_end() returns -1.
 */
static int bench_cg_dumps;

static inline int bench_under_callgrind(void)
{
#ifdef BENCH_HAVE_CALLGRIND
    return RUNNING_ON_VALGRIND && getenv("TT_BENCH_CG") != NULL;
#else
    return 0;
#endif
}

static inline void bench_instr_begin(void)
{
#ifdef BENCH_HAVE_CALLGRIND
    if (bench_under_callgrind()) {
        CALLGRIND_ZERO_STATS;
        CALLGRIND_TOGGLE_COLLECT;
    }
#endif
}

static inline double bench_instr_end(void)
{
#ifdef BENCH_HAVE_CALLGRIND
    if (!bench_under_callgrind())
        return -1;
    CALLGRIND_TOGGLE_COLLECT;
    CALLGRIND_DUMP_STATS_AT("bench region");
    char path[4096], line[512];
    snprintf(path, sizeof path, "%s.%d", getenv("TT_BENCH_CG"), ++bench_cg_dumps);
    FILE *f = fopen(path, "r");
    if (!f)
        bench_die("cannot read the callgrind dump (run through bench/run.sh --instr)");
    double n = -1;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, "summary: ", 9) == 0)
            n = strtod(line + 9, NULL);
    fclose(f);
    return n;
#else
    return -1;
#endif
}

/*
 * Call run(seed) for seeds 1..runs (once under callgrind, whose counts
 * repeat exactly; runs at most 99) and return the median of the CPU seconds
 * the calls return; *instr is the last call's instruction count.
 */
static inline double bench_runs(uint64_t runs, double (*run)(uint64_t seed, double *instr),
                                double *instr)
{
    double cpu[99];
    if (bench_under_callgrind())
        runs = 1;
    if (runs < 1 || runs > 99)
        bench_die("--runs: 1 to 99");
    for (uint64_t i = 0; i < runs; i++)
        cpu[i] = run(i + 1, instr);
    return bench_median(cpu, (int)runs);
}

/* ",\"name\":v" with v = instr / units, or nothing outside callgrind. */
static inline void bench_print_instr(const char *name, double instr, double units)
{
    if (instr >= 0 && units > 0)
        printf(instr / units >= 100 ? ",\"%s\":%.0f" : ",\"%s\":%.2f", name, instr / units);
}

#endif
