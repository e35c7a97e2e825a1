/*
 * fuzz_settings.c - the server's config file and listen addresses (settings.c).
 *
 * Input: the text of a config file.
 * Properties: no crash; a refused file is a usage error naming its line
 * ("conf:N: "); an accepted one leaves every number in its range and a listen
 * address that splits into host and port; the whole text as a listen value either
 * splits into a shorter host and a port in range or is a usage error.
 */
#include "fuzz.h"
#include "http/settings.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char buf[FUZZ_MAX_INPUT + 1];
    const char *text = fuzz_text(data, size, buf);
    FILE *f = fmemopen((void *)text, strlen(text), "r");
    if (!f)
        return 0;
    server_settings s;
    settings_origin o;
    settings_defaults(&s, &o);
    emb_err err;
    emb_code rc = settings_read_stream(&s, &o, f, "conf", &err);
    fclose(f);
    if (rc) {
        FUZZ_CHECK(rc == EMB_USAGE && !strncmp(err.msg, "conf:", 5), "%d %s", (int)rc, err.msg);
        return 0;
    }
    FUZZ_CHECK(s.threads >= 1 && s.threads <= 256, "threads %lld", (long long)s.threads);
    FUZZ_CHECK(s.connection_timeout >= 1 && s.connection_timeout <= 3600, "timeout");
    FUZZ_CHECK(s.max_connections >= 1 && s.max_connections <= 100000, "max-connections");
    FUZZ_CHECK(s.shutdown_grace >= 0 && s.shutdown_grace <= 600, "grace");
    char host[SETTING_TEXT_MAX];
    int port = -1;
    FUZZ_CHECK(settings_split_listen(s.listen, host, sizeof host, &port, &err) == EMB_OK && port >= 0 && port <= 65535,
               "listen '%s'", s.listen);
    port = -1;
    if (settings_split_listen(text, host, sizeof host, &port, &err) == EMB_OK)
        FUZZ_CHECK(port >= 0 && port <= 65535 && strlen(host) < strlen(text), "'%s'", text);
    else
        FUZZ_CHECK(err.code == EMB_USAGE, "'%s'", text);
    return 0;
}
