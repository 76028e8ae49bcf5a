#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Linux interop: 64 MiB tether -> Linux with 1 % and then 5 % of tether's
# packets dropped by nftables on the Linux side, SHA-256 compared: tether's
# own loss recovery against a Linux receiver. xfer_bulk.sh does the work
# (TT_XFER_MODE=sendloss; see there for the time limit: a run past it fails).
# Usage: xfer_sendloss.sh /path/to/tether
TT_XFER_MODE=sendloss exec bash "$(dirname "$0")/xfer_bulk.sh" "$@"
