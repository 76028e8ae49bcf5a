/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Every packetdrill script parses: the external ones under
 * ../shared/conformance/packetdrill (the whole program exits 77, skipped, when
 * that folder is absent) and tether's own under tests/conformance.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "drill/drill.h"

static const char *conformance_dir(void)
{
    const char *d = getenv("TT_CONFORMANCE_DIR");
    return d ? d : TT_SOURCE_DIR "/../shared/conformance/packetdrill";
}

static int parse_tree(const char *dir, int *count)
{
    DIR *d = opendir(dir);
    if (d == NULL)
        return 0;
    struct dirent *de;
    int bad = 0;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        struct stat st;
        if (stat(path, &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode)) {
            bad += parse_tree(path, count);
            continue;
        }
        size_t n = strlen(de->d_name);
        if (n < 4 || strcmp(de->d_name + n - 4, ".pkt") != 0)
            continue;
        struct tt_drill_script *s = NULL;
        char err[512];
        (*count)++;
        if (tt_drill_parse_file(path, NULL, 0, &s, err, sizeof err) != 0) {
            print_error("%s\n", err);
            bad++;
            continue;
        }
        if (s->nev == 0) {
            print_error("%s: no events\n", path);
            bad++;
        }
        tt_drill_script_free(s);
    }
    closedir(d);
    return bad;
}

static void test_external_scripts(void **state)
{
    (void)state;
    int count = 0;
    assert_int_equal(parse_tree(conformance_dir(), &count), 0);
    assert_true(count >= 42);
}

static void test_own_scripts(void **state)
{
    (void)state;
    int count = 0;
    assert_int_equal(parse_tree(TT_SOURCE_DIR "/tests/conformance", &count), 0);
}

int main(void)
{
    struct stat st;
    if (stat(conformance_dir(), &st) != 0) {
        fprintf(stderr, "%s absent: skipped\n", conformance_dir());
        return 77;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_external_scripts),
        cmocka_unit_test(test_own_scripts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
