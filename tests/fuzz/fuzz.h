/*
 * fuzz.h - what the libFuzzer targets of tests/fuzz/ share. Each target defines
 * LLVMFuzzerTestOneInput; built with clang -fsanitize=fuzzer by scripts/fuzz, or
 * with replay.c by `make test` to replay the corpus of tests/fuzz/corpus/NAME/.
 * A broken property aborts, which both libFuzzer and the replay report.
 */
#ifndef EMB_FUZZ_H
#define EMB_FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_MAX_INPUT 4096

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond, ...)                                                          \
    do {                                                                               \
        if (!(cond)) {                                                                 \
            fprintf(stderr, "%s:%d: property failed: %s: ", __FILE__, __LINE__, #cond); \
            fprintf(stderr, __VA_ARGS__);                                              \
            fputc('\n', stderr);                                                       \
            abort();                                                                   \
        }                                                                              \
    } while (0)

/* A NUL-terminated copy of data[0..size) (cut at FUZZ_MAX_INPUT), in buf. Embedded
 * NULs end the string, as they would in any C caller. */
static inline char *fuzz_text(const uint8_t *data, size_t size, char buf[FUZZ_MAX_INPUT + 1])
{
    if (size > FUZZ_MAX_INPUT)
        size = FUZZ_MAX_INPUT;
    memcpy(buf, data, size);
    buf[size] = '\0';
    return buf;
}

#endif
