/*
 * replay.c - runs a fuzz target over every file of the corpus directories given
 * on the command line, without libFuzzer, and prints one TAP line per directory
 * (each file is named in a TAP comment first, so a crash shows its input). Used
 * by `make test` so that every input the fuzzers ever found interesting (and every
 * crasher, once fixed) is checked on each run, under ASan and UBSan.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

#define MAX_FILES 100000
#define MAX_SIZE (1 << 20)

static int by_name(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

int main(int argc, char **argv)
{
    int n = 0, failed = 0;
    uint8_t *buf = malloc(MAX_SIZE);
    char **names = malloc(MAX_FILES * sizeof *names);
    if (!buf || !names)
        return 1;
    for (int d = 1; d < argc; d++) {
        DIR *dir = opendir(argv[d]);
        if (!dir) {
            printf("not ok %d - cannot open corpus %s\n", ++n, argv[d]);
            failed++;
            continue;
        }
        size_t count = 0;
        struct dirent *e;
        while ((e = readdir(dir)) != NULL && count < MAX_FILES)
            if (e->d_name[0] != '.')
                names[count++] = strdup(e->d_name);
        closedir(dir);
        qsort(names, count, sizeof *names, by_name);
        size_t unreadable = 0;
        for (size_t i = 0; i < count; i++) {
            char path[4096];
            snprintf(path, sizeof path, "%s/%s", argv[d], names[i]);
            FILE *f = fopen(path, "rb");
            if (!f) {
                printf("# cannot read %s\n", path);
                unreadable++;
            } else {
                size_t size = fread(buf, 1, MAX_SIZE, f);
                fclose(f);
                printf("# %s\n", names[i]);
                fflush(stdout);
                LLVMFuzzerTestOneInput(buf, size);
            }
            free(names[i]);
        }
        if (unreadable || count == 0) {
            printf("not ok %d - %s: %zu inputs, %zu unreadable\n", ++n, argv[d], count, unreadable);
            failed++;
        } else {
            printf("ok %d - %s: %zu inputs\n", ++n, argv[d], count);
        }
    }
    printf("1..%d\n", n);
    free(buf);
    free(names);
    return failed ? 1 : 0;
}
