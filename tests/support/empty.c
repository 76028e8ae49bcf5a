/* SPDX-License-Identifier: BSD-2-Clause */
/* Keeps the test support library non-empty whatever else it holds. */
int tt_test_support_empty_;
