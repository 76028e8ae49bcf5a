/* SPDX-License-Identifier: BSD-2-Clause */
/* The %{ }% assertion evaluator: Python's rules on the subset scripts use. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drill/drill.h"

static bool lookup(void *ctx, const char *name, int64_t *v)
{
    (void)ctx;
    static const struct {
        const char *n;
        int64_t v;
    } vars[] = {{"tcpi_snd_cwnd", 10}, {"tcpi_snd_ssthresh", 7}, {"tcpi_rwnd_limited", 100000},
                {"tcpi_options", 0x7}, {"tcpi_ca_state", 3},     {"tcpi_lost", 0}};
    for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++) {
        if (strcmp(vars[i].n, name) == 0) {
            *v = vars[i].v;
            return true;
        }
    }
    return false;
}

static int run(const char *code, char *msg, size_t len)
{
    return tt_drill_code_run(code, strlen(code), lookup, NULL, NULL, msg, len);
}

static void expect(const char *code, int status, const char *want_msg)
{
    char msg[200];
    int r = run(code, msg, sizeof msg);
    if (r != status)
        fail_msg("'%s': status %d (want %d), msg '%s'", code, r, status, msg);
    if (want_msg != NULL && strcmp(msg, want_msg) != 0)
        fail_msg("'%s': msg '%s', want '%s'", code, msg, want_msg);
}

static void test_passing(void **state)
{
    (void)state;
    expect(" assert tcpi_snd_cwnd == 10, tcpi_snd_cwnd ", TT_DRILL_CODE_OK, "");
    expect("assert 98000 <= tcpi_rwnd_limited <= 110000, tcpi_rwnd_limited", TT_DRILL_CODE_OK,
           NULL);
    expect("assert tcpi_ca_state == TCP_CA_Recovery, tcpi_ca_state\n"
           "assert tcpi_lost == 0, tcpi_lost  # a comment\n",
           TT_DRILL_CODE_OK, NULL);
    expect("assert (tcpi_options & TCPI_OPT_SYN_DATA) == 0, tcpi_options", TT_DRILL_CODE_OK, NULL);
    expect("assert 1 + 2 * 3 == 7; assert (1 + 2) * 3 == 9; assert 7 // 2 == 3", TT_DRILL_CODE_OK,
           NULL);
    expect("assert -7 // 2 == -4 and -7 % 2 == 1 and 1 << 4 == 16 and 0x10 >> 2 == 4",
           TT_DRILL_CODE_OK, NULL);
    expect("assert 6 | 1 == 7 and 6 ^ 3 == 5 and ~0 == -1 and not 0", TT_DRILL_CODE_OK, NULL);
    expect("assert tcpi_snd_cwnd == 12 or tcpi_snd_cwnd == 10", TT_DRILL_CODE_OK, NULL);
    expect("assert tcpi_snd_cwnd == 10, 'cwnd=%d' % tcpi_snd_cwnd", TT_DRILL_CODE_OK, NULL);
    expect("cwnd = tcpi_snd_cwnd\ncwnd += 10\nassert cwnd == 20, cwnd", TT_DRILL_CODE_OK, NULL);
    expect("assert 298000 <= tcpi_rwnd_limited + 200000 <= 310000, tcpi_rwnd_limited;\\\n"
           "         assert 1 < 2, 0;\\\n",
           TT_DRILL_CODE_OK, NULL);
    expect("assert (tcpi_snd_cwnd ==\n 10)", TT_DRILL_CODE_OK, NULL);
    expect("pass", TT_DRILL_CODE_OK, NULL);
    expect("", TT_DRILL_CODE_OK, NULL);
    expect("assert True and not False and 3 != 4 and 4 >= 4 and 5 > 4", TT_DRILL_CODE_OK, NULL);
}

static void test_failing(void **state)
{
    (void)state;
    expect("assert tcpi_snd_cwnd == 12, tcpi_snd_cwnd", TT_DRILL_CODE_FAILED,
           "assert tcpi_snd_cwnd == 12 failed: 10");
    expect("assert tcpi_snd_cwnd == 12, 'cwnd=%d' % tcpi_snd_cwnd", TT_DRILL_CODE_FAILED,
           "assert tcpi_snd_cwnd == 12 failed: cwnd=10");
    expect("assert 1 < tcpi_snd_ssthresh < 5", TT_DRILL_CODE_FAILED,
           "assert 1 < tcpi_snd_ssthresh < 5 failed");
    /* The first failing statement is the one reported. */
    expect("assert 1 == 1\nassert 2 == 3, 'second'\nassert 4 == 5, 'third'", TT_DRILL_CODE_FAILED,
           "assert 2 == 3 failed: second");
}

static void test_unsupported(void **state)
{
    (void)state;
    expect("assert tcpi_bogus == 1", TT_DRILL_CODE_UNSUPPORTED, "unknown name 'tcpi_bogus'");
    expect("assert len(x) == 1", TT_DRILL_CODE_UNSUPPORTED, "unsupported construct after 'len'");
    expect("assert 1.5 == 1", TT_DRILL_CODE_UNSUPPORTED, "unsupported number literal");
    expect("assert 1 / 0", TT_DRILL_CODE_UNSUPPORTED, "division by zero");
    expect("assert 3 / 2 == 1", TT_DRILL_CODE_UNSUPPORTED,
           "true division (a float) is not supported");
    expect("assert (1 == 1", TT_DRILL_CODE_UNSUPPORTED, "')' expected");
    expect("assert 1 == 1 1", TT_DRILL_CODE_UNSUPPORTED, "unexpected text '1'");
    expect("assert 'abc", TT_DRILL_CODE_UNSUPPORTED, "unterminated string");
    expect("x += 1", TT_DRILL_CODE_UNSUPPORTED, "unknown name 'x'");
    expect("assert $", TT_DRILL_CODE_UNSUPPORTED, "unexpected '$'");
}

static void test_print(void **state)
{
    (void)state;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    const char *code = "print('cwnd', tcpi_snd_cwnd)\nprint(1 + 1)";
    char msg[64];
    assert_int_equal(tt_drill_code_run(code, strlen(code), lookup, NULL, f, msg, sizeof msg),
                     TT_DRILL_CODE_OK);
    fclose(f);
    assert_string_equal(buf, "cwnd 10\n2\n");
    free(buf);
}

/* Every prefix of a code block runs without crashing or reading past it. */
static void test_truncations(void **state)
{
    (void)state;
    const char *code = "assert 98000 <= tcpi_rwnd_limited <= (110000 + 0x10) and 'x%d' % 3, "
                       "'m' # c\\\ny = 1; y += (2 * 3) // 1 << 2; print(y, 'a')";
    size_t n = strlen(code);
    for (size_t i = 0; i <= n; i++) {
        char *copy = malloc(i ? i : 1);
        memcpy(copy, code, i);
        char msg[64];
        int r = tt_drill_code_run(copy, i, lookup, NULL, NULL, msg, sizeof msg);
        assert_true(r >= 0 && r <= 2);
        free(copy);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_passing),     cmocka_unit_test(test_failing),
        cmocka_unit_test(test_unsupported), cmocka_unit_test(test_print),
        cmocka_unit_test(test_truncations),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
