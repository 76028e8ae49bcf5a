/* SPDX-License-Identifier: BSD-2-Clause */
/* libFuzzer target: the pcap reader must never read outside the file, whatever
 * the bytes, and must end (EOF or TT_EPROTO) after finitely many records. */
#include <stddef.h>
#include <stdint.h>

#include "pcap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct tt_pcap_reader *r;
    if (tt_pcap_reader_open_mem(data, size, &r) != 0)
        return 0;
    struct tt_pcap_frame f;
    volatile uint32_t sink = tt_pcap_reader_linktype(r);
    size_t records = 0;
    while (tt_pcap_read(r, &f) == 1) {
        /* Touch every byte handed out, so ASan sees any overrun. */
        for (size_t i = 0; i < f.len; i++)
            sink += f.data[i];
        for (size_t i = 0; i < f.l3_len; i++)
            sink += f.l3[i];
        if (++records > size) /* each record takes >= 16 bytes: cannot happen */
            __builtin_trap();
    }
    (void)sink;
    tt_pcap_reader_close(r);
    return 0;
}
