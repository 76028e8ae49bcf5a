/* SPDX-License-Identifier: BSD-2-Clause */
/* libFuzzer target: the pcap reader (classic pcap and pcapng, every link
 * type it locates the network layer in) must never read outside the file,
 * whatever the bytes, must end (EOF or an error) after finitely many records,
 * and must say where it stopped; the ladder's packet parser must never read
 * outside what the reader handed out. Seeds: tests/fuzz/corpus/fuzz_pcap_read/. */
#include <stddef.h>
#include <stdint.h>

#include "ladder/ladder.h"
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
    int rc;
    while ((rc = tt_pcap_read(r, &f)) == 1) {
        /* Touch every byte handed out, so ASan sees any overrun. */
        for (size_t i = 0; i < f.len; i++)
            sink += f.data[i];
        for (size_t i = 0; i < f.l3_len; i++)
            sink += f.l3[i];
        if (f.l3 && (f.l3 < f.data || f.l3 + f.l3_len > f.data + f.len))
            __builtin_trap();
        struct tt_trace_seg h;
        if (f.l3 && f.ethertype == 0x0800 && tt_ladder_parse_ip(f.l3, f.l3_len, &h) == 0)
            sink += h.seq + h.len;
        if (++records > size) /* each record takes >= 12 bytes: cannot happen */
            __builtin_trap();
        if (tt_pcap_reader_offset(r) >= size || tt_pcap_reader_records(r) != records)
            __builtin_trap();
    }
    if (rc != 0 && tt_pcap_reader_offset(r) > size)
        __builtin_trap();
    (void)sink;
    tt_pcap_reader_close(r);
    return 0;
}
