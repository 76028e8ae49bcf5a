/* SPDX-License-Identifier: BSD-2-Clause */
/* The `tether` command: dispatch to subcommands (see cli.h to add one). */
#include <stdio.h>
#include <string.h>

#include <tether/tether.h>

#include "cli.h"

static int cmd_help(int argc, char **argv);

static int cmd_version(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    printf("tether %s\n", TETHER_VERSION);
    return TT_CLI_EXIT_OK;
}

struct subcommand {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary; /* NULL: hidden from the help */
};

/* One line per subcommand; keep them in the order the help should list them. */
static const struct subcommand commands[] = {
    {"demo", tt_cmd_demo, "watch a TCP connection between two stacks, as a ladder diagram"},
    {"ladder", tt_cmd_ladder, "draw a TCP connection from a pcap file as a ladder diagram"},
    {"drill", tt_cmd_drill, "run packetdrill scripts against fresh stacks"},
    {"serve", tt_cmd_serve, "attach a stack to a TAP or TUN device; answer ARP, ping, TCP"},
    {"connect", tt_cmd_connect, "a TCP client on a TAP or TUN device: stdin/stdout like nc"},
    {"get", tt_cmd_get, "download an http:// URL over a stack on a TAP or TUN device"},
    {"sim-ping", tt_cmd_simping, NULL},
    {"version", cmd_version, "print the version"},
    {"help", cmd_help, "this list"},
};

#define NCOMMANDS (sizeof commands / sizeof commands[0])

static void usage(FILE *f)
{
    fprintf(f, "usage: tether <command> [options]   (tether <command> --help for details)\n\n"
               "commands:\n");
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (commands[i].summary)
            fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
}

static int cmd_help(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    usage(stdout);
    return TT_CLI_EXIT_OK;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return TT_CLI_EXIT_USAGE;
    }
    const char *name = argv[1];
    if (!strcmp(name, "--help") || !strcmp(name, "-h"))
        return cmd_help(argc - 1, argv + 1);
    if (!strcmp(name, "--version") || !strcmp(name, "-V"))
        return cmd_version(argc - 1, argv + 1);
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (!strcmp(name, commands[i].name))
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "tether: unknown command '%s' (tether --help lists them)\n", name);
    return TT_CLI_EXIT_USAGE;
}
