/* SPDX-License-Identifier: BSD-2-Clause */
/* Guard-page buffers for parser tests (see guard_page.h). */
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "guard_page.h"

int tt_guard_init(struct tt_guard *g, size_t max_len)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    size_t data_pages = (max_len + page - 1) / page;
    void *m;

    if (data_pages == 0)
        data_pages = 1;
    memset(g, 0, sizeof *g);
    g->map_len = (data_pages + 1) * page;
    m = mmap(NULL, g->map_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED)
        return -1;
    g->map = m;
    g->room = data_pages * page;
    if (mprotect(g->map + g->room, page, PROT_NONE) != 0) {
        munmap(g->map, g->map_len);
        g->map = NULL;
        return -1;
    }
    return 0;
}

const uint8_t *tt_guard_place(struct tt_guard *g, const void *data, size_t len)
{
    uint8_t *dst;

    if (g->map == NULL || len > g->room)
        return NULL;
    dst = g->map + g->room - len;
    if (len > 0)
        memcpy(dst, data, len);
    return dst;
}

void tt_guard_release(struct tt_guard *g)
{
    if (g->map != NULL)
        munmap(g->map, g->map_len);
    g->map = NULL;
}
