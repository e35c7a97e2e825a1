/* test_http.c - the server's pieces that need no socket: the request counters and
 * their Prometheus text (buckets at their bounds, status classes, unmatched
 * routes), and the settings table (file, environment and flags in precedence,
 * quoting, ranges, listen addresses). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "http/counters.h"
#include "http/settings.h"

static void counters_text_is_exact(void **state)
{
    (void)state;
    static const char *const names[] = {"/a", "/b"};
    http_counters *c = malloc(sizeof *c);
    assert_non_null(c);
    http_counters_init(c, names, 2);
    http_counters_add(c, 0, 200, 500);  /* at the first bound: in it */
    http_counters_add(c, 0, 200, 501);  /* just above: the next */
    http_counters_add(c, 0, 418, 7000); /* no own counter: 4xx */
    http_counters_add(c, -1, 404, 6000000); /* unmatched, above every bound: +Inf only */
    size_t len;
    char *text = http_counters_format(c, &len);
    assert_non_null(text);
    assert_int_equal(strlen(text), len);
    assert_non_null(strstr(text, "embudo_http_requests_total{route=\"/a\",status=\"200\"} 2\n"));
    assert_non_null(strstr(text, "embudo_http_requests_total{route=\"/a\",status=\"4xx\"} 1\n"));
    assert_non_null(strstr(text, "embudo_http_requests_total{route=\"unmatched\",status=\"404\"} 1\n"));
    assert_null(strstr(text, "route=\"/b\"")); /* nothing counted, nothing printed */
    assert_non_null(strstr(text, "duration_seconds_bucket{route=\"/a\",le=\"0.0005\"} 1\n"));
    assert_non_null(strstr(text, "duration_seconds_bucket{route=\"/a\",le=\"0.001\"} 2\n"));
    assert_non_null(strstr(text, "duration_seconds_bucket{route=\"/a\",le=\"0.005\"} 2\n"));
    assert_non_null(strstr(text, "duration_seconds_bucket{route=\"/a\",le=\"0.01\"} 3\n"));
    assert_non_null(strstr(text, "duration_seconds_bucket{route=\"/a\",le=\"+Inf\"} 3\n"));
    assert_non_null(strstr(text, "duration_seconds_sum{route=\"/a\"} 0.008001\n"));
    assert_non_null(strstr(text, "duration_seconds_bucket{route=\"unmatched\",le=\"5\"} 0\n"));
    assert_non_null(strstr(text, "duration_seconds_bucket{route=\"unmatched\",le=\"+Inf\"} 1\n"));
    assert_non_null(strstr(text, "duration_seconds_count{route=\"unmatched\"} 1\n"));
    free(text);
    free(c);
}

static void listen_addresses(void **state)
{
    (void)state;
    char addr[64];
    int port;
    emb_err err;
    assert_int_equal(settings_split_listen("127.0.0.1:8080", addr, sizeof addr, &port, &err), EMB_OK);
    assert_string_equal(addr, "127.0.0.1");
    assert_int_equal(port, 8080);
    assert_int_equal(settings_split_listen("[::1]:0", addr, sizeof addr, &port, &err), EMB_OK);
    assert_string_equal(addr, "::1");
    assert_int_equal(port, 0);
    const char *bad[] = {"8080", "127.0.0.1", "127.0.0.1:", ":80", "a:65536", "a:-1", "a:8x", "[::1:80", "::1:80x"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(settings_split_listen(bad[i], addr, sizeof addr, &port, &err), EMB_USAGE);
    assert_non_null(strstr(err.msg, "'::1:80x' is not an address to listen on"));
}

static void sources_in_precedence(void **state)
{
    (void)state;
    char path[64];
    snprintf(path, sizeof path, "/tmp/embudo-test-http-%d.conf", (int)getpid());
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("  # comment\n\nlisten = 0.0.0.0:9000\nthreads=3\naccess-log = \" spaced \"\nshutdown-grace = 2\n", f);
    fclose(f);
    server_settings s;
    settings_origin o;
    emb_err err;
    settings_defaults(&s, &o);
    assert_string_equal(s.listen, "127.0.0.1:8080");
    assert_int_equal(s.max_connections, 1000);
    assert_true(s.threads >= 2);
    assert_int_equal(settings_read_file(&s, &o, path, &err), EMB_OK);
    assert_string_equal(s.listen, "0.0.0.0:9000");
    assert_int_equal(s.threads, 3);
    assert_string_equal(s.access_log, " spaced "); /* quotes keep the blanks */
    char *env[] = {"HOME=/x", "EMBUDO_THREADS=7", "EMBUDO_SHUTDOWN_GRACE=5", "EMBUDO_THREADSX=1", NULL};
    assert_int_equal(settings_read_env(&s, &o, env, &err), EMB_OK);
    assert_int_equal(s.threads, 7);
    assert_int_equal(settings_set_flag(&s, &o, "shutdown-grace", "9", &err), EMB_OK);
    assert_int_equal(s.shutdown_grace, 9);
    assert_int_equal(settings_set_flag(&s, &o, "nothing", "9", &err), EMB_NOT_FOUND);
    assert_int_equal(settings_set_flag(&s, &o, "threads", "257", &err), EMB_USAGE);
    assert_string_equal(err.msg, "--threads: setting 'threads' takes a whole number from 1 to 256, not '257'");
    assert_int_equal(s.threads, 7); /* a refused value changes nothing */
    char *bad_env[] = {"EMBUDO_CONNECTION_TIMEOUT=", NULL};
    assert_int_equal(settings_read_env(&s, &o, bad_env, &err), EMB_USAGE);
    assert_non_null(strstr(err.msg, "EMBUDO_CONNECTION_TIMEOUT: setting 'connection-timeout'"));
    assert_int_equal(o.source[0], SETTING_FILE);  /* listen */
    assert_int_equal(o.source[1], SETTING_ENV);   /* threads */
    assert_int_equal(o.source[6], SETTING_DEFAULT); /* max-connections */
    assert_int_equal(o.source[7], SETTING_FLAG);  /* shutdown-grace */
    assert_int_equal(settings_set_flag(&s, &o, "tls-key", "k.pem", &err), EMB_OK);
    assert_int_equal(settings_check(&s, &err), EMB_USAGE);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs("listen = 1.2.3.4:80\nlisten 5\n", f);
    fclose(f);
    assert_int_equal(settings_read_file(&s, &o, path, &err), EMB_USAGE);
    char want[128];
    snprintf(want, sizeof want, "%s:2: 'listen 5' is not a setting; write NAME = VALUE", path);
    assert_string_equal(err.msg, want);
    remove(path);
    assert_int_equal(settings_read_file(&s, &o, path, &err), EMB_NOT_FOUND);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(counters_text_is_exact),
        cmocka_unit_test(listen_addresses),
        cmocka_unit_test(sources_in_precedence),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
